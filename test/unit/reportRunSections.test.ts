/**
 * The report's run-report parts: the warnings with their next actions, the
 * figures per source (completeness, records per month), costs per head, the
 * trend over the last runs, linkage on a scale that tells 99% from 100%, and
 * panels whose every count is suppressed saying so.
 */
import { describe, expect, it } from "vitest"
import { DEFAULT_DISCLOSURE_RULES } from "../../transforms/disclosureControl.js"
import { linkageAxisFrom, outcomeName, reportPage } from "../../transforms/reportCharts.js"
import { reportFigures } from "../../transforms/reportFigures.js"
import { monthsOfWindow } from "../../transforms/reportSources.js"
import { historyAfter } from "../../transforms/reportTrend.js"
import { sampleCounts, sampleRun } from "./reportSample.js"

const figures = reportFigures(sampleCounts, DEFAULT_DISCLOSURE_RULES)
const page = reportPage(figures, undefined, [
  { stage: "read spine", duration_ms: 1234 },
  { stage: "segments", duration_ms: 40 }
])
const section = (id: string) => {
  const found = page.sections.find((candidate) => candidate.id === id)
  if (found === undefined) throw new Error(`no section ${id}`)
  return found
}
type Spec = Readonly<Record<string, unknown>>
const json = (spec: unknown) => JSON.stringify(spec)
const specOf = (id: string) => section(id).chart!.drawing as unknown as Spec

describe("the report's warnings", () => {
  it("lists every warning of the run with its next action and doc page, counts controlled", () => {
    expect(figures.warnings.map((row) => [row.source, row.warning])).toEqual([
      ["acute_activity", "extract taken 2026-11-15, 5 days before the as-of date (warning after 3)"],
      // 3 of 121: both controlled, the 3 suppressed rather than shown.
      ["acute_activity", "[suppressed] of 120 rows quarantined"],
      ["acute_activity", "10 rows repeat an earlier row exactly"],
      ["acute_activity", "columns the contract does not name were ignored: ward"],
      ["housing", "housing.csv was not in the inbox; its figures are missing from this publication"],
      // 100 of 112 is 100 of 110 published: 91%, under the configured 95%. Benefits' rate is suppressed, so no warning.
      ["acute_activity", "91% of records linked to a resident, below 95%"],
      ["gp_registrations", "[suppressed] people have registrations giving two dates of birth"]
    ])
    expect(figures.warnings[1]).toMatchObject({
      next_action: expect.stringContaining("wsd quarantine list --out OUT --source acute_activity"),
      doc: "docs/troubleshooting.md#exit-0-with-rows-quarantined"
    })
    for (const warning of figures.warnings) {
      expect(warning.next_action.length, warning.warning).toBeGreaterThan(10)
      expect(warning.doc, warning.warning).toMatch(/^docs\/[a-z-]+\.md/)
    }
  })

  it("warns of a rotated key and a declared change in volume, and of nothing on a clean night", () => {
    const clean = reportFigures(
      {
        ...sampleCounts,
        linkage: [],
        warnings: {
          ...sampleCounts.warnings,
          inputs: [],
          conflictingDatesOfBirth: 0,
          keyRotated: true,
          acceptedVolumeChanges: ["gp_events"]
        }
      },
      DEFAULT_DISCLOSURE_RULES
    )
    expect(clean.warnings.map((row) => row.source)).toEqual([null, "gp_events"])
    const quiet = reportFigures(
      {
        ...sampleCounts,
        linkage: [],
        warnings: { ...sampleCounts.warnings, inputs: [], conflictingDatesOfBirth: 0 }
      },
      DEFAULT_DISCLOSURE_RULES
    )
    const warnings = reportPage(quiet, undefined, []).sections.find((s) => s.id === "warnings")!
    expect(warnings.intro).toContain("noticed nothing to act on")
    expect(warnings.tables[0]!.rows).toEqual([])
  })

  it("shows the warnings first, by source name", () => {
    expect(page.sections[0]!.id).toBe("warnings")
    expect(section("warnings").tables[0]!.rows[0]).toMatchObject({ source: "Acute hospital activity" })
  })
})

