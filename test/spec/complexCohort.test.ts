/**
 * The complex-cohort lists as a spec (`docs/outputs.md`): residents and their
 * records as inline rows, and the published lists expected from them: who is
 * on each practice's list and the borough's, in what order, with which
 * columns, and who joined or left since the previous publication. Run through
 * the real SQL and output code on SQLite and on PostgreSQL.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { testWarehouses } from "../warehouses.js"
import { type Publication, publish } from "./publishedOutputs.js"
import { CODES, type SpecInput, times } from "./specWarehouse.js"

const IN_WINDOW = "2026-06-01"
const BEFORE_WINDOW = "2025-11-20" // 366 days before the as-of date

/** The columns `docs/outputs.md` gives the lists, in its order. */
const COLUMNS = [
  "person_id",
  "rank",
  "practice_code",
  "pcn",
  "locality",
  "age_band",
  "sex",
  "risk_score",
  "reasons",
  "ltc_count",
  "ltcs",
  "frailty",
  "ae_attendances",
  "non_elective_admissions",
  "elective_admissions",
  "bed_days",
  "community_contacts",
  "asc_service_type",
  "asc_service_term",
  "care_home",
  "csc_status",
  "housing_tenure",
  "temporary_accommodation",
  "homeless",
  "overcrowded",
  "notice_served",
  "benefit_types",
  "universal_credit",
  "household_size",
  "lives_alone"
]

const PRACTICES = [
  ["F84003", "Central PCN", "North"],
  ["F84004", "Riverside PCN", "South"],
  ["F84005", "Riverside PCN", "South"]
] as const

/**
 * Six adults in Promoting Independence across two practices, each for one
 * reason and scored by risk v1 (in brackets), and three residents who are not:
 * nobody is 65 or over, so no discretionary places are filled.
 */
const COHORT: SpecInput = {
  residents: [
    { id: "ann", age: 60 }, // palliative care (0)
    { id: "bob", age: 50 }, // housebound, with 2 LTCs (2)
    { id: "cat", age: 45 }, // severe frailty (3)
    { id: "dan", age: 40 }, // housebound (0)
    { id: "eve", age: 30 }, // Living Well: one LTC
    { id: "kid", age: 10 }, // Born Well: on the palliative care register, but a child
    { id: "fay", age: 55, practice: "F84004" }, // dementia, an LTC, and 4 A&E attendances (1 + 4)
    { id: "gus", age: 35, practice: "F84004" }, // long-term home care (2)
    { id: "hal", age: 20, practice: "F84005" } // Living Well
  ],
  practices: PRACTICES,
  gpEvents: [
    ["ann", CODES.palliativeCare],
    ["bob", CODES.housebound],
    ["bob", CODES.copd],
    ["bob", CODES.depression],
    ["cat", CODES.severeFrailty],
    ["dan", CODES.housebound],
    ["eve", CODES.copd],
    ["kid", CODES.palliativeCare],
    ["fay", CODES.dementia]
  ],
  acute: times(4, (i) => ["fay", "AE", `2026-0${i + 1}-10`] as const),
  socialCare: [["gus", "home_care", "2026-01-01"]]
}

/** A list as [rank, person_id, risk_score, reasons] rows. */
const ranking = (publication: Publication, file: string) =>
  publication.csv[`complex-cohort/${file}.csv`]!.rows.map((row) => [
    Number(row["rank"]),
    row["person_id"],
    Number(row["risk_score"]),
    row["reasons"]
  ])

