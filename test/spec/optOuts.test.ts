/**
 * Opt-outs as a spec (pipeline spec, Linkage 6: opted-out people are removed
 * before linkage from everything used for secondary purposes): a resident who
 * objected, with records that would change every output, and the publication
 * expected without them. Run through the real spine, linkage, SQL and output
 * code on SQLite and on PostgreSQL.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { testWarehouses } from "../warehouses.js"
import { publish } from "./publishedOutputs.js"
import { CODES, type SpecInput, times } from "./specWarehouse.js"

const IN_WINDOW = "2026-06-01"
const pal = times(7, (i) => `pal${i}`)
const nel = times(12, (i) => `nel${i}`)

/**
 * Seven residents in palliative care with an A&E attendance each, twelve with
 * a non-elective admission each, and one more who is both: counted, they
 * would lift every count of 7 to 8 and of 12 to 13, past a threshold.
 */
const BOROUGH: SpecInput = {
  residents: [
    ...pal.map((id) => ({ id, age: 60 })),
    ...nel.map((id) => ({ id, age: 40 })),
    { id: "objector", age: 62 }
  ],
  gpEvents: [...pal, "objector"].map((id) => [id, CODES.palliativeCare] as const),
  acute: [
    ...[...pal, "objector"].map((id) => [id, "AE", IN_WINDOW] as const),
    ...[...nel, "objector"].map((id) => [id, "APC", IN_WINDOW, "21"] as const)
  ]
}

describe.each(testWarehouses())("opt-outs on $name", (warehouse) => {
  if (warehouse.skipped !== undefined) {
    it.skip(warehouse.skipped, () => {})
    return
  }

  it.effect("leaves a resident who opted out off every list and out of every count", () =>
    Effect.gen(function* () {
      const { csv, nhsNumbers, text } = yield* publish({ ...BOROUGH, optOuts: ["objector"] }, warehouse.engine())
      expect(text).not.toContain("objector")
      expect(text).not.toContain(nhsNumbers.get("objector"))
      expect(csv["complex-cohort/all.csv"]!.rows.map((row) => row["person_id"]).sort()).toEqual(pal)
      const summaryCell = csv["cohort-summary.csv"]!.rows.find(
        (row) => row["segment"] === "PI" && row["age_band"] === "60-64" && row["sex"] === "female"
      )
      expect(summaryCell).toMatchObject({ residents: "", suppressed: "Y" }) // 7
      const budgetLine = (segment: string, line: string) =>
        csv["shadow-budget.csv"]!.rows.find((row) => row["segment"] === segment && row["service_line"] === line)
      expect(budgetLine("PI", "acute_ae")).toMatchObject({ people: "", cost_gbp: "", suppressed: "Y" }) // 7
      expect(budgetLine("LW", "acute_non_elective")).toMatchObject({ people: "10", cost_gbp: "1000", suppressed: "N" }) // 12, £1,200
      // Nor is their activity costed as unattributed: it is in no line at all.
      for (const line of ["acute_ae", "acute_non_elective"]) {
        expect(budgetLine("unattributed", line)).toMatchObject({ people: "0", cost_gbp: "0" })
      }
      expect(
        csv["bcf-metrics.csv"]!.rows.find((row) => row["metric"] === "non_elective_admissions_per_100000")
      ).toMatchObject({ numerator: "10", denominator: "20", value: "50000" }) // 12 of 19 residents, shown 10 of 20
    })
  )

  // Pipeline spec, Linkage 6, and "opted-out people absent from every output":
  // a member who opts out after a publication is not named in the next one,
  // not even as `left`, which would tell the reader that a resident still
  // registered and still complex has objected.
  it.effect("names nobody in the changes list who opted out since the previous publication", () =>
    Effect.gen(function* () {
      const before = yield* publish(BOROUGH, warehouse.engine())
      const after = yield* publish({ ...BOROUGH, optOuts: ["objector"] }, warehouse.engine(), before)
      expect(after.csv["complex-cohort/changes.csv"]!.rows).toEqual([])
      expect(after.text).not.toContain("objector")
    })
  )
})