describe("the report's figures per source", () => {
  it("works out each field's completeness from controlled counts", () => {
    expect(figures.completeness).toEqual([
      { source: "acute_activity", field: "activity_type", rows: 120, non_null: 120, percent: 100 },
      { source: "acute_activity", field: "discharge_destination", rows: 120, non_null: 60, percent: 50 },
      // 3 filled cells are suppressed, so is their share.
      { source: "acute_activity", field: "cost_gbp", rows: 120, non_null: null, percent: null }
    ])
  })

  it("counts records in every month of the window, 0 where there were none", () => {
    expect(monthsOfWindow("2025-11-21", "2026-11-20")).toHaveLength(13)
    expect(monthsOfWindow("2025-12-01", "2026-01-31")).toEqual(["2025-12", "2026-01"])
    expect(figures.records_per_month).toEqual([
      { source: "acute_activity", month: "2026-09", records: 0 },
      { source: "acute_activity", month: "2026-10", records: 60 },
      { source: "acute_activity", month: "2026-11", records: null }
    ])
  })

  it("draws one small chart per source and tables of rows, completeness and months", () => {
    const drawing = specOf("sources")
    expect((drawing["concat"] as Array<Spec>).map((panel) => (panel["title"] as Spec)["text"])).toEqual([
      "Acute hospital activity"
    ])
    expect(section("sources").tables.map((table) => table.caption)).toEqual([
      "Rows read, accepted and quarantined per source",
      "Completeness per source and field",
      "Records per source and month"
    ])
    expect(section("sources").tables[0]!.rows[0]).toMatchObject({
      name: "Acute hospital activity",
      source: "acute_activity.csv",
      rows_read: 120,
      rows_quarantined: null
    })
  })

  it("gives each stage's time in seconds", () => {
    expect(section("stage-timings").tables[0]!.rows).toEqual([
      { stage: "read spine", seconds: 1.2 },
      { stage: "segments", seconds: 0 }
    ])
  })
})

describe("costs per head", () => {
  it("are per resident of the segment, the figure shadow-budget.csv publishes, beside the cost and the people costed", () => {
    // 41 residents in Promoting Independence, 11 of them costed £20,450.60 at A&E.
    const counts = {
      ...sampleCounts,
      cohortCounts: sampleCounts.cohortCounts.map((cell) => (cell.segment === "PI" ? { ...cell, residents: 41 } : cell))
    }
    const budget = reportFigures(counts, DEFAULT_DISCLOSURE_RULES).shadow_budget
    const pi = budget.find((row) => row.segment === "PI" && row.service_line === "acute_ae")!
    // Published as £20,000 for 10 people, per head of the segment's 40 (not of the 10 costed): £500.
    expect(pi).toEqual({
      segment: "PI",
      service_line: "acute_ae",
      people: 10,
      cost_gbp: 20000,
      residents: 40,
      cost_per_head_gbp: 500
    })
    const table = reportPage(reportFigures(counts, DEFAULT_DISCLOSURE_RULES), undefined, []).sections.find(
      (candidate) => candidate.id === "shadow-budget"
    )!.tables[0]!
    expect(table.columns.map((column) => column.label)).toContain("Cost per head (per resident)")
    expect(table.rows).toContainEqual({ ...pi, segment: "Promoting Independence" })
  })
})

describe("the trend over the last runs", () => {
  const point = (run_id: string, linkage: number) => ({
    run: { run_id, as_of: "2026-11-19" },
    segments: [{ segment: "LW", residents: 40 }],
    totals: { linkage_rate_percent: linkage, quarantine_rate_percent: 1 },
    history: []
  })

  it("keeps the previous run and its history, up to N - 1 runs before this one", () => {
    expect(historyAfter(undefined, 7)).toEqual([])
    const one = historyAfter(point("a", 90), 3)
    expect(one.map((p) => p.run_id)).toEqual(["a"])
    const two = historyAfter({ ...point("b", 91), history: one }, 3)
    const three = historyAfter({ ...point("c", 92), history: two }, 3)
    expect(three.map((p) => [p.run_id, p.linkage_rate_percent])).toEqual([
      ["b", 91],
      ["c", 92]
    ])
    expect(historyAfter({ ...point("c", 92), history: two }, 1)).toEqual([])
  })

  it("shows this run after the earlier ones, per segment, linked and quarantined", () => {
    const withHistory = reportPage(
      { ...figures, history: historyAfter({ ...figures, run: { ...sampleRun, run_id: "earlier" } }, 7) },
      undefined,
      []
    )
    const trend = withHistory.sections.find((s) => s.id === "trend")!
    expect(trend.title).toBe("Trend over the last 2 runs")
    expect(trend.tables[0]!.rows.map((row) => [row["run"], row["LW"], row["linkage_rate_percent"]])).toEqual([
      ["earlier", 40, 92],
      [sampleRun.run_id, 40, 92]
    ])
    expect(section("trend").intro).toContain("the trend starts here")
  })
})

