/**
 * The bad-input corpus: one file per problem in `fixtures/bad-input/<source>/`
 * (or written by `generatedCorpus.ts` where a file is too large to commit),
 * each with its expected outcome in `expected.json` (rows accepted and rows
 * quarantined with their reasons, or the source failed with a message).
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { type QuarantinedRow, readExtract } from "../../pipelines/ingest/readExtract.js"
import { locateExtract } from "../../pipelines/ingest/sourceReader.js"
import type { ExtractSource } from "../../schemas/extractSource.js"
import { sourceNamed } from "../../schemas/sourceCatalogue.js"
import { canonicalColumnName } from "../../transforms/csvHeader.js"
import { GENERATED_CASES } from "./generatedCorpus.js"

const corpus = path.join(import.meta.dirname, "..", "..", "fixtures", "bad-input")
/** Generated cases are written here once, laid out like the corpus. */
const generatedCorpus = fs.mkdtempSync(path.join(os.tmpdir(), "wsd-bad-input-"))
for (const [name, write] of Object.entries(GENERATED_CASES)) {
  fs.mkdirSync(path.join(generatedCorpus, path.dirname(name)), { recursive: true })
  write(path.join(generatedCorpus, name))
}
/** The source a case's folder is named after. */
const sourceOf = (file: string): ExtractSource<unknown> => {
  const source = sourceNamed(file.split("/")[0]!)
  if (source === undefined) throw new Error(`${file} is in a folder named after no source`)
  return source
}

type Expected =
  | {
      readonly outcome: "read"
      readonly accepted: number
      readonly quarantined: ReadonlyArray<readonly [number, ...Array<string>]>
      /** As lineage reports them, when the case is about them. */
      readonly unknownColumns?: ReadonlyArray<string>
      /** Rows equal to an earlier row, when the case is about them. */
      readonly duplicateRows?: number
    }
  | { readonly outcome: "source_failed"; readonly message: string }

const expected = JSON.parse(fs.readFileSync(path.join(corpus, "expected.json"), "utf8")) as Record<string, Expected>

/** Reads a case as a run would: found in its folder (the inbox) by name, then read. */
const read = (file: string) => {
  const source = sourceOf(file)
  const entry = path.join(file in GENERATED_CASES ? generatedCorpus : corpus, file)
  const quarantined: Array<QuarantinedRow> = []
  let accepted = 0
  return Effect.runPromise(
    locateExtract(path.dirname(entry), source.name, path.basename(entry)).pipe(
      Effect.flatMap((located) =>
        located === undefined
          ? Effect.die(new Error(`${entry} is missing`))
          : readExtract({
              source,
              file: located.realFile,
              onAccepted: (rows) => Effect.sync(() => void (accepted += rows.length)),
              onQuarantined: (rows) => Effect.sync(() => void quarantined.push(...rows))
            })
      ),
      Effect.map((summary) => ({ outcome: "read" as const, summary, accepted, quarantined })),
      Effect.catchTag("SourceFileError", (error) =>
        Effect.succeed({ outcome: "source_failed" as const, message: error.message })
      )
    )
  )
}

describe("the bad-input corpus", () => {
  afterAll(() => fs.rmSync(generatedCorpus, { recursive: true, force: true }))

  it("has a file for every expected outcome and an outcome for every file", () => {
    const committed = fs
      .readdirSync(corpus, { recursive: true })
      .map(String)
      .filter((file) => file.endsWith(".csv"))
    expect(committed.filter((file) => file in GENERATED_CASES)).toEqual([])
    const files = [...committed, ...Object.keys(GENERATED_CASES)].sort()
    expect(files).toEqual(Object.keys(expected).sort())
    expect(files.length).toBeGreaterThanOrEqual(40)
  })

  for (const [file, outcome] of Object.entries(expected)) {
    it(`${file}: ${outcome.outcome === "read" ? `${outcome.accepted} accepted, ${outcome.quarantined.length} quarantined` : "source fails"}`, async () => {
      const result = await read(file)
      if (outcome.outcome === "source_failed") {
        expect(result.outcome).toBe("source_failed")
        expect(result.outcome === "source_failed" && result.message).toContain(outcome.message)
        return
      }
      expect(result.outcome).toBe("read")
      if (result.outcome !== "read") return
      expect(result.accepted).toBe(outcome.accepted)
      expect(result.quarantined.map((row) => [row.row, ...row.problems.map((p) => `${p.field}/${p.reason}`)])).toEqual(
        outcome.quarantined
      )
      expect(result.summary.rowsRead).toBe(result.accepted + result.quarantined.length)
      if (outcome.unknownColumns !== undefined) expect(result.summary.unknownColumns).toEqual(outcome.unknownColumns)
      if (outcome.duplicateRows !== undefined) expect(result.summary.duplicateRows).toBe(outcome.duplicateRows)
    })
  }

  it("never repeats a value of a file in what leaves the reading (messages, unknown columns), only column names", async () => {
    let checked = 0
    for (const file of Object.keys(expected).filter((name) => !(name in GENERATED_CASES))) {
      const source = sourceOf(file)
      const text = fs.readFileSync(path.join(corpus, file), "latin1")
      // Every cell of the file, header included, but for the names of the source's own columns.
      const values = text
        .split(/[\r\n,"]+/)
        .map((cell) => cell.trim())
        .filter((cell) => cell.length >= 6 && !source.columns.includes(canonicalColumnName(cell)))
      const result = await read(file)
      const reported = result.outcome === "source_failed" ? result.message : result.summary.unknownColumns.join("\n")
      // A value counts as repeated in its canonical form too (`Jane O'Brien 07700 900123` as `jane_o'brien_07700_900123`).
      const repeated = (value: string) => reported.includes(value) || reported.includes(canonicalColumnName(value))
      const nameLike = (value: string) => /^[a-z][a-z0-9_]*$/.test(canonicalColumnName(value)) && !/\d{6}/.test(value)
      const echoed = values.filter((value) => repeated(value) && !nameLike(value))
      expect(echoed, file).toEqual([])
      checked++
    }
    expect(checked).toBeGreaterThanOrEqual(40)
  })
})
