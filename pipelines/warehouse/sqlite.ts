/**
 * The default warehouse: one SQLite file inside the run's release, through
 * `better-sqlite3`.
 *
 * Each run builds a fresh file inside its unpublished release, so the build
 * favours speed (no journal, no fsync per statement): the publication step,
 * not SQLite's journal, is what makes the result atomic. Publishing the
 * release publishes the file, and removing an unpublished release discards it,
 * so the engine itself has nothing to do for either but set the file's mode.
 */
import { existsSync } from "node:fs"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import Database from "better-sqlite3"
import { Kysely, SqliteDialect } from "kysely"
import type { WarehouseSchema } from "../../schemas/warehouse.js"
import { sha256OfFile } from "../services/fileDigest.js"
import type { Connection, QueryResult, Row, SelectBeside, WarehouseEngine } from "./dialect.js"
import type { SqliteReaderMessage, SqliteReaderRequest } from "./sqliteReader.js"

/** The warehouse's name in a release. */
export const SQLITE_FILE = "warehouse.sqlite"

/**
 * Rows per insert statement in bulk loads: binding sixteen rows to one
 * multi-row statement costs about half as much per row as a statement per row.
 */
const ROWS_PER_STATEMENT = 16

/**
 * The compiled reader thread (`sqliteReader.ts`). The test runner executes the
 * TypeScript sources, which have none: there, selects run on the build's own
 * connection, one after another.
 */
const readerFile = fileURLToPath(new URL("./sqliteReader.js", import.meta.url))
const readerAvailable = existsSync(readerFile)

/** Runs `text` on a read-only connection to `file` in a thread of its own. */
const selectInReader = (file: string, text: string): SelectBeside => {
  const worker = new Worker(readerFile, { workerData: { file, text } satisfies SqliteReaderRequest })
  const result = new Promise<QueryResult<Row>>((resolve, reject) => {
    worker.once("message", (message: SqliteReaderMessage) => {
      if (message.type === "rows") resolve({ columns: message.columns, rows: message.rows })
      else reject(new Error(message.message))
    })
    worker.once("error", reject)
    worker.once("exit", (code) => reject(new Error(`the SQLite reader thread stopped (exit code ${code})`)))
  })
  // A thread left running would hold the process open until its select ended.
  return { result, stop: async () => void (await worker.terminate()) }
}

const openSqlite = (file: string, options: { readonly readonly: boolean }): Connection<Kysely<WarehouseSchema>> => {
  const connection = options.readonly ? new Database(file, { readonly: true, fileMustExist: true }) : new Database(file)
  if (!options.readonly) {
    connection.pragma("journal_mode = OFF")
    connection.pragma("synchronous = OFF")
  }
  // Bulk loads go straight to the connection through prepared statements: building and
  // compiling a query per batch costs more than the insert itself at millions of rows.
  const statements = new Map<string, Database.Statement>()
  const prepared = (text: string): Database.Statement => {
    let statement = statements.get(text)
    if (statement === undefined) statements.set(text, (statement = connection.prepare(text)))
    return statement
  }
  const insert = (table: string, columns: ReadonlyArray<string>, rows: ReadonlyArray<Row>) => {
    const statement = (rowCount: number) => {
      const placeholders = `(${columns.map(() => "?").join(", ")})`
      return prepared(
        `insert into "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) values ${Array.from({ length: rowCount }, () => placeholders).join(", ")}`
      )
    }
    // Parameter arrays are reused for every statement: a load binds millions of rows.
    const bind = (insert: Database.Statement, from: number, rowCount: number, values: Array<unknown>) => {
      for (let r = 0; r < rowCount; r++) {
        const record = rows[from + r]!
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
    const single = statement(1)
    const values: Array<unknown> = new Array(columns.length)
    for (; from < rows.length; from++) bind(single, from, 1, values)
  }
  return {
    db: new Kysely<WarehouseSchema>({ dialect: new SqliteDialect({ database: connection }) }),
    insert,
    query: (text) => {
      const statement = connection.prepare(text)
      return { columns: statement.columns().map((column) => column.name), rows: statement.all() as Array<Row> }
    },
    adaptDdl: (statement) => statement,
    // Another connection sees only what is committed: commit, and go on in a new transaction.
    ...(options.readonly || file === ":memory:" || !readerAvailable
      ? {}
      : {
          selectBeside: (text: string) => {
            if (connection.inTransaction) connection.exec("commit; begin")
            return selectInReader(file, text)
          }
        })
  }
}

/** The warehouse as the SQLite `file` (`:memory:` for a test's own). */
export const sqliteEngine = (file: string): WarehouseEngine<Kysely<WarehouseSchema>> => ({
  description: file,
  lineageName: path.basename(file),
  openLineageDataset: undefined,
  failure: (doing) => ({
    message: `cannot ${doing} ${file}`,
    nextAction: "check free space and permissions of the output area"
  }),
  openBuild: async () => openSqlite(file, { readonly: false }),
  discardBuild: async () => {},
  // Pseudonymised outputs are readable by the owner and the analysts' group only.
  publish: () => fs.chmod(file, 0o640),
  openPublished: () => openSqlite(file, { readonly: true }),
  contentDigest: () => sha256OfFile(file)
})
