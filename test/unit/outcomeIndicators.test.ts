/**
 * The outcomes framework file and its indicators as published: the file
 * holds the 17 i-statements in their five domains, each measured or saying
 * what would measure it; each indicator's counts are grouped by every
 * dimension, controlled with the total they add up to (0 stays 0, 1–7
 * suppressed, others rounded to 5, and a second count hidden where the total
 * would give a suppressed one back), with rates from the controlled counts;
 * and the report's gradient reads the most and least deprived quintiles.
 */
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { OUTCOME_DOMAINS, OutcomesFramework } from "../../schemas/outcomesFramework.js"
import { DEFAULT_DISCLOSURE_RULES } from "../../transforms/disclosureControl.js"
import { type OutcomeCount, outcomeGradients, outcomeRows } from "../../transforms/outcomeIndicators.js"
import { outcomesSection } from "../../transforms/outcomesReportSection.js"

const framework = Schema.decodeUnknownSync(OutcomesFramework)(
  JSON.parse(readFileSync(path.join(import.meta.dirname, "..", "..", "rules", "outcomes-v1.json"), "utf8"))
)

const count = (cell: Partial<OutcomeCount> & Pick<OutcomeCount, "numerator" | "denominator">): OutcomeCount => ({
  indicator: "ae_attendances",
  segment: "LW",
  imd_quintile: "3",
  ethnic_category: "A",
  locality: "North",
  ...cell
})

const rowsOf = (counts: ReadonlyArray<OutcomeCount>, references: ReadonlyArray<string> = []) =>
  outcomeRows(framework, counts, ["North", "South"], new Set(references), DEFAULT_DISCLOSURE_RULES)

const cell = (rows: ReturnType<typeof rowsOf>, indicator: string, dimension: string, group: string) =>
  rows.find((row) => row.indicator === indicator && row.dimension === dimension && row.group === group)!

describe("the outcomes framework file", () => {
  it("holds the 17 i-statements in five domains, each with indicators or what measuring it needs", () => {
    expect(framework.statements).toHaveLength(17)
    expect(OUTCOME_DOMAINS.map((domain) => framework.statements.filter((s) => s.domain === domain).length)).toEqual([
      3, 4, 2, 4, 4
    ])
    for (const statement of framework.statements) {
      if ("indicators" in statement) expect(statement.indicators.length).toBeGreaterThan(0)
      else expect(statement.notMeasurable).toMatch(/^not measurable from these extracts.*: needs /)
    }
  })

  it("refuses a statement with neither indicators nor a reason, an indicator the SQL does not compute, and an id used twice", () => {
    const decode = Schema.decodeUnknownExit(OutcomesFramework)
    const statement = { id: "x-1", domain: OUTCOME_DOMAINS[0], statement: "A statement" }
    expect(decode({ version: "v", source: "s", statements: [statement] })._tag).toBe("Failure")
    expect(
      decode({
        version: "v",
        source: "s",
        statements: [
          {
            ...statement,
            indicators: [
              { id: "smoking", title: "t", definition: "d", numerator: "n", denominator: "d", per: 100, sources: ["x"] }
            ]
          }
        ]
      })._tag
    ).toBe("Failure")
    expect(decode({ version: "v", source: "s", statements: [{ ...statement, notMeasurable: "hard" }] })._tag).toBe(
      "Failure"
    )
    const unmeasured = { ...statement, notMeasurable: "not measurable from these extracts: needs a survey" }
    expect(decode({ version: "v", source: "s", statements: [unmeasured] })._tag).toBe("Success")
    expect(decode({ version: "v", source: "s", statements: [unmeasured, unmeasured] })._tag).toBe("Failure")
  })
})

