/**
 * The warehouse: built through Kysely, its schema applied from the ordered
 * migrations in `sql/migrations/` and its derived tables from the models in
 * `sql/models/`, on whichever engine (`dialect.ts`) holds it: a SQLite file
 * in the release by default, or a schema on a PostgreSQL server.
 */
import { readdirSync, readFileSync } from "node:fs"
import { Effect } from "effect"
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely"
import { COMPLEX_COHORT_SEGMENT } from "../../schemas/segments.js"
import type { WarehouseSchema } from "../../schemas/warehouse.js"
import { PublicationError, UsageError } from "../errors.js"
import { projectFile } from "../services/projectFiles.js"
import type { Connection, QueryResult, Row } from "./dialect.js"
import type { Engine } from "./engines.js"
import { checkModel } from "./modelChecks.js"

export type WarehouseDb = Kysely<WarehouseSchema>

const connections = new WeakMap<WarehouseDb, Connection<WarehouseDb>>()

const connectionOf = (db: WarehouseDb): Connection<WarehouseDb> => {
  const connection = connections.get(db)
  if (connection === undefined) throw new Error("not an open warehouse")
  return connection
}

/** SQL files hold several statements separated by `;` at the end of a line. */
/** A file's statements, each ending with `;` at the end of a line; comment lines go first, so that a `;` ending one ends nothing. */
const statementsOf = (text: string): Array<string> =>
  text
    .replace(/^\s*--.*$/gm, "")
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0)

const runStatements = async <DB>(db: Kysely<DB>, statements: ReadonlyArray<string>): Promise<void> => {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

const runSqlFile = <DB>(db: Kysely<DB>, file: string): Promise<void> =>
  runStatements(db, statementsOf(readFileSync(file, "utf8")))

/** Migrations are the `.sql` files of `sql/migrations/`, applied in name order, adapted to the engine. */
const sqlMigrations = (connection: Connection<WarehouseDb>): MigrationProvider => ({
  getMigrations: async () => {
    const dir = projectFile("sql", "migrations")
    const migrations: Record<string, Migration> = {}
    for (const name of readdirSync(dir)
      .filter((file) => file.endsWith(".sql"))
      .sort()) {
      const statements = statementsOf(readFileSync(`${dir}/${name}`, "utf8")).map(connection.adaptDdl)
      migrations[name.replace(/\.sql$/, "")] = { up: (db) => runStatements(db, statements) }
    }
    return migrations
  }
})

const warehouseError = (message: string) => (cause: unknown) =>
  new PublicationError({ message, nextAction: "check free space and permissions of the output area", cause })

/** The engine failed at `doing`, in its own words. */
const engineError = (engine: Engine, doing: string) => (cause: unknown) =>
  new PublicationError({ ...engine.failure(doing, cause), cause })

const registered = (connection: Connection<WarehouseDb>): WarehouseDb => {
  connections.set(connection.db, connection)
  return connection.db
}

/**
 * Creates the warehouse a run builds and applies the migrations; the
 * connection closes with the scope.
 */
export const openWarehouse = (engine: Engine, runId: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const connection = await engine.openBuild(runId)
        const db = registered(connection)
        const { error } = await new Migrator({
          db,
          provider: sqlMigrations(connection),
          ...(connection.migrationSchema === undefined ? {} : { migrationTableSchema: connection.migrationSchema })
        }).migrateToLatest()
        try {
          if (error !== undefined) throw error
          await connection.layOutTables?.()
        } catch (failure) {
          await db.destroy()
          throw failure
        }
        return db
      },
      catch: engineError(engine, "create the warehouse")
    }),
    (db) => Effect.promise(() => db.destroy())
  )

/** Opens a published warehouse to read (extracts read from it, never change it); closed with the scope. */
export const openPublishedWarehouse = (engine: Engine) =>
  Effect.acquireRelease(
    Effect.try({
      try: () => registered(engine.openPublished()),
      catch: () =>
        new UsageError({
          message: `cannot open the published warehouse ${engine.description}`,
          nextAction: "check --from"
        })
    }),
    (db) => Effect.promise(() => db.destroy())
  )

/** A failed run's build is undone (a SQLite file goes with its unpublished release). */
export const discardBuild = (engine: Engine, runId: string) =>
  Effect.ignore(Effect.tryPromise(() => engine.discardBuild(runId)))

