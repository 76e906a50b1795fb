/**
 * What every published output shares: its figures come from an analyst-readable
 * query in `sql/outputs/`, and its file is written readable by owner and group
 * and described for lineage (rows, SHA-256, intended recipient).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { sql } from "kysely"
import { PublicationError } from "../errors.js"
import type { OutputLineage } from "../governance/lineage.js"
import { sha256OfFile } from "../services/fileDigest.js"
import { FileSystem } from "../services/fileSystem.js"
import { projectFile } from "../services/projectFiles.js"
import type { WarehouseDb } from "../warehouse/warehouse.js"

export const outputError = (message: string) => (cause: unknown) =>
  new PublicationError({ message, nextAction: "check free space and permissions of the output area", cause })

const outputQueryText = (name: string) => fs.readFileSync(projectFile("sql", "outputs", `${name}.sql`), "utf8")

/** The rows of `sql/outputs/<name>.sql`. */
const runOutputQuery = <Row>(db: WarehouseDb, name: string) =>
  Effect.tryPromise({
    try: async (): Promise<ReadonlyArray<Row>> => {
      return (await sql.raw<Row>(outputQueryText(name)).execute(db)).rows
    },
    catch: outputError(`output query ${name} failed`)
  })

/**
 * The output queries of one finished warehouse, each run once however many
 * files read it: the published files and the report read the same cohort
 * counts, transitions, budget and BCF metrics, and the warehouse does not
 * change between them. `db` is the warehouse, for the reads that are not
 * output queries.
 */
export interface OutputQueries {
  readonly db: WarehouseDb
  readonly rows: <Row = Record<string, unknown>>(name: string) => Effect.Effect<ReadonlyArray<Row>, PublicationError>
  /**
   * Runs now every output query whose text does not name `table`, for `rows`
   * to return later: while a model the others do not read (the budget's
   * costing) is computed beside the build.
   */
  readonly runAllNotReading: (table: string) => Effect.Effect<void, PublicationError>
}

export const outputQueries = (db: WarehouseDb): OutputQueries => {
  const done = new Map<string, ReadonlyArray<unknown>>()
  const rows = <Row>(name: string) =>
    Effect.suspend(() => {
      const ran = done.get(name) as ReadonlyArray<Row> | undefined
      if (ran !== undefined) return Effect.succeed(ran)
      return Effect.tap(runOutputQuery<Row>(db, name), (result) => Effect.sync(() => done.set(name, result)))
    })
  return {
    db,
    rows,
    runAllNotReading: (table) =>
      Effect.forEach(
        fs
          .readdirSync(projectFile("sql", "outputs"))
          .filter((file) => file.endsWith(".sql"))
          .map((file) => file.replace(/\.sql$/, ""))
          .filter((name) => !new RegExp(`\\b${table}\\b`).test(outputQueryText(name))),
        rows,
        { discard: true }
      )
  }
}

/** Writes `text` to `file` under the release and describes it for lineage. */
export const writeOutputFile = (release: string, file: string, text: string, rows: number | null, recipient: string) =>
  Effect.gen(function* () {
    const files = yield* FileSystem
    const target = path.join(release, file)
    yield* files.makeDirectory(path.dirname(target), 0o750)
    yield* files.writeFile(target, text, 0o640)
    const sha256 = yield* Effect.tryPromise({
      try: () => sha256OfFile(target),
      catch: outputError(`cannot read ${file}`)
    })
    return { path: file, rows, sha256, recipient } satisfies OutputLineage
  })
