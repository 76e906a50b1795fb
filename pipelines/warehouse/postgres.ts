/**
 * The warehouse on PostgreSQL, for a system that outgrows one SQLite file:
 * the same migrations, models and queries, through Kysely's PostgreSQL
 * dialect and `pg`, with bulk loads by `COPY … FROM STDIN`.
 *
 * Publication is atomic here too. A run builds into a schema of its own
 * (`wsd_build_<run>`) and publishes by renaming schemas in one transaction:
 * the published schema (`wsd`) becomes `wsd_previous` and the build becomes
 * `wsd`. Readers see the old schema or the new one, never a half-built one;
 * a failed run drops its build schema and leaves the published one alone.
 *
 * Everything PostgreSQL needs that SQLite does not is in this module:
 *  - text columns compare byte by byte (`collate "C"`), as SQLite's do, so
 *    orderings, groupings and `string_agg` lists do not depend on the
 *    database's locale;
 *  - `julianday(text)`, SQLite's day number, for date differences in the SQL;
 *  - `bigint` and `numeric` results (counts, sums) come back as numbers;
 *  - the content digest lineage records is computed by the server, table by
 *    table, since the warehouse is not a file whose bytes could be hashed;
 *  - the migrations look for their own tables in the run's schema only (see
 *    `OwnSchemaIntrospector`), since other runs share the server;
 *  - on a server with the Citus extension, the build's tables are distributed
 *    before the load (`citus.ts`).
 * The SQL files are otherwise written in what both databases accept.
 */
import { createHash } from "node:crypto"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  Kysely,
  PostgresDialect,
  type SchemaMetadata,
  sql,
  type TableMetadata
} from "kysely"
import pg from "pg"
import { from as copyFrom } from "pg-copy-streams"
import type { WarehouseSchema } from "../../schemas/warehouse.js"
import { distributeTables, hasCitus, distributedModel, loadTargets, type TableLayout } from "./citus.js"
import type { Connection, Row, WarehouseEngine } from "./dialect.js"

/** A PostgreSQL server and the schema the warehouse is published as. */
export interface PostgresWarehouse {
  /** The connection URL as `pg` takes it (a password may come from it, `PGPASSWORD` or `~/.pgpass`). */
  readonly url: string
  /** The published schema, `wsd` unless the URL's `schema` parameter names another. */
  readonly schema: string
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,39}$/

/**
 * Reads `postgres://…` or `postgresql://…` (with an optional `schema`
 * parameter); undefined for anything else. Throws on a schema name that is
 * not a plain lower-case identifier, since it is written into SQL.
 */
export const parsePostgresUrl = (text: string): PostgresWarehouse | undefined => {
  if (!/^postgres(ql)?:\/\//.test(text)) return undefined
  const url = new URL(text)
  const schema = url.searchParams.get("schema") ?? "wsd"
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`schema "${schema}" is not a lower-case name of letters, digits and _ (at most 40)`)
  }
  url.searchParams.delete("schema")
  return { url: url.toString(), schema }
}

/** The warehouse as lineage and logs name it: never the password. */
const describePostgres = (warehouse: PostgresWarehouse): string => {
  const url = new URL(warehouse.url)
  url.password = ""
  url.searchParams.set("schema", warehouse.schema)
  return url.toString()
}

/** The schema a run builds in before publishing. */
const buildSchema = (warehouse: PostgresWarehouse, runId: string): string =>
  `${warehouse.schema}_build_${runId.toLowerCase().replace(/[^a-z0-9]/g, "_")}`

/** The schema the publication before the current one is kept as (readers may still hold it). */
const previousSchema = (warehouse: PostgresWarehouse): string => `${warehouse.schema}_previous`

/** `count(*)` and sums are `bigint` or `numeric` in PostgreSQL, which `pg` returns as text. */
export const numberTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC
      ? Number
      : pg.types.getTypeParser(oid, format as "text")) as pg.CustomTypesConfig["getTypeParser"]
}

/**
 * One connection, with the schema first on its search path: the SQL files
 * name tables without a schema, and a load's `begin … commit` must reach the
 * same session as the statements between. A published schema is opened read-only.
 */
const poolFor = (warehouse: PostgresWarehouse, schema: string, readonly: boolean) =>
  new pg.Pool({
    connectionString: warehouse.url,
    max: 1,
    types: numberTypes,
    options: `-c search_path=${schema}${readonly ? " -c default_transaction_read_only=on" : ""}`,
    application_name: "wsd"
  })

/** A value in `COPY`'s text format: `\N` for null, and backslash, tab and line breaks escaped. */
const copyValue = (value: unknown): string => {
  if (value === null || value === undefined) return "\\N"
  const text = String(value)
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r")
    : text
}

/** Rows a `COPY` chunk holds: its text stays small enough to die young instead of piling up as large objects. */
const COPY_CHUNK_ROWS = 256