describe("linkage rates", () => {
  it("start the axis a whole percent below the lowest rate, and say so on the axis", () => {
    expect(linkageAxisFrom([99.6, 100, null])).toBe(98)
    expect(linkageAxisFrom([40])).toBe(39)
    expect(linkageAxisFrom([null])).toBe(0)
    const drawing = json(section("linkage-rates").chart!.drawing)
    // Acute activity links 91%, benefits 100%.
    expect(drawing).toContain('"title":"Records linked (%), axis from 90%"')
    expect(drawing).toContain('"domain":[90,100],"clamp":true')
    expect(section("linkage-rates").chart!.caption).toContain("starts at 90%")
  })
})

describe("a panel whose every count is suppressed", () => {
  it("says so instead of drawing empty axes", () => {
    // Still at home after reablement: 3 of 4, both suppressed.
    const bcf = specOf("bcf")
    const panels = bcf["vconcat"] as Array<Spec>
    expect(panels[1]).toMatchObject({
      data: { values: [{ message: "All counts below 8: suppressed" }] },
      mark: { type: "text" }
    })
    expect(panels[1]).not.toHaveProperty("layer")
    expect(panels[0]).toHaveProperty("layer")
    // Born Well's only residents (3) are suppressed, every other cell 0: its pyramid says so.
    const pyramids = specOf("age-sex")["hconcat"] as Array<Spec>
    expect(json(pyramids[0])).toContain(`"message":["Every count 0 or below 8:","suppressed"]`)
    expect(json(pyramids[1])).not.toContain("All counts below 8")
  })
})

describe("readable labels", () => {
  it("name each linkage outcome and source in words in the tier grid", () => {
    expect(outcomeName("linked: nhs_number")).toBe("Linked: NHS number")
    expect(outcomeName("no_nhs_number")).toBe("No NHS number")
    expect(outcomeName("ambiguous: given_name_variant")).toBe("Ambiguous: given name variant")
    const drawing = json(section("linkage-tiers").chart!.drawing)
    expect(drawing).toContain('"source":"Acute hospital activity","outcome":"Linked: NHS number"')
    expect(drawing).not.toContain('"source":"acute_activity"')
  })

  it("label every cell of the tier grid suppressed, with no colour scale to span, where every count is", () => {
    const allSuppressed = reportPage(
      { ...figures, linkage: figures.linkage.map((row) => ({ ...row, records: null })) },
      undefined,
      []
    ).sections.find((candidate) => candidate.id === "linkage-tiers")!
    const drawing = json(allSuppressed.chart!.drawing)
    expect(drawing).not.toContain('"type":"rect"')
    expect(drawing).toContain("'suppressed'")
    expect(json(section("linkage-tiers").chart!.drawing)).toContain('"type":"rect"')
  })

  it("give every value axis its unit, and the pyramids' legend in words", () => {
    expect(json(section("bcf").chart!.drawing)).toContain('"title":"Value, in the unit named beside its bar"')
    expect(json(section("bcf").chart!.drawing)).toContain('"unit":"per 100,000 residents"')
    expect(json(section("age-sex").chart!.drawing)).toContain("'Men' : 'Women'")
    expect(json(section("sources").chart!.drawing)).toContain('"title":"Records"')
  })

  it("name each source in the linkage rates", () => {
    expect(json(section("linkage-rates").chart!.drawing)).toContain('"sort":["Acute hospital activity","Benefits"]')
  })
})
