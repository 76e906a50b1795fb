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
import { writeOutputs } from "../outputs/outputs.js"
import { writeReport } from "../outputs/report.js"
import { currentRelease } from "../services/publication.js"
import type { WarehouseDb } from "../warehouse/warehouse.js"
import type { PreparedRun } from "./prepareRun.js"
import { RunStages } from "./runStages.js"

export const writePublishedFiles = Effect.fn("writePublishedFiles")(function* (
  db: WarehouseDb,
  staged: string,
  { area, config, options, outcomes }: PreparedRun,
  {
    residents,
    keyRotated,
    withheld
  }: { readonly residents: number; readonly keyRotated: boolean; readonly withheld: ReadonlyArray<string> }
) {
  const stages = yield* RunStages
  const previous = currentRelease(area)
  const { files: written, indicators } = yield* stages.timed(
    "outputs",
    Effect.gen(function* () {
      const files = yield* writeOutputs(db, staged, previous, keyRotated, withheld)
      const indicators = yield* outcomeFigures(db, outcomes.value)
      return { files: [...files, yield* writeOutcomes(staged, indicators)], indicators }
    }),
    ({ files }) => ({ rowsIn: residents, rowsOut: files.reduce((n, output) => n + (output.rows ?? 0), 0) })
  )
  const report = yield* stages.timed(
    "report",
    writeReport(db, staged, previous, options.runId, config, indicators),
    (files) => ({
      rowsIn: residents,
      rowsOut: files.length
    })
  )
  return [...written, ...report]
})
