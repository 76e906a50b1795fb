/**
 * `wsd quarantine list`: every row any run set aside for one source, across
 * runs, so the partner who sent the file can be told exactly which rows to fix
 * and why. Runs keep their quarantined rows in the secure area
 * (`secure/quarantine/<run_id>/<source>.jsonl`, raw cells included); this
 * listing carries the run, row number, field and reason only, never a value.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { SOURCES } from "../../schemas/sourceCatalogue.js"
import { suggestName } from "../../transforms/closestName.js"
import { csvLine } from "../../transforms/spreadsheetSafety.js"
import { UsageError } from "../errors.js"
import { publicationArea } from "../services/publication.js"
import type { QuarantinedRow } from "../ingest/readExtract.js"

export interface QuarantineEntry {
  readonly run_id: string
  readonly source: string
  readonly row: number
  readonly field: string
  readonly reason: string
}

export const QUARANTINE_COLUMNS = ["run_id", "source", "row", "field", "reason"] as const

/** The quarantine history of `source` for the publication `out`, oldest run first. */
export const quarantineHistory = (out: string, source: string, runId?: string) =>
  Effect.gen(function* () {
    if (!(source in SOURCES)) {
      return yield* new UsageError({
        message: `${source} is not a source`,
        nextAction: suggestName(source, Object.keys(SOURCES))
      })
    }
    const dir = publicationArea(out).quarantineDir
    if (!fs.existsSync(dir)) {
      return yield* new UsageError({
        message: `no quarantine history for ${out} (looked in ${dir})`,
        nextAction: "pass the --out folder of a run, as the user who runs it"
      })
    }
    // Run ids sort by start time.
    const runs = fs
      .readdirSync(dir)
      .sort()
      .filter((run) => runId === undefined || run === runId)
    if (runId !== undefined && runs.length === 0) {
      return yield* new UsageError({
        message: `no run ${runId} in the quarantine history of ${out}`,
        nextAction: "see `wsd lineage list`"
      })
    }
    return runs.flatMap((run) => entriesOf(path.join(dir, run, `${source}.jsonl`), run))
  })

const entriesOf = (file: string, runId: string): Array<QuarantineEntry> => {
  if (!fs.existsSync(file)) return []
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .flatMap((line) => {
      const quarantined = JSON.parse(line) as QuarantinedRow
      return quarantined.problems.map((problem) => ({
        run_id: runId,
        source: quarantined.source,
        row: quarantined.row,
        field: problem.field,
        reason: problem.reason
      }))
    })
}

export const formatQuarantineHistory = (source: string, entries: ReadonlyArray<QuarantineEntry>): string => {
  if (entries.length === 0) return `no rows of ${source} have been quarantined`
  const rows = new Set(entries.map((entry) => `${entry.run_id}/${entry.row}`)).size
  return [
    `${rows} quarantined ${rows === 1 ? "row" : "rows"} of ${source}.csv (row 1 is the header):`,
    `${"run".padEnd(26)} ${"row".padStart(8)}  ${"field".padEnd(24)} reason`,
    ...entries.map(
      (entry) =>
        `${entry.run_id.padEnd(26)} ${String(entry.row).padStart(8)}  ${entry.field.padEnd(24)} ${entry.reason}`
    )
  ].join("\n")
}

/** The listing as CSV, for the partner. */
export const quarantineCsv = (entries: ReadonlyArray<QuarantineEntry>): string =>
  csvLine(QUARANTINE_COLUMNS) + entries.map((entry) => csvLine(QUARANTINE_COLUMNS.map((c) => entry[c]))).join("")
