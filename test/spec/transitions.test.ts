/**
 * The transitions list as a spec (`docs/outputs.md`): young people and their
 * records as inline rows, and the list expected from them: who is on it (the
 * `transition` flag, 16–25), with which practice, age band, segment and
 * reason codes, in what order, for whom; and the disclosure-controlled count
 * of them in `transitions-summary.csv`. Run through the real SQL and output
 * code on SQLite and on PostgreSQL.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TRANSITION_REASONS } from "../../schemas/segments.js"
import { testWarehouses } from "../warehouses.js"
import { publish } from "./publishedOutputs.js"
import { CODES, type SpecInput, times } from "./specWarehouse.js"

/**
 * On the list: a 16-year-old with an EHC plan, a 17-year-old in need who also
 * has an LTC, a 22-year-old care leaver in Promoting Independence
 * (housebound), a 25-year-old with an LTC at another practice, and a
 * 19-year-old with all three. Not on it: the same criteria at 15 and 26, and
 * a 20-year-old with none.
 */
const YOUNG_PEOPLE: SpecInput = {
  residents: [
    { id: "ehc16", age: 16 },
    { id: "cin17", age: 17 },
    { id: "cl22", age: 22 },
    { id: "ltc25", age: 25, practice: "F84004" },
    { id: "all19", age: 19, practice: "F84004" },
    { id: "ehc15", age: 15 },
    { id: "ltc26", age: 26 },
    { id: "none20", age: 20 }
  ],
  practices: [
    ["F84003", "Central PCN", "North"],
    ["F84004", "Riverside PCN", "South"]
  ],
  education: [
    ["ehc16", "E"],
    ["all19", "E"],
    ["ehc15", "E"],
    ["none20", "K"]
  ],
  childrensSocialCare: [
    ["cin17", "CIN"],
    ["cl22", "CARE_LEAVER"],
    ["all19", "CP"]
  ],
  gpEvents: [
    ["cin17", CODES.depression],
    ["cl22", CODES.housebound],
    ["ltc25", CODES.copd],
    ["all19", CODES.diabetes],
    ["ltc26", CODES.copd]
  ]
}

describe.each(testWarehouses())("the transitions list on $name", (warehouse) => {
  if (warehouse.skipped !== undefined) {
    it.skip(warehouse.skipped, () => {})
    return
  }

  it.effect("lists the flagged 16–25s by practice, with their age band, segment and every reason that applies", () =>
    Effect.gen(function* () {
      const { csv } = yield* publish(YOUNG_PEOPLE, warehouse.engine())
      const list = csv["transitions/all.csv"]!
      expect(list.columns).toEqual(["person_id", "practice_code", "age_band", "segment", "transition_reasons"])
      expect(list.rows.map((row) => list.columns.map((column) => row[column]))).toEqual([
        ["cin17", "F84003", "15-19", "BWGW", "childrens_social_care;ltc"],
        ["cl22", "F84003", "20-24", "PI", "childrens_social_care"],
        ["ehc16", "F84003", "15-19", "BWGW", "ehc_plan"],
        ["all19", "F84004", "15-19", "LW", "childrens_social_care;ehc_plan;ltc"],
        ["ltc25", "F84004", "25-29", "LW", "ltc"]
      ])
      const codes = list.rows.flatMap((row) => row["transition_reasons"]!.split(";"))
      expect(new Set(codes)).toEqual(new Set(TRANSITION_REASONS))
    })
  )

  it.effect(
    "goes to the Born Well and Promoting Independence leads, recorded like every list, empty when no one is flagged",
    () =>
      Effect.gen(function* () {
        const { release, csv, outputs } = yield* publish(
          { residents: [{ id: "ltc26", age: 26 }], gpEvents: [["ltc26", CODES.copd]] },
          warehouse.engine()
        )
        expect(csv["transitions/all.csv"]).toEqual({
          columns: ["person_id", "practice_code", "age_band", "segment", "transition_reasons"],
          rows: []
        })
        expect(fs.readdirSync(path.join(release, "transitions"))).toEqual(["all.csv"])
        expect(outputs.find((output) => output.path === "transitions/all.csv")).toMatchObject({
          rows: 0,
          recipient: "Born Well & Growing Well and Promoting Independence workstream leads"
        })
      })
  )

  it.effect(
    "counts them per segment and in all, 1–7 suppressed, others rounded to 5, and hides what the total would give back",
    () =>
      Effect.gen(function* () {
        const { csv } = yield* publish(
          {
            // 8 flagged in Born Well (16, EHC plan), 3 in Living Well (20, an LTC), none in Promoting Independence.
            residents: [
              ...times(8, (i) => ({ id: `ehc${i}`, age: 16 })),
              ...times(3, (i) => ({ id: `ltc${i}`, age: 20 })),
              { id: "pal", age: 60 }
            ],
            education: times(8, (i) => [`ehc${i}`, "E"] as const),
            gpEvents: [...times(3, (i) => [`ltc${i}`, CODES.copd] as const), ["pal", CODES.palliativeCare]]
          },
          warehouse.engine()
        )
        const summary = csv["transitions-summary.csv"]!
        expect(summary.columns).toEqual(["segment", "residents", "suppressed"])
        // Living Well's 3 is suppressed; the total (11, shown as 10) minus the 8 would give it back, so the 8 goes too.
        expect(summary.rows).toEqual([
          { segment: "BWGW", residents: "", suppressed: "Y" },
          { segment: "LW", residents: "", suppressed: "Y" },
          { segment: "PI", residents: "0", suppressed: "N" },
          { segment: "all", residents: "10", suppressed: "N" }
        ])
      })
  )
})