/** The rows in `COPY`'s text format, a chunk of lines at a time. */
function* copyChunks(columns: ReadonlyArray<string>, rows: ReadonlyArray<Row>): Generator<string> {
  for (let start = 0; start < rows.length; start += COPY_CHUNK_ROWS) {
    let text = ""
    for (const row of rows.slice(start, start + COPY_CHUNK_ROWS)) {
      for (let c = 0; c < columns.length; c++) {
        if (c > 0) text += "\t"
        text += copyValue(row[columns[c]!])
      }
      text += "\n"
    }
    yield text
  }
}

/** Text columns compare byte by byte, as in SQLite, whatever the database's locale. */
const byteOrderText = (statement: string): string =>
  /^\s*create table/i.test(statement) ? statement.replace(/\btext\b/gi, 'text collate "C"') : statement

/**
 * Tables of one schema, for the migrator's "does my table exist" question.
 * Kysely's own introspector lists every schema on the server and asks
 * `has_schema_privilege` of each by name: a schema another run drops between
 * the two (its build discarded or published) fails the query with "schema
 * does not exist", and with it a run that had nothing to do with that schema.
 */
class OwnSchemaIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: Kysely<unknown>,
    private readonly schema: string
  ) {}

  async getSchemas(): Promise<Array<SchemaMetadata>> {
    return [{ name: this.schema }]
  }

  async getTables(): Promise<Array<TableMetadata>> {
    const { rows } = await sql<{ name: string; isView: boolean }>`
      select table_name as name, table_type = 'VIEW' as "isView"
      from information_schema.tables where table_schema = ${this.schema}`.execute(this.db)
    return rows.map((row) => ({ ...row, schema: this.schema, columns: [] }))
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() }
  }
}

/** Kysely's PostgreSQL dialect, introspecting only the schema a connection works in. */
class OwnSchemaDialect extends PostgresDialect {
  constructor(
    config: ConstructorParameters<typeof PostgresDialect>[0],
    private readonly schema: string
  ) {
    super(config)
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db, this.schema)
  }
}

/** Opens `schema` on the server; `pool.end()` (through `db.destroy()`) closes it. */
const openSchema = (
  warehouse: PostgresWarehouse,
  schema: string,
  readonly: boolean,
  citus = false
): Connection<Kysely<WarehouseSchema>> => {
  const pool = poolFor(warehouse, schema, readonly)
  /** How Citus laid the tables out; none are distributed on plain PostgreSQL. */
  let layout: TableLayout = { recordTables: new Set(), referenceTables: new Set() }
  const copy = async (table: string, columns: ReadonlyArray<string>, rows: ReadonlyArray<Row>) => {
    const client = await pool.connect()
    try {
      const stream = client.query(copyFrom(`copy "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) from stdin`))
      await pipeline(Readable.from(copyChunks(columns, rows)), stream)
    } finally {
      client.release()
    }
  }
  const insert = async (table: string, columns: ReadonlyArray<string>, rows: ReadonlyArray<Row>) => {
    for (const [target, part] of loadTargets(table, rows, layout.recordTables)) await copy(target, columns, part)
  }
  const analyze = async (tables?: ReadonlyArray<string>) => {
    const named =
      tables ??
      (
        await pool.query<{ name: string }>("select tablename as name from pg_tables where schemaname = $1", [schema])
      ).rows.map(({ name }) => name)
    // On Citus a distributed table's statistics are gathered shard by shard on the workers, where its
    // queries run. A reference table has a copy on the coordinator, which the build's transaction has
    // used, and Citus refuses to analyze it over the workers' connections: those are small, and left.
    const gathered = named.filter((table) => !layout.referenceTables.has(table))
    if (gathered.length > 0) await pool.query(`analyze ${gathered.map((table) => `"${table}"`).join(", ")}`)
  }
  const layOutTables = async () => {
    const client = await pool.connect()
    try {
      layout = await distributeTables(client, schema)
    } finally {
      client.release()
    }
  }
  return {
    db: new Kysely<WarehouseSchema>({ dialect: new OwnSchemaDialect({ pool }, schema) }),
    insert,
    query: async (text) => {
      const result = await pool.query(text)
      return { columns: result.fields.map((field) => field.name), rows: result.rows as Array<Row> }
    },
    adaptDdl: byteOrderText,
    migrationSchema: schema,
    analyze,
    ...(citus ? { layOutTables, adaptModel: distributedModel } : {})
  }
}