/** Makes a run's closed build the published warehouse. */
export const publishWarehouse = (engine: Engine, runId: string, readers: ReadonlyArray<string>) =>
  Effect.tryPromise({ try: () => engine.publish(runId, readers), catch: engineError(engine, "publish the warehouse") })

/** The digest lineage records for a run's closed build. */
export const buildDigest = (engine: Engine, runId: string) =>
  Effect.tryPromise({
    try: () => engine.contentDigest(runId),
    catch: engineError(engine, "compute the content digest of the warehouse")
  })

/** Runs a query from a `.sql` file, returning its column names (known even when no row comes back) and rows. */
export const queryFile = <R>(db: WarehouseDb, file: string) =>
  Effect.tryPromise({
    try: async () => (await connectionOf(db).query(readFileSync(file, "utf8"))) as QueryResult<R>,
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
export const modelSelect = (model: string): string => {
  const file = projectFile("sql", "models", `${model}.sql`)
  const [select, ...more] = statementsOf(readFileSync(file, "utf8"))
  if (select === undefined || more.length > 0 || !/^(with|select)\b/i.test(select)) {
    throw new Error(`${file} must hold one select`)
  }
  return select
}

/** A model's select as the engine runs it. */
const engineSelect = (connection: Connection<WarehouseDb>, model: string) =>
  connection.adaptModel?.(modelSelect(model)) ?? modelSelect(model)

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
        const connection = connectionOf(db)
        const select = engineSelect(connection, model)
        const { columns } = await connection.query(`select * from (\n${select}\n) as model limit 0`)
        await sql.raw(`insert into ${model} (${columns.map((c) => `"${c}"`).join(", ")})\n${select}`).execute(db)
        // The models after it read its rows.
        await connection.analyze?.([model])
      },
      catch: warehouseError(`model ${model} failed`)
    }),
    checkModel(db, model)
  )

/**
 * Builds a model as `runModel` does, running `meanwhile` on this connection
 * while the engine computes the model's select beside it
 * (`Connection.selectBeside`: on SQLite, a thread of its own reading what the
 * build has committed), then loads the rows and checks them. An engine that
 * cannot builds the model first and then runs `meanwhile`: the same rows
 * either way. `meanwhile` must only read: on SQLite a write that reaches the
 * file waits on the reader's lock until the select is done.
 */
export const runModelBeside = <A, E, R>(db: WarehouseDb, model: string, meanwhile: Effect.Effect<A, E, R>) => {
  const connection = connectionOf(db)
  const selectBeside = connection.selectBeside
  if (selectBeside === undefined) return Effect.andThen(runModel(db, model), meanwhile)
  return Effect.acquireUseRelease(
    Effect.try({
      try: () => {
        const { result, stop } = selectBeside(engineSelect(connection, model))
        // Heard of now, not when awaited: a failure while `meanwhile` runs would otherwise go unhandled.
        const settled = result.then(
          (rows) => ({ rows }),
          (failure: unknown) => ({ failure })
        )
        return { settled, stop }
      },
      catch: warehouseError(`model ${model} failed`)
    }),
    ({ settled }) =>
      Effect.gen(function* () {
        const done = yield* meanwhile
        yield* Effect.tryPromise({
          try: async () => {
            const outcome = await settled
            if ("failure" in outcome) throw outcome.failure
            await connection.insert(model, outcome.rows.columns, outcome.rows.rows)
            await connection.analyze?.([model])
          },
          catch: warehouseError(`model ${model} failed`)
        })
        yield* checkModel(db, model)
        return done
      }),
    ({ stop }) => Effect.promise(stop)
  )
}

/**
 * Gathers the planner's statistics of these tables, or of every table, where
 * the engine needs it done (`Connection.analyze`): before the models read
 * what the night loaded.
 */
export const analyzeTables = (db: WarehouseDb, tables?: ReadonlyArray<string>) =>
  Effect.tryPromise({
    try: async () => {
      await connectionOf(db).analyze?.(tables)
    },
    catch: warehouseError("cannot gather the warehouse's statistics")
  })

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
      await connectionOf(db).insert(table, Object.keys(first), rows as unknown as ReadonlyArray<Row>)
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
