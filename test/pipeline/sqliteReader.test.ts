/**
 * A select run beside a SQLite build (`selectBeside`: a thread of its own on
 * a read-only connection) reads what the build has written, including what
 * its open transaction holds, and leaves that transaction going on. The test
 * runner executes the TypeScript sources, which have no compiled reader
 * thread, so the compiled engine is taken (`npm run build`, which `npm test`
 * runs first), as the built `wsd` command runs it.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { type Kysely, sql } from "kysely"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Connection } from "../../pipelines/warehouse/dialect.js"

type Sqlite = typeof import("../../pipelines/warehouse/sqlite.js")
const compiled = pathToFileURL(
  path.join(import.meta.dirname, "..", "..", "dist", "pipelines", "warehouse", "sqlite.js")
)

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsd-sqlite-reader-"))
let sqlite: Sqlite
beforeAll(async () => {
  sqlite = (await import(compiled.href)) as Sqlite
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const run = (connection: Connection<Kysely<unknown>>, statement: string) => sql.raw(statement).execute(connection.db)

const build = async (name: string) => {
  const connection = (await sqlite.sqliteEngine(path.join(dir, name)).openBuild("reader")) as Connection<
    Kysely<unknown>
  >
  await run(connection, "create table cost (line text not null, gbp double precision)")
  return connection
}

const rows = Array.from({ length: 40 }, (_, i) => ({ line: `line ${i}`, gbp: i === 7 ? null : i / 3 }))

describe("a select beside a SQLite build", () => {
  it("reads the rows of the build's open transaction, in the select's column order, and the transaction goes on", async () => {
    const connection = await build("open.sqlite")
    await run(connection, "begin")
    await connection.insert("cost", ["line", "gbp"], rows)
    const beside = await connection.selectBeside!("select gbp, line from cost order by rowid").result
    expect(beside.columns).toEqual(["gbp", "line"])
    expect(beside.rows).toEqual(rows.map(({ gbp, line }) => ({ gbp, line })))
    // Still in a transaction: what it writes now is undone by a rollback, what was read stays.
    await connection.insert("cost", ["line", "gbp"], [{ line: "later", gbp: 1 }])
    await run(connection, "rollback")
    expect((await connection.query("select count(*) as n from cost")).rows).toEqual([{ n: rows.length }])
  })

  it("fails with SQLite's own words when the select cannot run", async () => {
    const connection = await build("failing.sqlite")
    await expect(connection.selectBeside!("select line from nowhere").result).rejects.toThrow(/no such table: nowhere/)
  })

  it("stops a select given up, however long it would have run", async () => {
    const connection = await build("stopped.sqlite")
    const endless = connection.selectBeside!(
      "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"
    )
    await endless.stop()
    await expect(endless.result).rejects.toThrow(/reader thread stopped/)
  })

  it("is not offered for a warehouse in memory, which no other connection can open", async () => {
    const connection = await sqlite.sqliteEngine(":memory:").openBuild("reader")
    expect(connection.selectBeside).toBeUndefined()
  })
})
