/**
 * The outcomes framework's indicators as `rules/outcomes-v1.json` defines
 * them, on a hand-made warehouse: each indicator's numerator and denominator
 * from `sql/outputs/outcome_indicators.sql`'s exact rows (which disclosure
 * control would otherwise blur), in all and by deprivation quintile, ethnic
 * category, segment and locality. Run through the real spine, models and SQL
 * on SQLite and on PostgreSQL.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { outputQueries } from "../../pipelines/outputs/outputFiles.js"
import { OUTCOME_INDICATORS } from "../../schemas/outcomesFramework.js"
import { type OutcomeCount, outcomeCount } from "../../transforms/outcomeIndicators.js"
import { testWarehouses } from "../warehouses.js"
import { CODES, type SpecInput, specWarehouse, times } from "./specWarehouse.js"

const IN_WINDOW = "2026-06-01"

/** Numerator and denominator of one indicator, summed over the rows `where` keeps. */
const totals = (
  rows: ReadonlyArray<OutcomeCount>,
  indicator: string,
  where: (row: OutcomeCount) => boolean = () => true
) =>
  rows
    .filter((row) => row.indicator === indicator && where(row))
    .reduce((sum, row) => [sum[0]! + row.numerator, sum[1]! + row.denominator], [0, 0])

const BOROUGH: SpecInput = {
  residents: [
    { id: "readmitted", age: 50, imdDecile: 1, ethnicCategory: "N" },
    { id: "late", age: 52, imdDecile: 2 },
    { id: "recent", age: 55, imdDecile: 10, ethnicCategory: "A" },
    { id: "ae", age: 30, imdDecile: 9, practice: "F84004" },
    { id: "uc", age: 35 },
    { id: "no-uc", age: 36 },
    { id: "ta", age: 28 },
    { id: "homeless", age: 33 },
    { id: "crowded", age: 40 },
    { id: "council", age: 41 },
    { id: "pal", age: 61 },
    { id: "carehome", age: 80 },
    { id: "ehc", age: 10 },
    { id: "pupil", age: 11 },
    { id: "unrecorded", age: 12 },
    ...times(5, (i) => ({ id: `other${i}`, age: 45 }))
  ],
  practices: [
    ["F84003", "PCN", "North"],
    ["F84004", "PCN", "South"]
  ],
  acute: [
    // Emergency admission 1 June to 5 June, readmitted in an emergency 15 days later: one readmission.
    ["readmitted", "APC", IN_WINDOW, "21", "2026-06-05"],
    ["readmitted", "APC", "2026-06-20", "22", "2026-06-21"],
    // Readmitted 38 days after an elective stay: not within 30 days.
    ["late", "APC", "2026-05-01", "11", "2026-05-03"],
    ["late", "APC", "2026-06-10", "21", "2026-06-12"],
    // Discharged 10 days before the as-of date: its 30 days have not passed, so not yet counted.
    ["recent", "APC", "2026-11-08", "12", "2026-11-10"],
    ["ae", "AE", IN_WINDOW],
    ["ae", "AE", "2026-07-01"],
    ["readmitted", "AE", "2026-06-01"],
    ["ae", "AE", "2025-11-01"] // before the window
  ],
  gpEvents: [
    ["readmitted", CODES.hypertension, IN_WINDOW],
    ["late", CODES.hypertension, "2015-01-01"],
    ["pal", CODES.palliativeCare, IN_WINDOW],
    ["carehome", CODES.careHome, IN_WINDOW]
  ],
  community: [
    ["uc", "talking_therapies", IN_WINDOW],
    ["uc", "crisis", "2026-07-01"],
    ["no-uc", "district_nursing", IN_WINDOW]
  ],
  benefits: [
    ["uc", true],
    ["no-uc", false]
  ],
  housing: [
    ["ta", "temporary_accommodation"],
    ["homeless", "homeless"],
    ["crowded", "council", false, undefined, undefined, true],
    ["council", "council"]
  ],
  environment: [
    ["E01001", 12, 150],
    ["E010010", 8, 50],
    ["E01009", 11]
  ],
  education: [
    ["ehc", "E", true, 85.5],
    ["pupil", "N", false, 96],
    ["unrecorded", "K"]
  ]
}