describe.each(testWarehouses())("complex-cohort lists on $name", (warehouse) => {
  if (warehouse.skipped !== undefined) {
    it.skip(warehouse.skipped, () => {})
    return
  }
  const published = (input: SpecInput, previous?: Publication) => publish(input, warehouse.engine(), previous)

  it.effect("lists the borough's Promoting Independence members by risk score, highest first, ties by person_id", () =>
    Effect.gen(function* () {
      expect(ranking(yield* published(COHORT), "all")).toEqual([
        [1, "fay", 5, "dementia"],
        [2, "cat", 3, "severe_frailty"],
        [3, "bob", 2, "housebound"],
        [4, "gus", 2, "long_term_social_care"],
        [5, "ann", 0, "palliative_care"],
        [6, "dan", 0, "housebound"]
      ])
    })
  )

  it.effect("gives every practice its own list, ranked within the practice, empty when it has no member", () =>
    Effect.gen(function* () {
      const publication = yield* published(COHORT)
      // The first publication: nothing to compare with, so no changes list.
      expect(Object.keys(publication.csv).filter((file) => file.startsWith("complex-cohort/"))).toEqual([
        "complex-cohort/F84003.csv",
        "complex-cohort/F84004.csv",
        "complex-cohort/F84005.csv",
        "complex-cohort/all.csv"
      ])
      expect(ranking(publication, "F84003")).toEqual([
        [1, "cat", 3, "severe_frailty"],
        [2, "bob", 2, "housebound"],
        [3, "ann", 0, "palliative_care"],
        [4, "dan", 0, "housebound"]
      ])
      expect(ranking(publication, "F84004")).toEqual([
        [1, "fay", 5, "dementia"],
        [2, "gus", 2, "long_term_social_care"]
      ])
      expect(publication.csv["complex-cohort/F84005.csv"]).toEqual({ columns: COLUMNS, rows: [] })
    })
  )

  it.effect("has the documented columns, person_id first, and no NHS number anywhere", () =>
    Effect.gen(function* () {
      const publication = yield* published(COHORT)
      for (const file of ["all", "F84003", "F84004", "F84005"]) {
        expect(publication.csv[`complex-cohort/${file}.csv`]!.columns).toEqual(COLUMNS)
      }
      for (const [id, nhsNumber] of publication.nhsNumbers) {
        expect(publication.text, `${id}'s NHS number`).not.toContain(nhsNumber)
      }
    })
  )

  it.effect("shows a member's reasons, conditions, use of services in the window, and care and housing today", () =>
    Effect.gen(function* () {
      const { csv } = yield* published({
        residents: [
          { id: "joy", age: 82, sex: "male", household: "flat-1" },
          { id: "kim", age: 40, household: "flat-1" }
        ],
        practices: PRACTICES,
        gpEvents: [
          ["joy", CODES.dementia],
          ["joy", CODES.copd],
          ["joy", CODES.moderateFrailty]
        ],
        acute: [
          ["joy", "AE", IN_WINDOW],
          ["joy", "AE", "2026-07-01"],
          ["joy", "AE", BEFORE_WINDOW],
          ["joy", "APC", "2026-08-01", "21"],
          ["joy", "APC", "2026-09-01", "11"]
        ],
        socialCare: [["joy", "home_care", "2026-01-01"]],
        housing: [["joy", "temporary_accommodation", true]]
      })
      expect(csv["complex-cohort/F84003.csv"]!.rows).toEqual([
        {
          person_id: "joy",
          rank: "1",
          practice_code: "F84003",
          pcn: "Central PCN",
          locality: "North",
          age_band: "80-84",
          sex: "male",
          // Age 75-84: 2, two LTCs: 2, one non-elective admission: 2, two A&E attendances: 2,
          // long-term social care: 2, moderate frailty: 2, temporary accommodation: 1.
          risk_score: "13",
          reasons: "dementia;long_term_social_care",
          ltc_count: "2",
          ltcs: "copd;dementia",
          frailty: "moderate",
          ae_attendances: "2",
          non_elective_admissions: "1",
          elective_admissions: "1",
          bed_days: "2",
          community_contacts: "0",
          asc_service_type: "home_care",
          asc_service_term: "long_term",
          care_home: "0",
          csc_status: "",
          housing_tenure: "temporary_accommodation",
          temporary_accommodation: "1",
          homeless: "0",
          overcrowded: "0",
          notice_served: "1",
          benefit_types: "",
          universal_credit: "0",
          household_size: "2",
          lives_alone: "0"
        }
      ])
    })
  )

  it.effect("neutralises a cell that a spreadsheet would run as a formula", () =>
    Effect.gen(function* () {
      const { csv } = yield* published({
        residents: [{ id: "ann", age: 60 }],
        practices: [["F84003", '=HYPERLINK("http://example.org")', "-North"]],
        gpEvents: [["ann", CODES.palliativeCare]]
      })
      expect(csv["complex-cohort/all.csv"]!.rows[0]).toMatchObject({
        pcn: `'=HYPERLINK("http://example.org")`,
        locality: "'-North"
      })
      expect(csv["cohort-summary.csv"]!.rows[0]).toMatchObject({ locality: "'-North" })
    })
  )

  it.effect("lists who joined, left or changed reasons since the previous publication", () =>
    Effect.gen(function* () {
      const before = yield* published(COHORT)
      const after = yield* published(
        {
          ...COHORT,
          // dan is no longer a resident; ann moved practice, still in palliative care (not a change).
          residents: [
            ...COHORT.residents.filter((r) => r.id !== "dan" && r.id !== "ann"),
            { id: "ann", age: 60, practice: "F84004" }
          ],
          gpEvents: [
            ...COHORT.gpEvents!,
            ["bob", CODES.dementia],
            // The latest frailty record wins: cat is moderately frail now, so leaves.
            ["cat", CODES.moderateFrailty, "2026-10-01"],
            ["eve", CODES.palliativeCare]
          ]
        },
        before
      )
      const changes = after.csv["complex-cohort/changes.csv"]!
      expect([...changes.rows].sort((a, b) => a["person_id"]!.localeCompare(b["person_id"]!))).toEqual([
        {
          person_id: "bob",
          change: "reasons_changed",
          practice_code: "F84003",
          previous_reasons: "housebound",
          reasons: "dementia;housebound"
        },
        { person_id: "cat", change: "left", practice_code: "F84003", previous_reasons: "severe_frailty", reasons: "" },
        { person_id: "dan", change: "left", practice_code: "F84003", previous_reasons: "housebound", reasons: "" },
        {
          person_id: "eve",
          change: "joined",
          practice_code: "F84003",
          previous_reasons: "",
          reasons: "palliative_care"
        }
      ])
    })
  )
})
