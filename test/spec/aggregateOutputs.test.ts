/**
 * The aggregate outputs and their disclosure control as a spec
 * (`docs/outputs.md`, and "Outputs of a run" in the pipeline spec): residents
 * and records as inline rows, chosen so that counts of exactly 7, 8, 12 and 13
 * arise, and the cells expected in `cohort-summary.csv`, `shadow-budget.csv`
 * and `bcf-metrics.csv`: 0 shown as 0, 1–7 suppressed (blank, marked `Y`),
 * every other count rounded to the nearest 5. Each BCF metric's definition,
 * and who the shadow budget counts, are checked on the output query's exact
 * rows, which disclosure control would otherwise blur. Run through the real
 * SQL and output code on SQLite and on PostgreSQL.
 */
import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { Effect, Schema } from "effect"
import { outputQueries } from "../../pipelines/outputs/outputFiles.js"
import { SEGMENT_CODES } from "../../schemas/segments.js"
import { DIED_OR_LEFT, SERVICE_LINES, Tariff, UNATTRIBUTED } from "../../schemas/shadowBudget.js"
import { testWarehouses } from "../warehouses.js"
import { type Publication, type PublishedCsv, publish } from "./publishedOutputs.js"
import { CODES, type Resident, type SpecInput, specWarehouse, times } from "./specWarehouse.js"

const TARIFF = Schema.decodeUnknownSync(Tariff)(
  JSON.parse(readFileSync(path.join(import.meta.dirname, "..", "..", "rules", "tariff-v1.json"), "utf8"))
)

const IN_WINDOW = "2026-06-01"
const BEFORE_WINDOW = "2025-11-20" // 366 days before the as-of date

/** `n` alike residents, `${prefix}0` … */
const residents = (n: number, prefix: string, resident: Omit<Resident, "id">): Array<Resident> =>
  times(n, (i) => ({ id: `${prefix}${i}`, ...resident }))

const ids = (n: number, prefix: string) => times(n, (i) => `${prefix}${i}`)

/** The file's rows as arrays of the named columns' cells, in a fixed order to compare with a table. */
const cells = (file: PublishedCsv, columns: ReadonlyArray<string>) =>
  file.rows.map((row) => columns.map((column) => row[column]!)).sort((a, b) => a.join().localeCompare(b.join()))

const sorted = (table: ReadonlyArray<ReadonlyArray<string>>) =>
  [...table].sort((a, b) => a.join().localeCompare(b.join()))

const SUMMARY_CELL = ["segment", "age_band", "sex", "locality", "imd_decile", "residents", "suppressed"]
const BUDGET_LINE = ["segment", "service_line", "people", "cost_gbp", "residents", "cost_per_head_gbp", "suppressed"]
const METRIC = ["metric", "numerator", "denominator", "value", "suppressed"]