describe.each(testWarehouses())("outcome indicators on $name", (warehouse) => {
  if (warehouse.skipped !== undefined) {
    it.skip(warehouse.skipped, () => {})
    return
  }
  const exactRows = Effect.scoped(
    Effect.flatMap(specWarehouse(BOROUGH, warehouse.engine()), ({ db }) => outputQueries(db).rows("outcome_indicators"))
  ).pipe(Effect.map((rows) => rows.map(outcomeCount)))

  it.effect("count each indicator's numerator and denominator as the framework defines them", () =>
    Effect.gen(function* () {
      const rows = yield* exactRows
      const residents = BOROUGH.residents.length
      expect([...new Set(rows.map((row) => row.indicator))].sort()).toEqual([...OUTCOME_INDICATORS].sort())
      // Four discharges whose 30 days have passed, one followed by an emergency admission within them.
      expect(totals(rows, "emergency_readmission_30d")).toEqual([1, 4])
      expect(totals(rows, "universal_credit")).toEqual([1, residents])
      expect(totals(rows, "temporary_accommodation")).toEqual([2, residents])
      expect(totals(rows, "overcrowding")).toEqual([1, 4])
      expect(totals(rows, "gp_use")).toEqual([3, residents])
      // Talking therapies and crisis contacts of one resident: one resident in contact.
      expect(totals(rows, "community_mental_health_use")).toEqual([1, residents])
      // Attendances in the window, not residents: three.
      expect(totals(rows, "ae_attendances")).toEqual([3, residents])
      expect(totals(rows, "emergency_admissions")).toEqual([3, residents])
      expect(totals(rows, "pi_living_at_home")).toEqual([1, 2])
      expect(totals(rows, "free_school_meals")).toEqual([1, 3])
      expect(totals(rows, "persistent_absence")).toEqual([1, 2])
      expect(totals(rows, "ehc_plan")).toEqual([1, 3])
      // PM2.5 above 10 µg/m³ in two of the three LSOAs with a figure; over 100 crimes per 1,000 in one of two.
      expect(totals(rows, "poor_air_quality")).toEqual([2, 3])
      expect(totals(rows, "high_crime_area")).toEqual([1, 2])
    })
  )

  it.effect("break each down by deprivation quintile, ethnic category, segment and locality", () =>
    Effect.gen(function* () {
      const rows = yield* exactRows
      // Deciles 1 and 2 are quintile 1, 9 and 10 quintile 5; no decile is unknown.
      expect(totals(rows, "ae_attendances", (row) => row.imd_quintile === "1")).toEqual([1, 2])
      expect(totals(rows, "ae_attendances", (row) => row.imd_quintile === "5")).toEqual([2, 2])
      expect(totals(rows, "ae_attendances", (row) => row.imd_quintile === "unknown")).toEqual([
        0,
        BOROUGH.residents.length - 4
      ])
      expect(totals(rows, "emergency_readmission_30d", (row) => row.imd_quintile === "1")).toEqual([1, 4])
      expect(totals(rows, "gp_use", (row) => row.ethnic_category === "N")).toEqual([1, 1])
      expect(totals(rows, "gp_use", (row) => row.ethnic_category === "A")).toEqual([0, 1])
      expect(totals(rows, "ae_attendances", (row) => row.locality === "South")).toEqual([2, 1])
      expect(totals(rows, "pi_living_at_home", (row) => row.segment === "PI")).toEqual([1, 2])
      expect(totals(rows, "ehc_plan", (row) => row.segment === "BWGW")).toEqual([1, 3])
    })
  )
})
