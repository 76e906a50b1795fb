/**
 * The shadow budget's disclosure control (`transforms/shadowBudget.ts`): the
 * borough's lines and their breakdowns per practice, PCN and locality,
 * controlled together so that no total gives back a hidden line.
 */
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { ACTIVITIES, SERVICE_LINES } from "../../schemas/shadowBudget.js"
import { DEFAULT_DISCLOSURE_RULES } from "../../transforms/disclosureControl.js"
import { controlResidents } from "../../transforms/residentCounts.js"
import { type AreaBudgetLine, controlBudget } from "../../transforms/shadowBudget.js"

const practices = [
  { practice_code: "F84001", pcn: "North PCN", locality: "North" },
  { practice_code: "F84002", pcn: "North PCN", locality: "North" },
  { practice_code: "F84003", pcn: "South PCN", locality: "South" }
]
/** Living Well residents: 3 at F84001 and 37 at F84002 (North's 40), 40 at F84003 (South's). */
const residents = controlResidents(
  [
    ["F84001", "North", 3],
    ["F84002", "North", 37],
    ["F84003", "South", 40]
  ].map(([practice_code, locality, count]) => ({
    segment: "LW",
    age_band: "40-44",
    sex: "female",
    practice_code: String(practice_code),
    locality: String(locality),
    imd_decile: "unknown",
    residents: Number(count)
  })),
  practices,
  DEFAULT_DISCLOSURE_RULES
)

const budget = controlBudget(
  [
    // 3 people at F84001, 20 at F84002, 30 at F84003: 53 in the borough.
    { practice_code: "F84001", segment: "LW", service_line: "primary_care", people: 3, cost_gbp: 126 },
    { practice_code: "F84002", segment: "LW", service_line: "primary_care", people: 20, cost_gbp: 8400 },
    { practice_code: "F84003", segment: "LW", service_line: "primary_care", people: 30, cost_gbp: 12600 },
    { practice_code: null, segment: "unattributed", service_line: "acute_ae", people: 9, cost_gbp: 2250 }
  ],
  practices,
  residents,
  DEFAULT_DISCLOSURE_RULES
)
const line = (geography: AreaBudgetLine["geography"], area: string) =>
  budget.areas.find(
    (row) =>
      row.geography === geography && row.area === area && row.segment === "LW" && row.service_line === "primary_care"
  )!

describe("the shadow budget's control", () => {
  it("hides a second practice beside one of 3 people, so the borough's line minus the others gives neither back", () => {
    expect(line("practice", "F84001")).toMatchObject({ people: null, cost_gbp: null, suppressed: true })
    // North PCN and North locality are 23, shown: with F84001 hidden alone, 23 − 20 would be its 3.
    expect(line("practice", "F84002")).toMatchObject({ people: null, cost_gbp: null, suppressed: true })
    expect(line("practice", "F84003")).toMatchObject({ people: 30, cost_gbp: 13000, suppressed: false })
    expect(line("pcn", "North PCN")).toMatchObject({ people: 25, cost_gbp: 9000, suppressed: false })
    expect(line("locality", "South")).toMatchObject({ people: 30, cost_gbp: 13000, suppressed: false })
  })

  it("divides a shown cost by the segment's shown residents for the borough and each practice, PCN and locality", () => {
    const borough = budget.borough.find((row) => row.segment === "LW" && row.service_line === "primary_care")!
    // 53 people, £21,126 → 55 and £21,000, over 80 residents.
    expect(borough).toEqual({
      segment: "LW",
      service_line: "primary_care",
      people: 55,
      cost_gbp: 21000,
      residents: 80,
      cost_per_head_gbp: 263,
      suppressed: false
    })
    expect(line("locality", "South")).toMatchObject({ residents: 40, cost_per_head_gbp: 325 })
    expect(line("locality", "North")).toMatchObject({ residents: 40, cost_per_head_gbp: 225 })
    expect(line("pcn", "North PCN")).toMatchObject({ residents: 40, cost_per_head_gbp: 225 })
    expect(line("practice", "F84003")).toMatchObject({ residents: 40, cost_per_head_gbp: 325 })
  })

  it("hides a practice's residents beside one of 3, as the cohort summary's residents are controlled with them", () => {
    expect(line("practice", "F84001")).toMatchObject({ residents: null, cost_per_head_gbp: null })
    // North's 40 is shown (the cohort summary publishes it): with F84001 hidden alone, 40 − 35 would give it back.
    expect(residents.locality("LW", "North")).toEqual({ suppressed: false, count: 40 })
    expect(residents.practice("LW", "F84002")).toEqual({ suppressed: true })
    expect(line("practice", "F84002")).toMatchObject({ residents: null, cost_per_head_gbp: null })
  })

  it("leaves the per-head blank where the cost is hidden, though the residents are shown", () => {
    const hiddenCost = controlBudget(
      [{ practice_code: "F84003", segment: "LW", service_line: "community", people: 2, cost_gbp: 900 }],
      practices,
      residents,
      DEFAULT_DISCLOSURE_RULES
    ).areas.find((row) => row.area === "F84003" && row.segment === "LW" && row.service_line === "community")!
    expect(hiddenCost).toMatchObject({ people: null, cost_gbp: null, residents: 40, cost_per_head_gbp: null })
  })

  it("lists every group × service line, zero lines as 0, unattributed borough-wide only", () => {
    expect(budget.borough).toHaveLength(5 * 11)
    expect(budget.borough.find((row) => row.segment === "PI" && row.service_line === "housing")).toMatchObject({
      people: 0,
      cost_gbp: 0,
      suppressed: false
    })
    expect(budget.borough.find((row) => row.segment === "unattributed" && row.service_line === "acute_ae")).toEqual({
      segment: "unattributed",
      service_line: "acute_ae",
      people: 10,
      cost_gbp: 2000,
      residents: null,
      cost_per_head_gbp: null,
      suppressed: false
    })
    expect(budget.areas.some((row) => row.segment === "unattributed")).toBe(false)
    // 3 practices + 2 PCNs + 2 localities, each × BWGW, LW, PI, died_or_left × 11 lines.
    expect(budget.areas).toHaveLength(7 * 4 * 11)
  })
})

describe("the shadow budget's codes", () => {
  const sql = (file: string) => readFileSync(path.join(import.meta.dirname, "..", "..", "sql", file), "utf8")

  it("are the schema's: the model's checks accept exactly its service lines, and every line is costed from some activity", () => {
    const checks = JSON.parse(sql("models/shadow_budget_cost.checks.json")) as {
      columns: { service_line: [string, { accepted_values: Array<string> }] }
    }
    expect(checks.columns.service_line[1].accepted_values).toEqual([...SERVICE_LINES])
    expect(new Set(ACTIVITIES.map((activity) => activity.service_line))).toEqual(new Set(SERVICE_LINES))
  })
})