describe.each(testWarehouses())("aggregate outputs on $name", (warehouse) => {
  if (warehouse.skipped !== undefined) {
    it.skip(warehouse.skipped, () => {})
    return
  }
  const published = (input: SpecInput, previous?: Publication) => publish(input, warehouse.engine(), previous)
  /** An output query's rows over the spec's warehouse, before disclosure control. */
  const exactRows = (input: SpecInput, query: string) =>
    Effect.flatMap(specWarehouse(input, warehouse.engine()), ({ db }) => outputQueries(db).rows(query))

  describe("cohort-summary.csv", () => {
    it.effect(
      "lists every segment × age band × sex × locality, 0 as 0, 1–7 suppressed, others rounded to 5, and hides what a total would give back",
      () =>
        Effect.gen(function* () {
          const { csv } = yield* published({
            residents: [
              ...residents(13, "lwf", { age: 40 }),
              ...residents(12, "lwm", { age: 42, sex: "male" }),
              ...residents(8, "bwf", { age: 10 }),
              ...residents(7, "bwm", { age: 12, sex: "male" }),
              { id: "pal", age: 61 },
              { id: "south", age: 44, practice: "F84004" }
            ],
            practices: [
              ["F84003", "PCN", "North"],
              ["F84004", "PCN", "South"]
            ],
            gpEvents: [["pal", CODES.palliativeCare]]
          })
          const summary = csv["cohort-summary.csv"]!
          expect(summary.columns).toEqual(SUMMARY_CELL)
          // 3 segments × 18 age bands × 4 sexes × 2 localities; no deprivation lookup, so one decile "all".
          expect(summary.rows).toHaveLength(3 * 18 * 4 * 2)
          expect(
            cells({ ...summary, rows: summary.rows.filter((row) => row["residents"] !== "0") }, SUMMARY_CELL)
          ).toEqual(
            sorted([
              // 13, suppressed with South's 1: the report's 15 women of 40–44 in Living Well minus 15 would give the 1 back.
              ["LW", "40-44", "female", "North", "all", "", "Y"],
              ["LW", "40-44", "male", "North", "all", "10", "N"], // 12
              ["BWGW", "10-14", "female", "North", "all", "10", "N"], // 8
              ["BWGW", "10-14", "male", "North", "all", "", "Y"], // 7
              ["PI", "60-64", "female", "North", "all", "", "Y"], // 1
              ["LW", "40-44", "female", "South", "all", "", "Y"] // 1
            ])
          )
          // Every other cell is a real zero, shown and not suppressed.
          expect(
            new Set(summary.rows.filter((row) => row["residents"] === "0").map((row) => row["suppressed"]))
          ).toEqual(new Set(["N"]))
        })
    )

    it.effect("adds deprivation deciles 1–10 and unknown when a postcode lookup was supplied", () =>
      Effect.gen(function* () {
        const { csv } = yield* published({
          residents: [...residents(8, "d3-", { age: 33, imdDecile: 3 }), ...residents(13, "nolookup", { age: 31 })]
        })
        const summary = csv["cohort-summary.csv"]!
        expect(summary.rows).toHaveLength(3 * 18 * 4 * 11)
        const lwWomen30 = summary.rows.filter(
          (row) => row["segment"] === "LW" && row["age_band"] === "30-34" && row["sex"] === "female"
        )
        expect(lwWomen30.map((row) => [row["imd_decile"], row["residents"], row["suppressed"]])).toEqual([
          ...["1", "2"].map((decile) => [decile, "0", "N"]),
          ["3", "10", "N"], // 8
          ...["4", "5", "6", "7", "8", "9", "10"].map((decile) => [decile, "0", "N"]),
          ["unknown", "15", "N"] // 13
        ])
      })
    )
  })

  describe("shadow-budget.csv", () => {
    /**
     * Acute: every attendance in the window costs £100. Adult social care:
     * £100 a week for the days each service ran inside the window.
     */
    const BUDGET: SpecInput = {
      residents: [
        ...residents(8, "kid", { age: 10 }),
        ...residents(13, "ae", { age: 40 }),
        ...residents(12, "reab", { age: 30 }),
        { id: "ended", age: 30 },
        ...residents(7, "pal", { age: 60 })
      ],
      gpEvents: ids(7, "pal").map((id) => [id, CODES.palliativeCare] as const),
      acute: [
        ...[...ids(8, "kid"), ...ids(13, "ae"), ...ids(7, "pal")].map((id) => [id, "AE", IN_WINDOW] as const),
        // Before the window: no cost.
        ...ids(13, "ae").map((id) => [id, "AE", BEFORE_WINDOW] as const)
      ],
      socialCare: [
        // All 365 days of the window: £5,214.29 each.
        ...ids(6, "reab").map((id) => [id, "reablement", "2020-01-01"] as const),
        // Until 1 January: 42 days of the window, £600 each.
        ...ids(12, "reab")
          .slice(6)
          .map((id) => [id, "reablement", "2020-01-01", "2026-01-01"] as const),
        // Ended before the window: neither costed nor counted.
        ["ended", "reablement", "2024-01-01", "2025-06-01"]
      ]
    }

    /** The file's lines with anyone costed: every other line is there too, as 0 people and £0. */
    const usedLines = (budget: PublishedCsv) =>
      cells({ ...budget, rows: budget.rows.filter((row) => row["people"] !== "0") }, BUDGET_LINE)

    it.effect(
      "counts people per segment and service line under control, costs to the nearest £1,000, per head of the segment's residents",
      () =>
        Effect.gen(function* () {
          const { csv } = yield* published(BUDGET)
          const budget = csv["shadow-budget.csv"]!
          expect(budget.columns).toEqual(BUDGET_LINE)
          expect(usedLines(budget)).toEqual(
            sorted([
              // 8 people, £800; Born Well's 8 residents are hidden with Promoting Independence's 7, so no per head.
              ["BWGW", "acute_ae", "10", "1000", "", "", "N"],
              ["LW", "acute_ae", "15", "1000", "25", "40", "N"], // 13 people, £1,300; 26 residents
              // 12 people: 6 × £5,214.29 + 6 × £600 = £34,886; £35,000 / 25.
              ["LW", "adult_social_care", "10", "35000", "25", "1400", "N"],
              // 7 people: no count, and no cost that could be one person's.
              ["PI", "acute_ae", "", "", "", "", "Y"]
            ])
          )
        })
    )

    it.effect("does not give back the cost of one person who joined, from one night's cost minus the last's", () =>
      Effect.gen(function* () {
        const before = yield* published(BUDGET)
        // The next night one more Living Well resident has reablement all year: £5,214.29.
        const after = yield* published(
          {
            ...BUDGET,
            residents: [...BUDGET.residents, { id: "joiner", age: 30 }],
            socialCare: [...BUDGET.socialCare!, ["joiner", "reablement", "2020-01-01"]]
          },
          before
        )
        const cost = (publication: typeof before) =>
          Number(
            publication.csv["shadow-budget.csv"]!.rows.find(
              (row) => row["segment"] === "LW" && row["service_line"] === "adult_social_care"
            )!["cost_gbp"]
          )
        // £34,886 then £40,100, shown to the nearest £1,000: the difference is the joiner's cost ± £1,000.
        expect([cost(before), cost(after)]).toEqual([35000, 40000])
        expect(cost(after) - cost(before)).not.toBe(5214)
        for (const publication of [before, after]) {
          for (const row of publication.csv["shadow-budget.csv"]!.rows) {
            expect(Number(row["cost_gbp"]) % 1000, JSON.stringify(row)).toBe(0)
          }
        }
      })
    )

    it.effect(
      "costs what people who died or left during the window used up to the day they left, as died_or_left",
      () =>
        Effect.gen(function* () {
          const rows = yield* exactRows(
            {
              residents: [
                ...residents(8, "kid", { age: 10 }),
                // Three deaths two days before the as-of date.
                ...residents(3, "died", { age: 88, died: "2026-11-18" }),
                { id: "moved", age: 30, deregistered: "2026-06-01" }
              ],
              acute: [
                ...ids(8, "kid").map((id) => [id, "AE", IN_WINDOW] as const),
                ["died0", "APC", "2026-11-10", "21"],
                ["died1", "APC", "2026-11-10", "21"],
                ["moved", "AE", "2026-05-01"],
                // After leaving: someone else's cost.
                ["moved", "AE", "2026-07-01"]
              ],
              gpEvents: [
                // Two codes on one day are one consultation; the day after leaving reached no resident.
                ["moved", CODES.palliativeCare, "2026-05-01"],
                ["moved", CODES.dementia, "2026-05-01"],
                ["moved", CODES.palliativeCare, "2026-07-01"]
              ],
              socialCare: [
                // Still open in the council's records: costed until the death, 322 days, £4,600.
                ["died2", "nursing_care", "2026-01-01"],
                // Until the deregistration: 8 days, £114.29.
                ["moved", "home_care", "2026-05-25"]
              ]
            },
            "shadow_budget"
          )
          expect(
            rows.map((row) => [
              row["practice_code"],
              row["segment"],
              row["service_line"],
              Number(row["people"]),
              Math.round(Number(row["cost_gbp"]) * 100) / 100
            ])
          ).toEqual([
            ["F84003", "BWGW", "acute_ae", 8, 800],
            ["F84003", "died_or_left", "acute_ae", 1, 100],
            ["F84003", "died_or_left", "acute_non_elective", 2, 200],
            ["F84003", "died_or_left", "adult_social_care", 2, 4714.29],
            ["F84003", "died_or_left", "primary_care", 1, 42],
            // What the records hold after each left reached no resident: an attendance; 172 days of home care,
            // and the 2 days the nursing placement stays open after the death: £2,457.14 + £28.57.
            [null, "unattributed", "acute_ae", 1, 100],
            [null, "unattributed", "adult_social_care", 2, 2485.71],
            [null, "unattributed", "primary_care", 1, 42]
          ])
        })
    )

    it.effect("shows a segment's service line that nobody used as 0 people and £0, not as a missing line", () =>
      Effect.gen(function* () {
        const budget = (yield* published(BUDGET)).csv["shadow-budget.csv"]!
        const groups = [...SEGMENT_CODES, DIED_OR_LEFT, UNATTRIBUTED]
        expect(budget.rows.map((row) => [row["segment"], row["service_line"]])).toEqual(
          groups.flatMap((segment) => SERVICE_LINES.map((line) => [segment, line]))
        )
        const unused = budget.rows.filter((row) => row["people"] === "0")
        expect(unused).toHaveLength(groups.length * SERVICE_LINES.length - usedLines(budget).length)
        for (const row of unused) expect([row["cost_gbp"], row["suppressed"]]).toEqual(["0", "N"])
      })
    )

    it.effect(
      "prices from the tariff what extracts send no cost for, and costs what reached no resident as unattributed",
      () =>
        Effect.gen(function* () {
          const rows = yield* exactRows(
            {
              residents: [...residents(8, "kid", { age: 10 }), ...residents(8, "adult", { age: 40 })],
              // Two codes on one day are one consultation; a day before the window none.
              gpEvents: [
                ...ids(8, "adult").map((id) => [id, CODES.copd, IN_WINDOW] as const),
                ...ids(8, "adult").map((id) => [id, CODES.hypertension, IN_WINDOW] as const),
                ["adult0", CODES.hypertension, "2026-07-01"],
                ["adult1", CODES.hypertension, BEFORE_WINDOW]
              ],
              // Looked after from 1 January, 324 days of the window; and a child who is no resident.
              childrensSocialCare: [...ids(8, "kid").map((id) => [id, "CLA"] as const), ["visitor", "CLA"]],
              // In temporary accommodation from 1 June, 173 days of the window; council tenancies cost nothing here.
              housing: [
                ["adult0", "temporary_accommodation", false, "h1", "2026-06-01"],
                ["adult1", "council", false, "h2", "2026-06-01"]
              ],
              // The trust's own cost for someone who is no resident.
              acute: [["visitor", "AE", IN_WINDOW]]
            },
            "shadow_budget"
          )
          const price = (activity: string) => TARIFF.unitCosts[activity]!.gbp
          const pounds = (gbp: number) => Math.round(gbp * 100) / 100
          expect(
            rows
              .filter((row) => row["segment"] !== "PI")
              .map((row) => [
                row["segment"],
                row["service_line"],
                Number(row["people"]),
                pounds(Number(row["cost_gbp"]))
              ])
          ).toEqual([
            ["BWGW", "childrens_social_care", 8, pounds((8 * 324 * price("childrens_social_care.CLA")) / 7)],
            ["LW", "housing", 1, pounds((173 * price("housing.temporary_accommodation")) / 7)],
            ["LW", "primary_care", 8, pounds(9 * price("gp_events.consultation"))],
            ["unattributed", "acute_ae", 1, 100],
            ["unattributed", "childrens_social_care", 1, pounds((324 * price("childrens_social_care.CLA")) / 7)]
          ])
        })
    )
  })

  describe("bcf-metrics.csv", () => {
    it.effect("controls numerators and denominators; a suppressed numerator leaves no value", () =>
      Effect.gen(function* () {
        const { csv } = yield* published({
          residents: [
            ...residents(13, "nel", { age: 40 }),
            ...residents(7, "home", { age: 70 }),
            { id: "since2024", age: 70 },
            { id: "young", age: 50 },
            ...residents(12, "reab", { age: 75 }),
            { id: "noDischarge", age: 75 }
          ],
          acute: [
            ...ids(13, "nel").map((id) => [id, "APC", IN_WINDOW, "21"] as const),
            // Neither counts: one before the window, one elective.
            ["nel0", "APC", BEFORE_WINDOW, "21"],
            ["nel1", "APC", IN_WINDOW, "11"],
            // Discharged into reablement; 4 of the 12 back in hospital on day 91 (31 July).
            ...ids(12, "reab").map((id) => [id, "APC", "2026-04-25", undefined, "2026-05-01"] as const),
            ...ids(12, "reab")
              .slice(8)
              .map((id) => [id, "APC", "2026-07-25", undefined, "2026-08-05"] as const)
          ],
          socialCare: [
            // First placements in the window, aged 65+: 7.
            ...ids(7, "home").map((id) => [id, "residential_care", "2026-03-01"] as const),
            // Neither counts: placed before the window, or under 65.
            ["since2024", "nursing_care", "2024-01-01"],
            ["young", "residential_care", "2026-03-01"],
            // Reablement from the day after discharge: 8 of 12 at home on day 91.
            ...ids(12, "reab").map((id) => [id, "reablement", "2026-05-02", "2026-06-01"] as const),
            // Reablement with no discharge before it, whatever the council's outcome field says.
            ["noDischarge", "reablement", "2026-05-01", "2026-06-01", "at_home"]
          ]
        })
        const metrics = csv["bcf-metrics.csv"]!
        expect(metrics.columns).toEqual(METRIC)
        // 35 residents, 21 of them aged 65+; values from the controlled counts shown beside them,
        // since a rate from the exact counts would give those back, and no more precise than they are.
        expect(cells(metrics, METRIC)).toEqual(
          sorted([
            ["non_elective_admissions_per_100000", "15", "35", "43000", "N"], // 13 / 35, shown 15 / 35: 13–17 of 33–37
            ["permanent_care_home_admissions_65_plus_per_100000", "", "20", "", "Y"], // 7 / 21
            ["still_at_home_91_days_after_reablement_65_plus_percent", "10", "10", "100", "N"] // 8 / 12, shown 10 / 10
          ])
        )
      })
    )

    /** The BCF query's exact numerator and denominator per metric, before disclosure control: what each definition counts. */
    const bcfCounts = (input: SpecInput) =>
      Effect.map(exactRows(input, "bcf_metrics"), (rows) =>
        Object.fromEntries(
          rows.map((row) => [String(row["metric"]), [Number(row["numerator"]), Number(row["denominator"])]])
        )
      )

    it.effect(
      "counts the non-elective admissions of people who died or left during the window, up to the day they left, per 100,000 residents",
      () =>
        Effect.gen(function* () {
          const counts = yield* bcfCounts({
            residents: [
              ...residents(20, "adult", { age: 40 }),
              // Three deaths two days before the as-of date, each after an emergency admission.
              ...residents(3, "died", { age: 88, died: "2026-11-18" }),
              { id: "moved", age: 30, deregistered: "2026-06-01" },
              { id: "longGone", age: 30, deregistered: "2025-06-01" }
            ],
            acute: [
              ...ids(5, "adult").map((id) => [id, "APC", IN_WINDOW, "21"] as const),
              ...ids(3, "died").map((id) => [id, "APC", "2026-11-10", "21"] as const),
              ["moved", "APC", "2026-05-01", "21"],
              // Neither counts: after the person left, or by someone not resident during the window.
              ["moved", "APC", "2026-07-01", "21"],
              ["longGone", "APC", IN_WINDOW, "21"]
            ]
          })
          // 9 admissions (5 residents', 3 by the dead, 1 by who moved away) of 20 residents on the as-of date.
          expect(counts["non_elective_admissions_per_100000"]).toEqual([9, 20])
        })
    )

    it.effect(
      "counts people 65+ newly placed for good in residential or nursing care, not respite or a short stay, per 100,000 residents 65+",
      () =>
        Effect.gen(function* () {
          const counts = yield* bcfCounts({
            residents: [
              ...residents(5, "placed", { age: 70 }),
              ...residents(6, "respite", { age: 70 }),
              { id: "sixWeeks", age: 70 },
              { id: "longer", age: 70 },
              { id: "respiteFirst", age: 70 },
              { id: "placedBefore", age: 70 },
              { id: "died", age: 90, died: "2026-11-18" },
              { id: "young", age: 50 }
            ],
            socialCare: [
              // Still placed on the as-of date.
              ...ids(5, "placed").map((id) => [id, "residential_care", "2026-03-01"] as const),
              // Respite: two weeks, and six weeks to the day (the default's longest short stay).
              ...ids(6, "respite").map((id) => [id, "residential_care", "2026-03-01", "2026-03-14"] as const),
              ["sixWeeks", "nursing_care", "2026-03-01", "2026-04-11"],
              // Six weeks and a day: permanent, though it ended.
              ["longer", "nursing_care", "2026-03-01", "2026-04-12"],
              // Respite before the window, then a permanent placement in it.
              ["respiteFirst", "residential_care", "2025-06-01", "2025-06-10"],
              ["respiteFirst", "nursing_care", "2026-02-01"],
              // Placed for good before the window: moving home in it is no new admission.
              ["placedBefore", "nursing_care", "2024-01-01", "2026-04-30"],
              ["placedBefore", "nursing_care", "2026-05-01"],
              // A short stay ended by death was a permanent admission.
              ["died", "nursing_care", "2026-11-01", "2026-11-17"],
              ["young", "residential_care", "2026-03-01"]
            ]
          })
          // 8 admissions (5 placed, longer, respiteFirst, died) of 15 residents 65+.
          expect(counts["permanent_care_home_admissions_65_plus_per_100000"]).toEqual([8, 15])
        })
    )

    it.effect(
      "counts discharges of people 65+ into reablement at least 91 days ago, and which of them were at home on day 91 (ASCOF 2B)",
      () =>
        Effect.gen(function* () {
          const discharged = (id: string, on = "2026-05-01") => [id, "APC", "2026-04-20", "21", on] as const
          const reablement = (id: string, start: string) => [id, "reablement", start, "2026-06-15"] as const
          const people = [
            ...ids(5, "home"),
            "sameDay",
            "day7",
            "day8",
            "during",
            "readmitted",
            "backOnDay91",
            "careHome",
            "respite",
            "twice",
            "recent",
            "outcomeOnly"
          ]
          const counts = yield* bcfCounts({
            residents: [
              ...people.map((id) => ({ id, age: 75 })),
              { id: "died", age: 80, died: "2026-07-01" },
              { id: "moved", age: 80, deregistered: "2026-07-01" },
              { id: "young", age: 60 }
            ],
            acute: [
              ...[...people.filter((id) => id !== "recent" && id !== "outcomeOnly"), "died", "moved", "young"].map(
                (id) => discharged(id)
              ),
              discharged("twice", "2026-01-10"),
              discharged("recent", "2026-09-01"),
              // Day 91 after 1 May is 31 July: in hospital over it, or discharged that day.
              ["readmitted", "APC", "2026-07-30", "21", "2026-08-02"],
              ["backOnDay91", "APC", "2026-07-20", "21", "2026-07-31"]
            ],
            socialCare: [
              ...[...ids(5, "home"), "readmitted", "backOnDay91", "careHome", "respite", "twice", "recent"].map((id) =>
                reablement(id, "2026-05-03")
              ),
              ...[...["died", "moved", "young"]].map((id) => reablement(id, "2026-05-03")),
              reablement("twice", "2026-01-12"),
              // Reablement from the day of discharge, or up to 7 days after it (the default).
              reablement("sameDay", "2026-05-01"),
              reablement("day7", "2026-05-08"),
              // Not discharged into reablement: 8 days after, or begun while in hospital.
              reablement("day8", "2026-05-09"),
              reablement("during", "2026-04-25"),
              // Placed for good from June; a two-week respite stay over day 91 is no move.
              ["careHome", "nursing_care", "2026-06-01"],
              ["respite", "residential_care", "2026-07-25", "2026-08-07"],
              // The council's 91-day outcome, with no discharge before the reablement: not counted.
              ["outcomeOnly", "reablement", "2026-05-03", "2026-06-15", "at_home"]
            ]
          })
          // 15 discharges: home ×5, sameDay, day7, readmitted, backOnDay91, careHome, respite, twice ×2, died, moved
          // (recent's day 91 has not come, young is under 65). At home on day 91: all but readmitted, careHome, died, moved.
          expect(counts["still_at_home_91_days_after_reablement_65_plus_percent"]).toEqual([11, 15])
        })
    )

    it.effect("shows a metric nobody counts towards as 0, not suppressed", () =>
      Effect.gen(function* () {
        const { csv } = yield* published({
          residents: [...residents(10, "adult", { age: 40 }), ...residents(9, "older", { age: 70 })]
        })
        expect(cells(csv["bcf-metrics.csv"]!, METRIC)).toEqual(
          sorted([
            ["non_elective_admissions_per_100000", "0", "20", "0", "N"], // 0 / 19
            ["permanent_care_home_admissions_65_plus_per_100000", "0", "10", "0", "N"], // 0 / 9
            // Nobody had reablement: no value to show, but nothing suppressed either.
            ["still_at_home_91_days_after_reablement_65_plus_percent", "0", "0", "", "N"]
          ])
        )
      })
    )
  })
})
