/**
 * The warehouse: built through Kysely, its schema applied from the ordered
 * migrations in `sql/migrations/` and its derived tables from the models in
 * `sql/models/`. A SQLite file in the release by default
 * (`warehouseSqlite.ts`), or a schema on a PostgreSQL server
 * (`warehousePostgres.ts`); the two differ only in those modules.
 */
import { readdirSync, readFileSync } from "node:fs"
import { Effect } from "effect"
import { Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely"
import { COMPLEX_COHORT_SEGMENT } from "../../schemas/segments.js"
import type { WarehouseSchema } from "../../schemas/warehouse.js"
import { PublicationError, UsageError } from "../errors.js"
import { projectFile } from "../services/projectFiles.js"
import { checkModel } from "./modelChecks.js"
import { describePostgres, openBuild, openPublished, type PostgresWarehouse } from "./postgres.js"
import { openSqlite } from "./sqlite.js"

export type WarehouseDb = Kysely<WarehouseSchema>

export type Row = Record<string, unknown>

/** Where a warehouse lives: a SQLite file, or a PostgreSQL server and published schema. */
export type WarehouseLocation =
  { readonly kind: "sqlite"; readonly file: string } | { readonly kind: "postgres"; readonly server: PostgresWarehouse }

/** What a database must do beyond Kysely's queries. */
export interface WarehouseBackend {
  /** Bulk-loads rows (all with the same `columns`) into `table`. */
  readonly insert: (table: string, columns: ReadonlyArray<string>, rows: ReadonlyArray<Row>) => void | Promise<void>
  /** Runs a query, with its column names known even when no row comes back. */
  readonly query: (text: string) => QueryResult<Row> | Promise<QueryResult<Row>>
  /** A migration's statement as this database must run it. */
  readonly adaptDdl: (statement: string) => string
  /** The schema the migrator records itself in, where the database has schemas. */
  readonly migrationSchema?: string
}

export interface QueryResult<R> {
  readonly columns: ReadonlyArray<string>
  readonly rows: Array<R>
}

export interface OpenedWarehouse {
  readonly db: WarehouseDb
  readonly backend: WarehouseBackend
}

const backends = new WeakMap<WarehouseDb, WarehouseBackend>()

const backendOf = (db: WarehouseDb): WarehouseBackend => {
  const backend = backends.get(db)
  if (backend === undefined) throw new Error("not an open warehouse")
  return backend
}

/** SQL files hold several statements separated by `;` at the end of a line. */
const statementsOf = (text: string): Array<string> =>
  text
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, "").trim())
    .filter((statement) => statement.length > 0)

const runStatements = async <DB>(db: Kysely<DB>, statements: ReadonlyArray<string>): Promise<void> => {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

const runSqlFile = <DB>(db: Kysely<DB>, file: string): Promise<void> =>
  runStatements(db, statementsOf(readFileSync(file, "utf8")))

/** Migrations are the `.sql` files of `sql/migrations/`, applied in name order, adapted to the database. */
const sqlMigrations = (backend: WarehouseBackend): MigrationProvider => ({
  getMigrations: async () => {
    const dir = projectFile("sql", "migrations")
    const migrations: Record<string, Migration> = {}
    for (const name of readdirSync(dir)
      .filter((file) => file.endsWith(".sql"))
      .sort()) {
      const statements = statementsOf(readFileSync(`${dir}/${name}`, "utf8")).map(backend.adaptDdl)
      migrations[name.replace(/\.sql$/, "")] = { up: (db) => runStatements(db, statements) }
    }
    return migrations
  }
})

const warehouseError = (message: string) => (cause: unknown) =>
  new PublicationError({ message, nextAction: "check free space and permissions of the output area", cause })

/** A PostgreSQL server refused or failed: its own message says why (it never holds the password). */
export const postgresFailure = (server: PostgresWarehouse, doing: string) => (cause: unknown) =>
  new PublicationError({
    message: `cannot ${doing} ${describePostgres(server)}: ${cause instanceof Error ? cause.message : String(cause)}`,
    nextAction:
      "check the server is reachable, the password (PGPASSWORD or ~/.pgpass) and that the role may create schemas in the database",
    cause
  })

/** How lineage, logs and messages name a warehouse (a PostgreSQL URL without its password). */
export const describeLocation = (location: WarehouseLocation): string =>
  location.kind === "sqlite" ? location.file : describePostgres(location.server)

const registered = ({ backend, db }: OpenedWarehouse): WarehouseDb => {
  backends.set(db, backend)
  return db
}

/**
 * Creates a warehouse to build (a new SQLite file, or the run's build schema
 * on PostgreSQL) and applies the migrations; the connection closes with the scope.
 */
export const openWarehouse = (location: WarehouseLocation, runId: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const opened =
          location.kind === "sqlite"
            ? openSqlite(location.file, { readonly: false })
            : await openBuild(location.server, runId)
        const db = registered(opened)
        const { error } = await new Migrator({
          db,
          provider: sqlMigrations(opened.backend),
          ...(opened.backend.migrationSchema === undefined
            ? {}
            : { migrationTableSchema: opened.backend.migrationSchema })
        }).migrateToLatest()
        if (error !== undefined) {
          await db.destroy()
          throw error
        }
        return db
      },
      catch:
        location.kind === "postgres"
          ? postgresFailure(location.server, "create the warehouse on")
          : warehouseError(`cannot create the warehouse ${location.file}`)
    }),
    (db) => Effect.promise(() => db.destroy())
  )

