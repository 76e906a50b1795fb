/**
 * `wsd synth`: writes a synthetic borough's extracts, in the real format, and
 * its ground truth under `truth/`. Files are written through large buffers:
 * a 330,000-resident borough is about five million rows.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect, Option, Schema } from "effect"
import { SOURCES } from "../../schemas/sourceCatalogue.js"
import { generateBorough, type SourceName, type TruthFile } from "../../synth/borough.js"
import { asOfProblem } from "../../transforms/asOfDate.js"
import { csvLine } from "../../transforms/spreadsheetSafety.js"
import { UsageError } from "../errors.js"
import { loadRules } from "../nightly/segmentationRules.js"
import { projectFile } from "../services/projectFiles.js"

const SOURCE_COLUMNS: Record<SourceName, ReadonlyArray<string>> = Object.fromEntries(
  Object.entries(SOURCES).map(([name, source]) => [name, source.columns])
) as Record<SourceName, ReadonlyArray<string>>

const TRUTH_COLUMNS: Record<TruthFile, ReadonlyArray<string>> = {
  council_links: ["source", "row", "nhs_number", "nhs_number_given", "corruption"],
  injected_errors: ["source", "row", "field", "reason"],
  personas: ["persona", "nhs_number"]
}

/** A CSV file written through a 1 MB buffer, counting its rows (the header is row 1). */
class BufferedCsv {
  private readonly fd: number
  private buffer = ""
  rows = 1

  constructor(
    file: string,
    private readonly columns: ReadonlyArray<string>
  ) {
    this.fd = fs.openSync(file, "w", 0o600)
    this.buffer = csvLine(columns, false)
  }

  write(cells: Readonly<Record<string, string>>): number {
    // Raw, as a partner's system writes it: neutralising is for what we publish.
    this.buffer += csvLine(
      this.columns.map((column) => cells[column] ?? ""),
      false
    )
    if (this.buffer.length > 1 << 20) this.flush()
    return ++this.rows
  }

  flush(): void {
    fs.writeSync(this.fd, this.buffer)
    this.buffer = ""
  }

  close(): void {
    this.flush()
    fs.closeSync(this.fd)
  }
}

/**
 * The file `wsd synth` writes first into every borough: what it was written
 * for, so a run or `validate` on it takes the same as-of date, and the mark
 * that lets `--replace` write over a folder only when synth wrote it.
 */
export const SYNTH_RECORD = "synth.json"

const SynthRecord = Schema.Struct({
  written_by: Schema.Literal("wsd synth"),
  as_of: Schema.String.check(Schema.makeFilter((date) => asOfProblem(date) === undefined)),
  residents: Schema.Int,
  seed: Schema.Int
})
type SynthRecord = typeof SynthRecord.Type

const decodeSynthRecord = Schema.decodeUnknownOption(Schema.fromJsonString(SynthRecord))

/** The as-of date `dir` was synthesised for; undefined when `dir` holds no readable record of `wsd synth`. */
export const synthesisedAsOf = (dir: string): string | undefined => {
  const file = path.join(dir, SYNTH_RECORD)
  if (!fs.existsSync(file)) return undefined
  return Option.getOrUndefined(Option.map(decodeSynthRecord(fs.readFileSync(file, "utf8")), (record) => record.as_of))
}

/**
 * `out` must be new, empty, or (with `replace`) a borough synth wrote: an
 * inbox holding partners' files is never written over.
 */
const checkOut = (out: string, replace: boolean) =>
  Effect.gen(function* () {
    const stat = fs.statSync(out, { throwIfNoEntry: false })
    if (stat === undefined) return
    if (!stat.isDirectory()) {
      return yield* new UsageError({
        message: `--out ${out} is not a folder`,
        nextAction: "name a new folder for --out"
      })
    }
    if (fs.readdirSync(out).length === 0) return
    if (synthesisedAsOf(out) === undefined) {
      return yield* new UsageError({
        message: `--out ${out} is not empty and holds no ${SYNTH_RECORD}: wsd synth writes only into a new or empty folder, never over files it did not write`,
        nextAction: "name a new folder for --out"
      })
    }
    if (!replace) {
      return yield* new UsageError({
        message: `--out ${out} already holds a synthetic borough`,
        nextAction: "name a new folder for --out, or pass --replace to write over the borough wsd synth wrote there"
      })
    }
  })

export interface SynthSummary {
  readonly rows: Readonly<Record<string, number>>
}

export const synthesise = (options: {
  readonly residents: number
  readonly seed: number
  readonly out: string
  readonly asOf: string
  /** Write over a borough `wsd synth` wrote in `out` before. */
  readonly replace?: boolean | undefined
}) =>
  Effect.gen(function* () {
    if (!Number.isInteger(options.residents) || options.residents < 10) {
      return yield* new UsageError({
        message: `--residents ${options.residents} is too small`,
        nextAction: "ask for at least 10 residents"
      })
    }
    yield* checkOut(options.out, options.replace === true)
    // Reablement is written to follow a discharge within the days the default rules' BCF metric looks.
    const { reablementStartWithinDays } = (yield* loadRules()).rules.bcf
    const record: SynthRecord = {
      written_by: "wsd synth",
      as_of: options.asOf,
      residents: options.residents,
      seed: options.seed
    }
    yield* Effect.try({
      try: () => {
        fs.mkdirSync(path.join(options.out, "truth"), { recursive: true, mode: 0o700 })
        // First, so a borough cut short is still known as synth's and can be replaced.
        fs.writeFileSync(path.join(options.out, SYNTH_RECORD), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 })
      },
      catch: () => new UsageError({ message: `cannot create ${options.out}`, nextAction: "check --out" })
    })
    const open = () => ({
      files: Object.fromEntries(
        Object.entries(SOURCE_COLUMNS).map(([source, columns]) => [
          source,
          new BufferedCsv(path.join(options.out, `${source}.csv`), columns)
        ])
      ) as Record<SourceName, BufferedCsv>,
      truth: Object.fromEntries(
        Object.entries(TRUTH_COLUMNS).map(([name, columns]) => [
          name,
          new BufferedCsv(path.join(options.out, "truth", `${name}.csv`), columns)
        ])
      ) as Record<TruthFile, BufferedCsv>
    })
    // The files are closed (their buffers written out) however the generation ends.
    const { files } = yield* Effect.acquireUseRelease(
      Effect.sync(open),
      ({ files, truth }) =>
        Effect.sync(() => {
          generateBorough(
            {
              residents: options.residents,
              seed: options.seed,
              asOf: options.asOf,
              codelistDir: projectFile("reference", "codelists"),
              reablementStartWithinDays
            },
            {
              row: (source, cells) => files[source].write(cells),
              truth: (file, cells) => void truth[file].write(cells)
            }
          )
          return { files }
        }),
      ({ files, truth }) =>
        Effect.sync(() => {
          for (const file of [...Object.values(files), ...Object.values(truth)]) file.close()
        })
    )
    return {
      rows: Object.fromEntries(Object.entries(files).map(([source, file]) => [source, file.rows - 1]))
    } satisfies SynthSummary
  })
