/**
 * Running the built `wsd` command as a user would, and reading what it
 * published: shared by the end-to-end tests.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import Database from "better-sqlite3"
import { unlinkedTable } from "../../pipelines/warehouse/citus.js"

export const repoRoot = path.join(import.meta.dirname, "..", "..")
export const fixturesInbox = path.join(repoRoot, "fixtures", "inbox")
export const FIXTURE_AS_OF = "2026-11-20"

export interface WsdResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
  /** The last line on stderr: what happened and what to do. */
  readonly lastLine: string
}

export const wsd = (...args: ReadonlyArray<string>): WsdResult => {
  const bin = path.join(repoRoot, "bin", "wsd.js")
  if (!fs.existsSync(path.join(repoRoot, "dist", "pipelines", "cli", "wsd.js"))) {
    throw new Error("dist/ is missing: run `npm run build` (npm test does it first)")
  }
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" })
  const lines = result.stderr.trimEnd().split("\n")
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, lastLine: lines.at(-1) ?? "" }
}

export const tempDir = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), `wsd-${prefix}-`))

/**
 * A temporary folder other users can pass through (0755 under /tmp), for the
 * tests that run commands as other users: the usual one may sit in a private
 * `TMPDIR` (0700), which hides everything under it whatever its own mode.
 */
export const sharedTempDir = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join("/tmp", `wsd-${prefix}-`))
  fs.chmodSync(dir, 0o755)
  return dir
}

/** A fresh key file in `dir`, as `wsd keygen` writes it. */
export const newKey = (dir: string, name = "key"): string => {
  const keyFile = path.join(dir, name)
  const result = wsd("keygen", "--out", keyFile)
  if (result.status !== 0) throw new Error(`keygen failed: ${result.lastLine}`)
  return keyFile
}

/** A copy of the fixture inbox that a test may change. */
export const copyOfFixtures = (dir: string): string => {
  const inbox = path.join(dir, "inbox")
  fs.cpSync(fixturesInbox, inbox, { recursive: true })
  return inbox
}

/** The arguments of `wsd run` on the fixtures (or another inbox) as of the fixtures' date. */
export const fixtureRunArgs = (
  options: { readonly out: string; readonly keyFile: string; readonly inbox?: string },
  ...extra: ReadonlyArray<string>
): Array<string> => [
  "run",
  "--inbox",
  options.inbox ?? fixturesInbox,
  "--out",
  options.out,
  "--key-file",
  options.keyFile,
  "--as-of",
  FIXTURE_AS_OF,
  ...extra
]

export const runFixtures = (
  options: { readonly out: string; readonly keyFile: string; readonly inbox?: string },
  ...extra: ReadonlyArray<string>
) => wsd(...fixtureRunArgs(options, ...extra))

export const openWarehouse = (out: string) => new Database(path.join(out, "warehouse.sqlite"), { readonly: true })

/** Every table of a SQLite warehouse file with all its rows. */
export const sqliteTables = (file: string): Map<string, Array<Record<string, unknown>>> => {
  const db = new Database(file, { readonly: true })
  const names = db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>
  const tables = new Map(
    names.map(({ name }) => [name, db.prepare(`select * from "${name}"`).all() as Array<Record<string, unknown>>])
  )
  db.close()
  return tables
}

/** Each record table's rows without a person in a SQLite warehouse file, read from its `<table>_unlinked` view. */
export const sqliteUnlinked = (
  file: string,
  tables: ReadonlyArray<string>
): Map<string, Array<Record<string, unknown>>> => {
  const db = new Database(file, { readonly: true })
  const unlinked = new Map(
    tables.map((table) => [
      table,
      db.prepare(`select * from "${unlinkedTable(table)}"`).all() as Array<Record<string, unknown>>
    ])
  )
  db.close()
  return unlinked
}

export const userTables = (db: Database.Database): Array<string> =>
  (
    db.prepare("select name from sqlite_master where type = 'table' order by name").all() as Array<{ name: string }>
  ).map((row) => row.name)

/** Every file under `dir`, following the publication link. */
export const filesUnder = (dir: string): Array<string> =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
