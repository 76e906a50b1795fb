/**
 * The outputs step: the published files (complex-cohort lists, summaries,
 * shadow budget, BCF metrics) and the run report, written into the release
 * from the finished warehouse, compared with the current publication for
 * "changes since the last run" (unless the key was rotated: see
 * `writeOutputs`). Returns each file's lineage.
 */
import { Effect } from "effect"
import { writeOutputs } from "../outputs/outputs.js"
import { writeReport } from "../outputs/report.js"
import { currentRelease } from "../services/publication.js"
import type { WarehouseDb } from "../warehouse/warehouse.js"
import type { PreparedRun } from "./prepareRun.js"
import { RunStages } from "./runStages.js"

export const writePublishedFiles = Effect.fn("writePublishedFiles")(function* (
  db: WarehouseDb,
  staged: string,
  { area, config, options }: PreparedRun,
  { residents, keyRotated }: { readonly residents: number; readonly keyRotated: boolean }
) {
  const stages = yield* RunStages
  const previous = currentRelease(area)
  const written = yield* stages.timed("outputs", writeOutputs(db, staged, previous, keyRotated), (files) => ({
    rowsIn: residents,
    rowsOut: files.reduce((n, output) => n + (output.rows ?? 0), 0)
  }))
  const report = yield* stages.timed("report", writeReport(db, staged, previous, options.runId, config), (files) => ({
    rowsIn: residents,
    rowsOut: files.length
  }))
  return [...written, ...report]
})
