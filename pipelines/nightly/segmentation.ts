/**
 * People, households, features, risk and segments: the SQL models of
 * `sql/models/`, in the order each needs the one before, run over a loaded
 * warehouse with the rules version's parameters and codelists.
 */
import { Effect } from "effect"
import { type LoadedRules, ruleParameters, windowStartOf } from "./segmentationRules.js"
import type { LoadedTariff } from "./tariff.js"
import { analyzeTables, dropTable, insertRows, runModel, type WarehouseDb } from "../warehouse/warehouse.js"

/**
 * Builds `person` from the spine as registered, with the addresses only
 * housing or benefits know, once every source is loaded; then the households.
 * The spine as registered goes once `person` holds every one of its rows.
 */
export const buildHouseholds = (db: WarehouseDb) =>
  Effect.gen(function* () {
    yield* runModel(db, "person")
    yield* dropTable(db, "registered_person")
    yield* runModel(db, "household")
  })

/** Loads the rules, codelists and unit costs into the warehouse and derives every resident's features. */
export const buildFeatures = (db: WarehouseDb, { codes, rules }: LoadedRules, tariff: LoadedTariff, asOf: string) =>
  Effect.gen(function* () {
    yield* insertRows(db, "rule_parameter", ruleParameters(rules, asOf, windowStartOf(rules, asOf)))
    yield* insertRows(db, "unit_cost", tariff.unitCosts)
    const uniqueCodes = [...new Map(codes.map((code) => [`${code.condition}|${code.code}`, code])).values()]
    yield* insertRows(db, "codelist_code", uniqueCodes)
    yield* analyzeTables(db, ["rule_parameter", "unit_cost", "codelist_code"])
    for (const model of ["person_condition", "person_features", "risk_score"]) yield* runModel(db, model)
  })

/** Puts every resident in exactly one segment; returns the segment sizes. */
export const segmentResidents = (db: WarehouseDb) =>
  Effect.gen(function* () {
    for (const model of ["segment_reason", "transition_reason", "segment_membership"]) yield* runModel(db, model)
    const sizes = yield* Effect.promise(() =>
      db
        .selectFrom("segment_membership")
        .select(["segment", (eb) => eb.fn.countAll<number>().as("residents")])
        .groupBy("segment")
        .execute()
    )
    return Object.fromEntries(sizes.map((row) => [row.segment, Number(row.residents)]))
  })
