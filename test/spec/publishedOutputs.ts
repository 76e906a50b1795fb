/**
 * What a run would publish from a spec's warehouse: the real `writeOutputs`
 * over it, into a temporary release removed with the scope, and every CSV
 * read back as the header and text cells a recipient would open.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import { Effect } from "effect"
import type { OutputLineage } from "../../pipelines/governance/lineage.js"
import { outputQueries } from "../../pipelines/outputs/outputFiles.js"
import { writeOutputs } from "../../pipelines/outputs/outputs.js"
import { FileSystem } from "../../pipelines/services/fileSystem.js"
import type { Engine } from "../../pipelines/warehouse/engines.js"
import { type SpecInput, specWarehouse } from "./specWarehouse.js"

export interface PublishedCsv {
  readonly columns: ReadonlyArray<string>
  /** Cells as the file holds them; an empty cell is `""`. */
  readonly rows: ReadonlyArray<Readonly<Record<string, string>>>
}

export interface Publication {
  readonly release: string
  /** Every published CSV by its path in the release, e.g. `complex-cohort/F84003.csv`. */
  readonly csv: Readonly<Record<string, PublishedCsv>>
  /** What lineage records of each file: its path, rows, SHA-256 and recipient. */
  readonly outputs: ReadonlyArray<OutputLineage>
  /** Everything published, as one text, to look for what must never be in it. */
  readonly text: string
  /** The NHS number of each person the spec names, by person id. */
  readonly nhsNumbers: ReadonlyMap<string, string>
}

const temporaryRelease = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "wsd-spec-release-"))),
  (release) => Effect.sync(() => fs.rmSync(release, { recursive: true, force: true }))
)

const readCsv = (text: string): PublishedCsv => {
  const [columns = [], ...rows] = parse(text) as Array<Array<string>>
  return {
    columns,
    rows: rows.map((cells) => Object.fromEntries(columns.map((column, i) => [column, cells[i] ?? ""])))
  }
}

/**
 * Builds the spec's warehouse on `engine` and publishes its outputs, as the
 * run after `previous` when given (so `changes.csv` compares with it).
 */
export const publish = (input: SpecInput, engine: Engine, previous?: Publication) =>
  Effect.gen(function* () {
    const { db, nhsNumbers } = yield* specWarehouse(input, engine)
    const release = yield* temporaryRelease
    const outputs = yield* writeOutputs(outputQueries(db), release, {
      previousRelease: previous?.release,
      keyRotated: false,
      withheld: [],
      // A spec's person ids are its people's names.
      optedOut: new Set(input.optOuts)
    }).pipe(Effect.provide(FileSystem.layer(release)))
    const files = fs
      .readdirSync(release, { recursive: true, encoding: "utf8" })
      .filter((file) => fs.statSync(path.join(release, file)).isFile())
      .sort()
      .map((file) => [file, fs.readFileSync(path.join(release, file), "utf8")] as const)
    return {
      release,
      csv: Object.fromEntries(
        files.filter(([file]) => file.endsWith(".csv")).map(([file, text]) => [file, readCsv(text)])
      ),
      outputs,
      text: files.map(([, text]) => text).join("\n"),
      nhsNumbers
    } satisfies Publication
  })
