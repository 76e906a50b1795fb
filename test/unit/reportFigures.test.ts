import { Option, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { controlBcf } from "../../transforms/aggregateOutputs.js"
import { DEFAULT_DISCLOSURE_RULES } from "../../transforms/disclosureControl.js"
import { changesSinceLastRun, ReportFigures, reportFigures } from "../../transforms/reportFigures.js"
import { controlResidents } from "../../transforms/residentCounts.js"
import { controlBudget } from "../../transforms/shadowBudget.js"
import { sampleCounts } from "./reportSample.js"

const figures = reportFigures(sampleCounts, DEFAULT_DISCLOSURE_RULES)

describe("the run report's figures", () => {
  it("controls residents per segment after adding them up: 3 suppressed, 13 + 26 = 39 → 40, and 12 suppressed with the 3", () => {
    // 55 in all minus Living Well's 40 and Promoting Independence's 10 would leave Born Well's 3 at 1 to 11.
    expect(figures.segments).toEqual([
      { segment: "BWGW", residents: null },
      { segment: "LW", residents: 40 },
      { segment: "PI", residents: null }
    ])
    expect(figures.residents).toBe(55) // 54 residents in all
  })

  it("lists every segment in every locality, a real zero as 0, hiding a locality its segment's total would give back", () => {
    expect(figures.localities).toEqual([
      { segment: "BWGW", locality: "North", residents: null },
      { segment: "BWGW", locality: "South", residents: 0 },
      // North's 4 is suppressed, so South's 35 is too: Living Well's 40 minus 35 would give it back.
      { segment: "LW", locality: "North", residents: null },
      { segment: "LW", locality: "South", residents: null },
      { segment: "PI", locality: "North", residents: 0 },
      { segment: "PI", locality: "South", residents: null }
    ])
  })

  it("gives every segment, age band and sex a cell for the pyramids", () => {
    expect(figures.pyramid).toHaveLength(3 * 18 * 4)
    const cell = (segment: string, band: string, sex: string) =>
      figures.pyramid.find((row) => row.segment === segment && row.age_band === band && row.sex === sex)?.residents
    expect(cell("LW", "30-34", "female")).toBe(15) // 4 + 9 = 13 → 15
    expect(cell("LW", "40-44", "male")).toBe(25)
    expect(cell("BWGW", "05-09", "female")).toBeNull()
    // The segment's only residents: shown, it would give back the suppressed segment total.
    expect(cell("PI", "85+", "male")).toBeNull()
    expect(cell("PI", "00-04", "female")).toBe(0)
  })

  it("counts the transitions cohort as transitions-summary.csv does: 2 suppressed, and the 13 with it, which 15 in all would give it back from", () => {
    expect(figures.transitions).toEqual({
      residents: 15,
      segments: [
        { segment: "BWGW", residents: null },
        { segment: "LW", residents: null },
        { segment: "PI", residents: 0 }
      ]
    })
  })

  it("works out use of services per 1,000 residents from the controlled counts", () => {
    const use = (segment: string, measure: string) =>
      figures.utilisation.find((row) => row.segment === segment && row.measure === measure)
    // 23 → 25 attendances over 39 → 40 residents: 625, but 23–27 of 38–42 is anything from 548 to 711.
    expect(use("LW", "ae_attendances")).toEqual({
      segment: "LW",
      measure: "ae_attendances",
      total: 25,
      per_1000: 630
    })
    expect(use("LW", "non_elective_admissions")).toMatchObject({ total: null, per_1000: null })
    expect(use("LW", "bed_days")).toMatchObject({ total: 0, per_1000: 0 })
    // A segment whose residents are suppressed has no rate, whatever its count.
    expect(use("BWGW", "ae_attendances")).toMatchObject({ total: 0, per_1000: null })
    expect(use("PI", "bed_days")).toMatchObject({ total: 140, per_1000: null })
  })

  it("publishes the shadow budget and BCF metrics exactly as their CSVs do", () => {
    const withoutFlag = <T extends { suppressed: boolean }>({ suppressed: _, ...rest }: T) => rest
    const budget = controlBudget(
      sampleCounts.shadowBudget,
      sampleCounts.practices,
      controlResidents(sampleCounts.cohortCounts, sampleCounts.practices, DEFAULT_DISCLOSURE_RULES),
      DEFAULT_DISCLOSURE_RULES
    )
    expect(figures.shadow_budget).toEqual(
      budget.borough.map(({ segment, service_line, people, cost_gbp, residents, cost_per_head_gbp }) => ({
        segment,
        service_line,
        people,
        cost_gbp,
        residents,
        cost_per_head_gbp
      }))
    )
    expect(figures.shadow_budget.find((line) => line.segment === "LW" && line.service_line === "acute_ae")).toEqual({
      segment: "LW",
      service_line: "acute_ae",
      people: null,
      cost_gbp: null,
      residents: 40,
      cost_per_head_gbp: null
    })
    expect(figures.bcf).toEqual(controlBcf(sampleCounts.bcf, DEFAULT_DISCLOSURE_RULES).map(withoutFlag))
  })

  it("controls rows read, accepted and quarantined together, and counts quarantine per field/reason", () => {
    // 121 read, 118 accepted, 3 quarantined: the 3 would be the only count its margin hides, so the
    // next smallest, accepted, is hidden with it, as the lineage copy hides it.
    expect(figures.inputs[0]).toEqual({
      source: "acute_activity",
      status: "loaded",
      rows_read: 120,
      rows_accepted: null,
      rows_quarantined: null
    })
    expect(figures.quarantine).toEqual([{ source: "acute_activity", reason: "end_date/end_before_start", rows: null }])
  })

  it("names each linkage outcome by status and tier, and leaves opted-out records out of the linkage rate", () => {
    expect(figures.linkage.map((row) => row.outcome)).toEqual([
      "linked: nhs_number",
      "not_resident",
      "opted_out",
      "linked: exact"
    ])
    expect(figures.linkage_rates).toEqual([
      // 100 of 112 → 100 of 110 after rounding: 98–102 of 108–112 is 87.5% to 94.4%, so 91, not 90.9.
      { source: "acute_activity", records: 110, linked: 100, rate_percent: 91 },
      { source: "benefits", records: 10, linked: 10, rate_percent: 100 }
    ])
  })

  it("adds up linkage equity across sources before controlling it, deciles in numeric order", () => {
    expect(figures.linkage_equity).toEqual([
      { dimension: "ethnic_category", category: "A", records: null, linked: null, rate_percent: null },
      { dimension: "imd_decile", category: "2", records: 20, linked: 20, rate_percent: 100 },
      { dimension: "imd_decile", category: "10", records: 10, linked: 10, rate_percent: 100 }
    ])
  })

  it("survives the trip through report-figures.json", () => {
    const decoded = Schema.decodeUnknownOption(Schema.fromJsonString(ReportFigures))(JSON.stringify(figures))
    expect(Option.getOrThrow(decoded)).toEqual(figures)
    expect(Option.isNone(Schema.decodeUnknownOption(Schema.fromJsonString(ReportFigures))('{"run":{}}'))).toBe(true)
  })
})

describe("changes since the last run", () => {
  const previous = reportFigures(
    {
      ...sampleCounts,
      run: { ...sampleCounts.run, run_id: "earlier", as_of: "2026-11-19" },
      cohortCounts: sampleCounts.cohortCounts.filter((row) => row.age_band !== "40-44"),
      transitionCounts: [{ segment: "BWGW", residents: 9 }],
      linkage: sampleCounts.linkage.filter((row) => row.source !== "benefits")
    },
    DEFAULT_DISCLOSURE_RULES
  )
  const changes = changesSinceLastRun(previous, figures)
  const change = (figure: string) => changes.find((row) => row.figure === figure)

  it("compares the controlled figures of the two runs", () => {
    expect(change("Residents: Living Well")).toEqual({
      figure: "Residents: Living Well",
      kind: "count",
      previous: 15,
      current: 40,
      change: 25
    })
    expect(change("Transitions cohort (16–25)")).toEqual({
      figure: "Transitions cohort (16–25)",
      kind: "count",
      previous: 10,
      current: 15,
      change: 5
    })
    // £20,450.60, to the nearest £1,000.
    expect(change("Shadow budget: PI acute_ae")).toMatchObject({ kind: "money", previous: 20000, change: 0 })
  })

  it("shows no change where either side is suppressed, or the figure is new", () => {
    expect(change("Residents: Born Well & Growing Well")).toMatchObject({ previous: null, current: null, change: null })
    expect(change("Records linked (%): benefits")).toEqual({
      figure: "Records linked (%): benefits",
      kind: "rate",
      previous: null,
      current: 100,
      change: null
    })
  })
})
