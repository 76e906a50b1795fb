/**
 * The models step: the SQL of `sql/models/` over the loaded records —
 * households, each resident's conditions and features, the risk score, the
 * segment every resident belongs to, and the shadow budget's exact costs.
 * Returns the segment sizes.
 *
 * The budget's costing, the longest model, reads what the others built and
 * nothing reads it but the published budget: where the engine can, it is
 * computed beside the build while `besideBudget` (the output queries that do
 * not read it, and only read) runs on the build's own connection.
 */
import { Effect } from "effect"
import { analyzeTables, runModel, runModelBeside, type WarehouseDb } from "../warehouse/warehouse.js"
import { RunStages } from "./runStages.js"
import { buildFeatures, buildHouseholds, segmentResidents } from "./segmentation.js"
import type { LoadedRules } from "./segmentationRules.js"
import type { LoadedTariff } from "./tariff.js"

export const buildModels = Effect.fn("buildModels")(function* <E>(
  db: WarehouseDb,
  rules: LoadedRules,
  tariff: LoadedTariff,
  asOf: string,
  residents: number,
  besideBudget: Effect.Effect<void, E>
) {
  const stages = yield* RunStages
  const everyResident = () => ({ rowsIn: residents, rowsOut: residents })
  yield* stages.timed("households", Effect.andThen(analyzeTables(db), buildHouseholds(db)), everyResident)
  yield* stages.timed("features", buildFeatures(db, rules, tariff, asOf), everyResident)
  const sizes = yield* stages.timed("segments", segmentResidents(db), (sizes) => ({
    rowsIn: residents,
    rowsOut: Object.values(sizes).reduce((a, b) => a + b, 0)
  }))
  // Costed once, here: the published budget and the report read the same rows.
  yield* stages.timed(
    "budget",
    Effect.andThen(runModel(db, "shadow_budget_person"), runModelBeside(db, "shadow_budget_cost", besideBudget)),
    everyResident
  )
  return sizes
})
