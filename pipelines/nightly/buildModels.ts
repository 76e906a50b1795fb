/**
 * The models step: the SQL of `sql/models/` over the loaded records —
 * households, each resident's conditions and features, the risk score and
 * the segment every resident belongs to. Returns the segment sizes.
 */
import { Effect } from "effect"
import type { WarehouseDb } from "../warehouse/warehouse.js"
import { RunStages } from "./runStages.js"
import { buildFeatures, buildHouseholds, segmentResidents } from "./segmentation.js"
import type { LoadedRules } from "./segmentationRules.js"
import type { LoadedTariff } from "./tariff.js"

export const buildModels = Effect.fn("buildModels")(function* (
  db: WarehouseDb,
  rules: LoadedRules,
  tariff: LoadedTariff,
  asOf: string,
  residents: number
) {
  const stages = yield* RunStages
  const everyResident = () => ({ rowsIn: residents, rowsOut: residents })
  yield* stages.timed("households", buildHouseholds(db), everyResident)
  yield* stages.timed("features", buildFeatures(db, rules, tariff, asOf), everyResident)
  return yield* stages.timed("segments", segmentResidents(db), (sizes) => ({
    rowsIn: residents,
    rowsOut: Object.values(sizes).reduce((a, b) => a + b, 0)
  }))
})
