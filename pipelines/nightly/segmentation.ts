/**
 * Features, risk and segments: the SQL models of `sql/models/`, run over a
 * loaded warehouse with the rules version's parameters and codelists.
 */
import { Effect } from "effect"
import { addDays } from "../../schemas/fields/extractDate.js"
import { type LoadedRules, ruleParameters } from "./segmentationRules.js"
import { insertRows, runModel, type WarehouseDb } from "../warehouse/warehouse.js"

/** Loads the rules and codelists into the warehouse and derives every resident's features. */
export const buildFeatures = (db: WarehouseDb, { codes, rules }: LoadedRules, asOf: string) =>
  Effect.gen(function* () {
    const windowStart = addDays(asOf, -(rules.windowDays - 1))
    yield* insertRows(db, "rule_parameter", ruleParameters(rules, asOf, windowStart))
    const uniqueCodes = [...new Map(codes.map((code) => [`${code.condition}|${code.code}`, code])).values()]
    yield* insertRows(db, "codelist_code", uniqueCodes)
    for (const model of ["person_condition", "person_features", "risk_score"]) yield* runModel(db, model)
  })

/** Puts every resident in exactly one segment; returns the segment sizes. */
export const segmentResidents = (db: WarehouseDb) =>
  Effect.gen(function* () {
    yield* runModel(db, "segment_membership")
    const sizes = yield* Effect.promise(() =>
      db
        .selectFrom("segment_membership")
        .select(["segment", (eb) => eb.fn.countAll<number>().as("residents")])
        .groupBy("segment")
        .execute()
    )
    return Object.fromEntries(sizes.map((row) => [row.segment, Number(row.residents)]))
  })
