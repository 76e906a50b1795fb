import { describe, expect, it } from "vitest"
import { DEFAULT_DISCLOSURE_RULES } from "../../transforms/disclosureControl.js"
import { reportPage } from "../../transforms/reportCharts.js"
import { reportFigures } from "../../transforms/reportFigures.js"
import { sampleCounts } from "./reportSample.js"

const figures = reportFigures(sampleCounts, DEFAULT_DISCLOSURE_RULES)
const previous = reportFigures(
  { ...sampleCounts, run: { ...sampleCounts.run, run_id: "earlier", as_of: "2026-11-19" } },
  DEFAULT_DISCLOSURE_RULES
)

type Spec = { data?: { values?: Array<Record<string, unknown>> } }
const valuesOf = (spec: unknown) => (spec as Spec).data?.values ?? []

describe("the run report's sections", () => {
  const page = reportPage(figures, previous, [])
  const section = (id: string) => {
    const found = page.sections.find((candidate) => candidate.id === id)
    if (found === undefined) throw new Error(`no section ${id}`)
    return found
  }

  it("has a section for every part of the report, each with a heading and a table of its numbers", () => {
    expect(page.sections.map((s) => s.id)).toEqual([
      "warnings",
      "residents",
      "age-sex",
      "transitions",
      "utilisation",
      "shadow-budget",
      "bcf",
      "linkage-rates",
      "linkage-tiers",
      "linkage-ethnicity",
      "linkage-deprivation",
      "quarantine",
      "sources",
      "stage-timings",
      "trend",
      "changes"
    ])
    for (const s of page.sections) {
      expect(s.title.length).toBeGreaterThan(0)
      expect(s.tables.length, s.id).toBeGreaterThan(0)
      // The warnings and stage timings are lists: tables only.
      if (s.id !== "warnings" && s.id !== "stage-timings") expect(s.chart?.drawing, s.id).toBeDefined()
    }
  })

  it("heads the report with residents per segment as published", () => {
    expect(page.headline.rows).toEqual([
      { segment: "Born Well & Growing Well", residents: null },
      { segment: "Living Well", residents: 40 },
      // Suppressed with Born Well's, which all residents minus the others would give back.
      { segment: "Promoting Independence", residents: null },
      { segment: "All residents", residents: 55 }
    ])
  })

  it("charts the controlled figures, and says 'suppressed' where a bar cannot be drawn", () => {
    const values = valuesOf(section("residents").chart?.drawing)
    expect(values).toContainEqual({ locality: "South", segment: "Born Well & Growing Well", residents: 0, note: null })
    expect(values).toContainEqual({
      locality: "North",
      segment: "Born Well & Growing Well",
      residents: null,
      note: "suppressed"
    })
  })

  it("tells a rate with nothing to divide by (n/a) from one whose count is suppressed", () => {
    const values = valuesOf(section("utilisation").chart?.drawing)
    const note = (segment: string, measure: string) =>
      values.find((row) => row["segment"] === segment && row["measure"] === measure)?.["note"]
    expect(note("Living Well", "Non-elective admissions")).toBe("suppressed")
    expect(note("Born Well & Growing Well", "A&E attendances")).toBe("suppressed")
    expect(note("Living Well", "A&E attendances")).toBeNull()
  })

  it("draws men to the left of the pyramid's axis and women to the right", () => {
    const values = valuesOf(section("age-sex").chart?.drawing)
    expect(values).toContainEqual({ segment: "Living Well", age_band: "40-44", sex: "male", residents: -25 })
    expect(values).toContainEqual({ segment: "Living Well", age_band: "30-34", sex: "female", residents: 15 })
    expect(values.some((row) => row["sex"] === "not_known")).toBe(false)
    const table = section("age-sex").tables[0]!
    expect(table.rows).toContainEqual({
      segment: "Living Well",
      age_band: "40-44",
      female: 0,
      male: 25,
      indeterminate: 0,
      not_known: 0
    })
  })

  it("compares headline figures with the previous run, formatted as each figure's kind", () => {
    const changes = section("changes")
    expect(changes.intro).toContain("earlier")
    expect(changes.tables[0]!.rows).toContainEqual({
      figure: "Residents: Born Well & Growing Well",
      previous: "suppressed",
      current: "suppressed",
      change: "n/a"
    })
    expect(changes.tables[0]!.rows).toContainEqual({
      figure: "Shadow budget: PI acute_ae",
      previous: "£20,000",
      current: "£20,000",
      change: "£0"
    })
  })

  it("says so, with no chart, on a first run and where nothing was measured", () => {
    const first = reportPage(
      reportFigures({ ...sampleCounts, equity: [], quarantine: [] }, DEFAULT_DISCLOSURE_RULES),
      undefined,
      []
    )
    const byId = new Map(first.sections.map((s) => [s.id, s]))
    expect(byId.get("changes")?.chart).toBeUndefined()
    expect(byId.get("changes")?.intro).toContain("first run")
    expect(byId.get("linkage-ethnicity")?.chart).toBeUndefined()
    expect(byId.get("linkage-ethnicity")?.intro).toContain("no such records")
    expect(byId.get("quarantine")?.chart).toBeUndefined()
    expect(byId.get("quarantine")?.intro).toContain("No row was quarantined")
  })

  it("shows each equity group by name with its records and an honest interval, or too few to compare", () => {
    const equity = reportPage(
      reportFigures(
        {
          ...sampleCounts,
          equity: [
            // The group S: 22 of 23 is published as 20 of 25, which alone reads as 80%.
            { source: "housing", dimension: "ethnic_category", category: "S", records: 23, linked: 22 },
            { source: "housing", dimension: "ethnic_category", category: "A", records: 400, linked: 384 },
            { source: "housing", dimension: "ethnic_category", category: "N", records: 6, linked: 5 }
          ]
        },
        DEFAULT_DISCLOSURE_RULES
      ),
      undefined,
      []
    ).sections.find((s) => s.id === "linkage-ethnicity")!
    const rows = equity.tables[0]!.rows
    expect(rows.map((row) => [row["group"], row["rate_percent"], row["interval_percent"]])).toEqual([
      ["White: British (400 records)", 96.3, "92–99%"],
      ["Black or Black British: African (records suppressed)", null, "too few to compare"],
      ["Other ethnic groups: any other ethnic group (25 records)", 80, "47–100%"]
    ])
    // S's interval holds its true 95.7% and overlaps A's: no gap is shown that the counts cannot support.
    const values = valuesOf(equity.chart!.drawing)
    expect(values.find((v) => String(v["group"]).startsWith("Other"))).toMatchObject({
      low_percent: 47,
      high_percent: 100
    })
    expect(values.find((v) => String(v["group"]).startsWith("Black"))).toMatchObject({ note: "too few to compare" })
    expect(JSON.stringify(equity.chart!.drawing)).toContain('"type":"rule"')
  })
})