describe("outcomeRows", () => {
  it("lists every statement in file order, the unmeasured ones with their reason and no figures", () => {
    const rows = rowsOf([])
    expect([...new Set(rows.map((row) => row.statement_id))]).toEqual(framework.statements.map((s) => s.id))
    const wellbeing = rows.filter((row) => row.statement_id === "ql-1")
    expect(wellbeing).toEqual([
      expect.objectContaining({ indicator: null, numerator: null, rate: null, note: expect.stringMatching(/survey/) })
    ])
    // Every group of every dimension of a measured indicator, zeros as zeros.
    const ae = rows.filter((row) => row.indicator === "ae_attendances")
    expect(ae.map((row) => `${row.dimension}:${row.group}`)).toEqual([
      "all:all",
      "segment:BWGW",
      "segment:LW",
      "segment:PI",
      ...["1", "2", "3", "4", "5", "unknown"].map((q) => `deprivation_quintile:${q}`),
      ...[
        "White",
        "Mixed",
        "Asian or Asian British",
        "Black or Black British",
        "Other ethnic groups",
        "Not stated",
        "Not recorded"
      ].map((group) => `ethnic_group:${group}`),
      "locality:North",
      "locality:South"
    ])
    expect(ae.every((row) => row.numerator === 0 && row.denominator === 0 && !row.suppressed)).toBe(true)
  })

  it("says an indicator was not measured when the night lacked its reference file, and measures it when present", () => {
    const counts = [count({ indicator: "poor_air_quality", numerator: 40, denominator: 100 })]
    const without = rowsOf(counts).filter((row) => row.indicator === "poor_air_quality")
    expect(without).toEqual([
      expect.objectContaining({
        statement_id: "wd-3",
        dimension: null,
        numerator: null,
        note: "not measured this run: needs lsoa_environment.csv in the inbox, absent or empty"
      })
    ])
    const withFile = rowsOf(counts, ["lsoa_environment"])
    expect(cell(withFile, "poor_air_quality", "all", "all")).toMatchObject({
      numerator: 40,
      denominator: 100,
      rate: 40,
      note: null
    })
  })

  it("groups ethnic categories by their NHS group and rounds counts to 5, rates from the rounded counts", () => {
    const rows = rowsOf([
      count({ ethnic_category: "H", numerator: 21, denominator: 52 }),
      count({ ethnic_category: "K", numerator: 13, denominator: 49 }),
      count({ ethnic_category: "", numerator: 30, denominator: 99 })
    ])
    const asian = cell(rows, "ae_attendances", "ethnic_group", "Asian or Asian British")
    expect(asian).toMatchObject({ numerator: 35, denominator: 100, suppressed: false })
    expect(asian.rate).toBe(350) // 35 / 100 per 1,000, not 34 / 101
    expect(cell(rows, "ae_attendances", "ethnic_group", "Not recorded")).toMatchObject({
      numerator: 30,
      denominator: 100
    })
    expect(cell(rows, "ae_attendances", "all", "all")).toMatchObject({ numerator: 65, denominator: 200 })
  })

  it("suppresses 1–7 and hides a second count where the total would give it back", () => {
    const rows = rowsOf([
      count({ locality: "North", numerator: 5, denominator: 40 }),
      count({ locality: "South", numerator: 30, denominator: 40 })
    ])
    const north = cell(rows, "ae_attendances", "locality", "North")
    const south = cell(rows, "ae_attendances", "locality", "South")
    expect(north).toMatchObject({ numerator: null, suppressed: true, rate: null })
    // 35 in all minus South's 30 would give North's 5 back: South's is hidden with it.
    expect(south.numerator).toBeNull()
    const published = rows.flatMap((row) => [row.numerator, row.denominator]).filter((n) => n !== null)
    for (const n of published) expect(n === 0 || (n >= 8 && n % 5 === 0)).toBe(true)
  })
})

describe("outcomeGradients", () => {
  it("reads each indicator's rate in the most and least deprived quintile, and their ratio", () => {
    const rows = rowsOf([
      count({ imd_quintile: "1", numerator: 60, denominator: 100 }),
      count({ imd_quintile: "5", numerator: 20, denominator: 100 }),
      count({ imd_quintile: "3", numerator: 40, denominator: 100 })
    ])
    const ae = outcomeGradients(rows).find((gradient) => gradient.indicator === "ae_attendances")!
    expect(ae).toMatchObject({ most_deprived: 600, least_deprived: 200, ratio: 3, per: 1000 })
    // An indicator with no one counted has no rate to compare.
    expect(outcomeGradients(rows).find((gradient) => gradient.indicator === "ehc_plan")).toMatchObject({
      most_deprived: null,
      least_deprived: null,
      ratio: null
    })
    // Every indicator but those whose reference file this night lacked.
    expect(outcomeGradients(rows).map((gradient) => gradient.indicator)).toEqual(
      framework.statements
        .flatMap((s) => ("indicators" in s ? s.indicators : []))
        .filter((indicator) => indicator.requires === undefined)
        .map((indicator) => indicator.id)
    )
  })
})

describe("the report's outcomes section", () => {
  it("shows each indicator's gradient under its statement, then what the unmeasured statements need", () => {
    const section = outcomesSection(
      rowsOf([
        count({ imd_quintile: "1", numerator: 60, denominator: 100 }),
        count({ imd_quintile: "5", numerator: 20, denominator: 100 })
      ])
    )
    const [gradients, unmeasured] = section.tables
    expect(gradients!.rows.find((row) => row["title"] === "A&E attendances per 1,000 residents")).toEqual({
      statement: "I am able to access safe and high quality services when I need them",
      title: "A&E attendances per 1,000 residents",
      unit: "per 1,000",
      most_deprived: 600,
      least_deprived: 200,
      ratio: 3
    })
    expect(unmeasured!.rows.map((row) => row["statement"])).toContain("I have a good level of happiness and wellbeing")
    // Without the LSOA reference file, the clean-air indicator is listed as not measured.
    expect(unmeasured!.rows).toContainEqual(
      expect.objectContaining({ statement: "I am able to breathe cleaner air", title: expect.stringMatching(/PM2.5/) })
    )
    expect(gradients!.rows.length + unmeasured!.rows.length).toBeGreaterThanOrEqual(17)
  })
})
