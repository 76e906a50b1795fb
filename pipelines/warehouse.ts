/**
 * The warehouse: a SQLite file built through Kysely, its schema applied from
 * the ordered migrations in `sql/migrations/` and its derived tables from the
 * models in `sql/models/`.
 *
 * Each run builds a fresh warehouse inside its unpublished release, so the
 * build favours speed (no journal, no fsync per statement): the publication
 * step, not SQLite's journal, is what makes the result atomic.
 */
import { readdirSync, readFileSync } from "node:fs"
import Database from "better-sqlite3"
import { Effect } from "effect"
import { Kysely, type Migration, type MigrationProvider, Migrator, SqliteDialect, sql } from "kysely"
import type { WarehouseSchema } from "../schemas/warehouse.js"
import { PublicationError, UsageError } from "./errors.js"
import { projectFile } from "./projectFiles.js"

export type WarehouseDb = Kysely<WarehouseSchema>

/**
 * The SQLite connection under each open warehouse. Bulk loads go straight to
 * it through prepared statements: building and compiling a query per batch
 * costs more than the insert itself at millions of rows.
 */
const connections = new WeakMap<WarehouseDb, Database.Database>()
const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>()

const prepared = (connection: Database.Database, text: string): Database.Statement => {
  let cache = statements.get(connection)
  if (cache === undefined) statements.set(connection, (cache = new Map()))
  let statement = cache.get(text)
  if (statement === undefined) cache.set(text, (statement = connection.prepare(text)))
  return statement
}

/** SQL files hold several statements separated by `;` at the end of a line. */
const statementsOf = (text: string): Array<string> =>
  text
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, "").trim())
    .filter((statement) => statement.length > 0)

const runSqlFile = async <DB>(db: Kysely<DB>, file: string): Promise<void> => {
  for (const statement of statementsOf(readFileSync(file, "utf8"))) await sql.raw(statement).execute(db)
}

/** Migrations are the `.sql` files of `sql/migrations/`, applied in name order. */
const sqlMigrations: MigrationProvider = {
  getMigrations: async () => {
    const dir = projectFile("sql", "migrations")
    const migrations: Record<string, Migration> = {}
    for (const name of readdirSync(dir)
      .filter((file) => file.endsWith(".sql"))
      .sort()) {
      migrations[name.replace(/\.sql$/, "")] = { up: (db) => runSqlFile(db, `${dir}/${name}`) }
    }
    return migrations
  }
}

const warehouseError = (message: string) => (cause: unknown) =>
  new PublicationError({ message, nextAction: "check free space and permissions of the output area", cause })

/** Opens (creating) a warehouse file and brings its schema up to date; closed with the scope. */
export const openWarehouse = (file: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const connection = new Database(file)
        connection.pragma("journal_mode = OFF")
        connection.pragma("synchronous = OFF")
        const db = new Kysely<WarehouseSchema>({ dialect: new SqliteDialect({ database: connection }) })
        connections.set(db, connection)
        const { error } = await new Migrator({ db, provider: sqlMigrations }).migrateToLatest()
        if (error !== undefined) throw error
        return db
      },
      catch: warehouseError(`cannot create the warehouse ${file}`)
    }),
    (db) => Effect.promise(() => db.destroy())
  )

/** Opens a published warehouse read-only (extracts read from it, never change it); closed with the scope. */
export const openPublishedWarehouse = (file: string) =>
  Effect.acquireRelease(
    Effect.try({
      try: () => {
        const connection = new Database(file, { readonly: true, fileMustExist: true })
        const db = new Kysely<WarehouseSchema>({ dialect: new SqliteDialect({ database: connection }) })
        connections.set(db, connection)
        return db
      },
      catch: () =>
        new UsageError({ message: `cannot open the published warehouse ${file}`, nextAction: "check --from" })
    }),
    (db) => Effect.promise(() => db.destroy())
  )

/** Runs a query from a `.sql` file, returning its column names (known even when no row comes back) and rows. */
export const queryFile = <Row>(db: WarehouseDb, file: string) =>
  Effect.try({
    try: () => {
      const connection = connections.get(db)
      if (connection === undefined) throw new Error("not an open warehouse")
      const statement = connection.prepare(readFileSync(file, "utf8"))
      return { columns: statement.columns().map((column) => column.name), rows: statement.all() as Array<Row> }
    },
    catch: warehouseError(`query ${file} failed`)
  })

/** The `person_id`s of the Promoting Independence segment: the people a direct-care list may name. */
export const complexCohortMembers = (db: WarehouseDb) =>
  Effect.tryPromise({
    try: async () =>
      new Set(
        (await db.selectFrom("segment_membership").select("person_id").where("segment", "=", "PI").execute()).map(
          (row) => row.person_id
        )
      ),
    catch: warehouseError("cannot read the segment memberships")
  })

/** Runs a model from `sql/models/` (a derived table an analyst can read). */
export const runModel = (db: WarehouseDb, model: string) =>
  Effect.tryPromise({
    try: () => runSqlFile(db, projectFile("sql", "models", `${model}.sql`)),
    catch: warehouseError(`model ${model} failed`)
  })

/**
 * Rows per insert statement in bulk loads: binding sixteen rows to one
 * multi-row statement costs about half as much per row as a statement per row.
 */
const ROWS_PER_STATEMENT = 16

/** Inserts rows with prepared statements per table and column list, reused for every batch. */
export const insertRows = <T extends keyof WarehouseSchema & string>(
  db: WarehouseDb,
  table: T,
  rows: ReadonlyArray<WarehouseSchema[T]>
) =>
  Effect.try({
    try: () => {
      const first = rows[0]
      if (first === undefined) return
      const connection = connections.get(db)
      if (connection === undefined) throw new Error("not an open warehouse")
      const columns = Object.keys(first)
      const statement = (rowCount: number) => {
        const placeholders = `(${columns.map(() => "?").join(", ")})`
        return prepared(
          connection,
          `insert into "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) values ${Array.from({ length: rowCount }, () => placeholders).join(", ")}`
        )
      }
      // Parameter arrays are reused for every statement: a load binds millions of rows.
      const bind = (insert: Database.Statement, from: number, rowCount: number, values: Array<unknown>) => {
        for (let r = 0; r < rowCount; r++) {
          const record = rows[from + r] as unknown as Record<string, unknown>
          const offset = r * columns.length
          for (let c = 0; c < columns.length; c++) values[offset + c] = record[columns[c]!] ?? null
        }
        insert.run(values)
      }
      let from = 0
      if (rows.length >= ROWS_PER_STATEMENT) {
        const insert = statement(ROWS_PER_STATEMENT)
        const values: Array<unknown> = new Array(columns.length * ROWS_PER_STATEMENT)
        for (; from + ROWS_PER_STATEMENT <= rows.length; from += ROWS_PER_STATEMENT) {
          bind(insert, from, ROWS_PER_STATEMENT, values)
        }
      }
      const insert = statement(1)
      const values: Array<unknown> = new Array(columns.length)
      for (; from < rows.length; from++) bind(insert, from, 1, values)
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
