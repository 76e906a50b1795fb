/**
 * A worker thread that runs one select on its own read-only connection to a
 * SQLite warehouse, and posts back its column names and rows. better-sqlite3 blocks the thread that queries,
 * so a query that should run while the run's thread queries too needs a
 * thread of its own (`selectBeside` in `sqlite.ts`). It reads what the file
 * holds committed.
 */
import { parentPort, workerData } from "node:worker_threads"
import Database from "better-sqlite3"

export interface SqliteReaderRequest {
  readonly file: string
  readonly text: string
}

export type SqliteReaderMessage =
  | { readonly type: "rows"; readonly columns: ReadonlyArray<string>; readonly rows: Array<Record<string, unknown>> }
  | { readonly type: "failed"; readonly message: string }

const select = ({ file, text }: SqliteReaderRequest): SqliteReaderMessage => {
  const connection = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const statement = connection.prepare(text)
    const columns = statement.columns().map((column) => column.name)
    return { type: "rows", columns, rows: statement.all() as Array<Record<string, unknown>> }
  } finally {
    connection.close()
  }
}

if (parentPort !== null) {
  let message: SqliteReaderMessage
  try {
    message = select(workerData as SqliteReaderRequest)
  } catch (error) {
    message = { type: "failed", message: error instanceof Error ? error.message : String(error) }
  }
  parentPort.postMessage(message)
}