/** Opens a published warehouse to read (extracts read from it, never change it); closed with the scope. */
export const openPublishedWarehouse = (location: WarehouseLocation) =>
  Effect.acquireRelease(
    Effect.try({
      try: () =>
        registered(
          location.kind === "sqlite" ? openSqlite(location.file, { readonly: true }) : openPublished(location.server)
        ),
      catch: () =>
        new UsageError({
          message: `cannot open the published warehouse ${describeLocation(location)}`,
          nextAction: "check --from"
        })
    }),
    (db) => Effect.promise(() => db.destroy())
  )

/** Runs a query from a `.sql` file, returning its column names (known even when no row comes back) and rows. */
export const queryFile = <R>(db: WarehouseDb, file: string) =>
  Effect.tryPromise({
    try: async () => (await backendOf(db).query(readFileSync(file, "utf8"))) as QueryResult<R>,
    catch: warehouseError(`query ${file} failed`)
  })

/** The `person_id`s of the complex cohort's segment (Promoting Independence): the people a direct-care list may name. */
export const complexCohortMembers = (db: WarehouseDb) =>
  Effect.tryPromise({
    try: async () =>
      new Set(
        (
          await db
            .selectFrom("segment_membership")
            .select("person_id")
            .where("segment", "=", COMPLEX_COHORT_SEGMENT)
            .execute()
        ).map((row) => row.person_id)
      ),
    catch: warehouseError("cannot read the segment memberships")
  })

/** Runs the configuration's own SQL in a new warehouse (`warehouseBuildSql`), naming the file if it fails. */
export const runBuildSql = (db: WarehouseDb, file: string) =>
  Effect.tryPromise({
    try: () => runSqlFile(db, file),
    catch: (cause) =>
      new UsageError({
        message: `warehouseBuildSql ${file} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        nextAction: "fix the SQL file named in the configuration, or remove the setting"
      })
  })

/** A model file is one `select` (a derived table an analyst can read). */
const modelSelect = (model: string): string => {
  const file = projectFile("sql", "models", `${model}.sql`)
  const [select, ...more] = statementsOf(readFileSync(file, "utf8"))
  if (select === undefined || more.length > 0 || !/^(with|select)\b/i.test(select)) {
    throw new Error(`${file} must hold one select`)
  }
  return select
}

/**
 * Builds a model of `sql/models/`: its rows go into the table of the same
 * name under the select's own column names (asked of the query itself, on
 * either database), so a model names every column it fills and never depends
 * on the order of the table's columns. The checks declared beside the model
 * then run over the table.
 */
export const runModel = (db: WarehouseDb, model: string) =>
  Effect.andThen(
    Effect.tryPromise({
      try: async () => {
        const select = modelSelect(model)
        const { columns } = await backendOf(db).query(`select * from (\n${select}\n) as model limit 0`)
        await sql.raw(`insert into ${model} (${columns.map((c) => `"${c}"`).join(", ")})\n${select}`).execute(db)
      },
      catch: warehouseError(`model ${model} failed`)
    }),
    checkModel(db, model)
  )

/** Drops a table a model has taken every row of, so that the publication does not repeat them. */
export const dropTable = (db: WarehouseDb, table: keyof WarehouseSchema) =>
  Effect.tryPromise({
    try: () => db.schema.dropTable(table).execute(),
    catch: warehouseError(`cannot drop ${table}`)
  })

/** Bulk-loads rows into a table: prepared multi-row inserts on SQLite, `COPY` on PostgreSQL. */
export const insertRows = <T extends keyof WarehouseSchema & string>(
  db: WarehouseDb,
  table: T,
  rows: ReadonlyArray<WarehouseSchema[T]>
) =>
  Effect.tryPromise({
    try: async () => {
      const first = rows[0]
      if (first === undefined) return
      await backendOf(db).insert(table, Object.keys(first), rows as unknown as ReadonlyArray<Row>)
    },
    catch: warehouseError(`cannot write table ${table}`)
  })

/**
 * Wraps a load in one transaction: far faster than a commit per statement.
 * The commit is part of the load, so a commit that fails (a full disk) fails
 * the load; after any failure the transaction is rolled back if it still can be.
 */
export const inTransaction = <A, E, R>(db: WarehouseDb, load: Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.promise(() => sql`begin`.execute(db)),
    () =>
      Effect.tap(
        load,
        Effect.tryPromise({ try: () => sql`commit`.execute(db), catch: warehouseError("cannot commit the warehouse") })
      ),
    (_, exit) =>
      exit._tag === "Success" ? Effect.void : Effect.ignore(Effect.tryPromise(() => sql`rollback`.execute(db)))
  )
