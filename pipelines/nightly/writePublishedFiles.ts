/**
 * The outputs step: the published files (complex-cohort lists, summaries,
 * shadow budget, BCF metrics, the outcomes framework's indicators) and the
 * run report, written into the release
 * from the finished warehouse, compared with the current publication for
 * "changes since the last run" (unless the key was rotated: see
 * `writeOutputs`). Returns each file's lineage.
 */
import { Effect } from "effect"
import { outcomeFigures, writeOutcomes } from "../outputs/outcomes.js"
import type { OutputQueries } from "../outputs/outputFiles.js"
import { writeOutputs } from "../outputs/outputs.js"
import { writeReport } from "../outputs/report.js"
import { currentRelease } from "../services/publication.js"
import type { SourceProfileCounts } from "../../transforms/reportSources.js"
import type { PreparedRun } from "./prepareRun.js"
import { RunStages } from "./runStages.js"

export const writePublishedFiles = Effect.fn("writePublishedFiles")(function* (
  queries: OutputQueries,
  staged: string,
  { area, config, options, outcomes }: PreparedRun,
  {
    residents,
    keyRotated,
    sourceProfiles,
    withheld,
    optedOut
  }: {
    readonly residents: number
    readonly keyRotated: boolean
    /** Each record source's profile, tallied as its records were loaded. */
    readonly sourceProfiles: ReadonlyArray<SourceProfileCounts>
    /** The segments every file hides, as the run's lineage records them. */
    readonly withheld: ReadonlyArray<string>
    /** The person ids of everyone on tonight's opt-out list. */
    readonly optedOut: ReadonlySet<string>
  }
) {
  const stages = yield* RunStages
  const previous = currentRelease(area)
  const { files: written, indicators } = yield* stages.timed(
    "outputs",
    Effect.gen(function* () {
      const files = yield* writeOutputs(queries, staged, { previousRelease: previous, keyRotated, withheld, optedOut })
      const indicators = yield* outcomeFigures(queries, outcomes.value)
      return { files: [...files, yield* writeOutcomes(staged, indicators)], indicators }
    }),
    ({ files }) => ({ rowsIn: residents, rowsOut: files.reduce((n, output) => n + (output.rows ?? 0), 0) })
  )
  const report = yield* stages.timed(
    "report",
    writeReport(queries, staged, previous, options.runId, config, indicators, sourceProfiles),
    (files) => ({
      rowsIn: residents,
      rowsOut: files.length
    })
  )
  return [...written, ...report]
})