/** Runs `work` on a connection of its own (schema changes outside any build). */
const withClient = async <A>(warehouse: PostgresWarehouse, work: (client: pg.Client) => Promise<A>): Promise<A> => {
  const client = new pg.Client({ connectionString: warehouse.url, application_name: "wsd" })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/**
 * A fresh build schema for a run, with SQLite's `julianday` defined in it.
 * Build schemas left by killed runs are dropped first: only the run holding
 * the output area's lock builds.
 */
const openBuild = async (warehouse: PostgresWarehouse, runId: string): Promise<Connection<Kysely<WarehouseSchema>>> => {
  const schema = buildSchema(warehouse, runId)
  const citus = await withClient(warehouse, async (client) => {
    const stale = await client.query<{ nspname: string }>(
      "select nspname from pg_namespace where nspname like $1 escape '!'",
      [`${warehouse.schema.replace(/_/g, "!_")}!_build!_%`]
    )
    for (const { nspname } of stale.rows) await client.query(`drop schema "${nspname}" cascade`)
    await client.query(`create schema "${schema}"`)
    // SQLite's day number: noon-based Julian days, so '2026-11-20' is 2461364.5.
    await client.query(
      `create function "${schema}".julianday(day text) returns double precision language sql immutable strict
       as $$ select extract(julian from day::date)::double precision - 0.5 $$`
    )
    return hasCitus(client)
  })
  return openSchema(warehouse, schema, false, citus)
}

/** Drops a run's build schema (a failed run). */
const dropBuild = (warehouse: PostgresWarehouse, runId: string): Promise<void> =>
  withClient(warehouse, async (client) => {
    await client.query(`drop schema if exists "${buildSchema(warehouse, runId)}" cascade`)
  })

/**
 * Publishes a run's build schema in one transaction: the published schema
 * becomes the previous one (an older previous is dropped) and the build
 * takes its name. Roles in `readers` may read the new schema.
 */
const publishBuild = (warehouse: PostgresWarehouse, runId: string, readers: ReadonlyArray<string>) =>
  withClient(warehouse, async (client) => {
    const published = `"${warehouse.schema}"`
    const previous = `"${previousSchema(warehouse)}"`
    await client.query("begin")
    try {
      await client.query(`drop schema if exists ${previous} cascade`)
      const current = await client.query("select 1 from pg_namespace where nspname = $1", [warehouse.schema])
      if (current.rowCount !== 0) await client.query(`alter schema ${published} rename to ${previous}`)
      await client.query(`alter schema "${buildSchema(warehouse, runId)}" rename to ${published}`)
      for (const reader of readers) {
        await client.query(`grant usage on schema ${published} to "${reader}"`)
        await client.query(`grant select on all tables in schema ${published} to "${reader}"`)
      }
      await client.query("commit")
    } catch (error) {
      await client.query("rollback")
      throw error
    }
  })

/** Opens the published schema to read (extracts); the caller checks which run it holds. */
const openPublished = (warehouse: PostgresWarehouse): Connection<Kysely<WarehouseSchema>> =>
  openSchema(warehouse, warehouse.schema, true)

/**
 * SHA-256 over every table of `schema`: each table's rows are hashed as
 * PostgreSQL writes them as text, in the order of their hashes (so the digest
 * does not depend on how the rows were stored), and the tables' digests are
 * hashed in name order. The rows' hashes travel to this process, not the rows.
 */
const schemaDigest = (warehouse: PostgresWarehouse, schema: string): Promise<string> =>
  withClient(warehouse, async (client) => {
    const tables = await client.query<{ table_name: string }>(
      `select table_name from information_schema.tables
       where table_schema = $1 and table_type = 'BASE TABLE' and table_name not like 'kysely%'
       order by table_name collate "C"`,
      [schema]
    )
    const digest = createHash("sha256")
    for (const { table_name } of tables.rows) {
      const table = await client.query<{ sha256: string }>(
        `select encode(sha256(coalesce(string_agg(row_sha256, ''::bytea order by row_sha256), ''::bytea)), 'hex') as sha256
         from (select sha256(convert_to(t::text, 'UTF8')) as row_sha256 from "${schema}"."${table_name}" t) hashed`
      )
      digest.update(`${table_name} ${table.rows[0]!.sha256}\n`)
    }
    return digest.digest("hex")
  })

/** The warehouse as a schema on a PostgreSQL server, built beside it and swapped in. */
export const postgresEngine = (warehouse: PostgresWarehouse): WarehouseEngine<Kysely<WarehouseSchema>> => {
  const url = new URL(warehouse.url)
  return {
    description: describePostgres(warehouse),
    lineageName: describePostgres(warehouse),
    // As OpenLineage names PostgreSQL datasets: `postgres://host:port` and `database.schema`.
    openLineageDataset: {
      namespace: `postgres://${url.searchParams.get("host") ?? url.hostname}:${url.port || "5432"}`,
      name: `${url.pathname.slice(1)}.${warehouse.schema}`
    },
    // The server's own message says why (it never holds the password).
    failure: (doing, cause) => ({
      message: `cannot ${doing} on ${describePostgres(warehouse)}: ${cause instanceof Error ? cause.message : String(cause)}`,
      nextAction:
        "check the server is reachable, the password (PGPASSWORD or ~/.pgpass) and that the role may create schemas in the database"
    }),
    openBuild: (runId) => openBuild(warehouse, runId),
    discardBuild: (runId) => dropBuild(warehouse, runId),
    publish: (runId, readers) => publishBuild(warehouse, runId, readers),
    openPublished: () => openPublished(warehouse),
    contentDigest: (runId) =>
      schemaDigest(warehouse, runId === undefined ? warehouse.schema : buildSchema(warehouse, runId))
  }
}
