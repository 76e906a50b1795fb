/**
 * What workstreams receive: the complex-cohort lists, the changes since the
 * last run, the disclosure-controlled summary, the shadow budget, the BCF
 * metrics; all spreadsheet-safe; and `wsd rules`.
 */
import { createHash, createHmac } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import { beforeAll, describe, expect, it } from "vitest"
import { copyOfFixtures, newKey, repoRoot, runFixtures, tempDir, wsd } from "./wsdCommand.js"

const personas = new Map(
  (
    parse(fs.readFileSync(path.join(repoRoot, "fixtures", "personas.csv")), { columns: true }) as Array<{
      persona: string
      nhs_number: string
    }>
  ).map((p) => [p.persona, p.nhs_number])
)
const readCsv = (file: string) => parse(fs.readFileSync(file), { columns: true }) as Array<Record<string, string>>

describe("published outputs", () => {
  let dir: string
  let out: string
  let keyFile: string
  let inbox: string
  const idOf = (persona: string) => {
    const key = Buffer.from(fs.readFileSync(keyFile, "utf8").trim(), "hex")
    return createHmac("sha256", key)
      .update(`nhs_number:${personas.get(persona)}`)
      .digest("hex")
      .slice(0, 32)
  }

  beforeAll(() => {
    dir = tempDir("outputs")
    keyFile = newKey(dir)
    out = path.join(dir, "out")
    inbox = copyOfFixtures(dir)
    // A partner's formula-like text must reach no spreadsheet as a formula.
    const practices = path.join(inbox, "practices.csv")
    fs.writeFileSync(
      practices,
      fs.readFileSync(practices, "utf8").replace("Whitechapel PCN", '"=HYPERLINK(""http://evil"",""x"")"')
    )
    expect(runFixtures({ out, keyFile, inbox }).status).toBe(0)
  })

  it("writes the borough-wide complex-cohort list ranked by risk, person_id first", () => {
    const all = readCsv(path.join(out, "complex-cohort", "all.csv"))
    expect(Object.keys(all[0]!)[0]).toBe("person_id")
    expect(all.map((row) => Number(row["rank"]))).toEqual([1, 2, 3, 4])
    const risks = all.map((row) => Number(row["risk_score"]))
    expect(risks).toEqual([...risks].sort((a, b) => b - a))
    const joan = all.find((row) => row["person_id"] === idOf("joan"))
    expect(joan).toMatchObject({
      practice_code: "F84003",
      reasons: "complex_ltc",
      ltcs: "copd;depression",
      ae_attendances: "6",
      lives_alone: "1"
    })
  })

  it("writes one list per practice, with the practice's own ranks", () => {
    const files = fs.readdirSync(path.join(out, "complex-cohort")).sort()
    expect(files).toEqual(["F84003.csv", "F84004.csv", "F84005.csv", "F84006.csv", "all.csv"])
    const bow = readCsv(path.join(out, "complex-cohort", "F84005.csv"))
    expect(bow.map((row) => row["rank"])).toEqual(["1", "2"])
    const mileEnd = readCsv(path.join(out, "complex-cohort", "F84004.csv"))
    expect(mileEnd).toHaveLength(1)
    expect(mileEnd[0]).toMatchObject({
      person_id: idOf("pete"),
      housing_tenure: "sheltered",
      notice_served: "1",
      reasons: "complex_ltc"
    })
  })

  it("neutralises formula-like text in every CSV", () => {
    const text = fs.readFileSync(path.join(out, "complex-cohort", "F84003.csv"), "utf8")
    expect(text).toContain("'=HYPERLINK")
    expect(text).not.toMatch(/(^|,)"?=HYPERLINK/m)
  })

  it("publishes a disclosure-controlled cohort summary covering every cell", () => {
    const summary = readCsv(path.join(out, "cohort-summary.csv"))
    // segments × age bands × sexes × 3 localities × 10 deciles and unknown
    expect(summary).toHaveLength(3 * 18 * 4 * 3 * 11)
    for (const row of summary) {
      if (row["suppressed"] === "Y") expect(row["residents"]).toBe("")
      else expect(Number(row["residents"]) % 5).toBe(0)
    }
    // The fixtures' residents are few, so every populated cell is suppressed and marked.
    expect(summary.filter((row) => row["suppressed"] === "Y").length).toBeGreaterThan(10)
  })

  it("publishes the shadow budget and BCF metrics without small numbers", () => {
    const budget = readCsv(path.join(out, "shadow-budget.csv"))
    expect(budget.map((row) => `${row["segment"]}/${row["service_line"]}`)).toContain("PI/adult_social_care")
    for (const row of budget) if (row["suppressed"] === "Y") expect(row["cost_gbp"]).toBe("")
    const bcf = readCsv(path.join(out, "bcf-metrics.csv"))
    expect(bcf.map((row) => row["metric"])).toEqual([
      "non_elective_admissions_per_100000",
      "permanent_care_home_admissions_65_plus_per_100000",
      "still_at_home_91_days_after_reablement_65_plus_percent"
    ])
  })

  it("records every output with its hash and recipient in lineage", () => {
    // The state area's chain, whose figures are exact; the release's copy controls them.
    const lastRun = (file: string) => JSON.parse(fs.readFileSync(file, "utf8").trim().split("\n").at(-1)!).run
    const published = lastRun(path.join(out, "lineage", "chain.jsonl"))
    const outputs = lastRun(path.join(path.dirname(out), ".out.wsd", "lineage", "chain.jsonl")).outputs as Array<{
      path: string
      sha256: string
      recipient: string
      rows: number | null
    }>
    expect(outputs.map((o) => o.path)).toEqual(
      expect.arrayContaining([
        "warehouse.sqlite",
        "complex-cohort/all.csv",
        "complex-cohort/F84003.csv",
        "cohort-summary.csv",
        "shadow-budget.csv",
        "bcf-metrics.csv"
      ])
    )
    const all = outputs.find((o) => o.path === "complex-cohort/all.csv")!
    expect(all.rows).toBe(4)
    expect(all.recipient).toContain("Promoting Independence")
    expect(published.outputs.find((o: { path: string }) => o.path === "complex-cohort/all.csv")).toEqual({
      ...all,
      rows: "[suppressed]"
    })
  })

  it("fingerprints the outcomes framework file in lineage, as wsd lineage show prints it", () => {
    const sha256 = createHash("sha256")
      .update(fs.readFileSync(path.join(repoRoot, "rules", "outcomes-v1.json")))
      .digest("hex")
    const runId = fs.readdirSync(path.join(out, "lineage", "runs"))[0]!.replace(/\.json$/, "")
    const entry = JSON.parse(fs.readFileSync(path.join(out, "lineage", "runs", `${runId}.json`), "utf8")) as {
      run: { outcomes_version: string; rules_files: Array<{ file: string; sha256: string }> }
    }
    expect(entry.run.outcomes_version).toBe("outcomes-v1")
    expect(entry.run.rules_files).toContainEqual({ file: "rules/outcomes-v1.json", sha256 })
    const shown = wsd("lineage", "show", "--out", out, runId)
    expect(shown.status).toBe(0)
    expect(shown.stdout).toContain("; outcomes outcomes-v1")
    expect(shown.stdout).toContain(`rules file rules/outcomes-v1.json, SHA-256 ${sha256}`)
  })

  it("records a night without lsoa_environment.csv as missing, and its indicators as not measured", () => {
    const night = copyOfFixtures(tempDir("outputs-no-environment"))
    fs.rmSync(path.join(night, "lsoa_environment.csv"))
    const without = path.join(path.dirname(night), "out")
    expect(runFixtures({ out: without, keyFile, inbox: night }).status).toBe(0)
    const runId = fs.readdirSync(path.join(without, "lineage", "runs"))[0]!.replace(/\.json$/, "")
    const entry = JSON.parse(fs.readFileSync(path.join(without, "lineage", "runs", `${runId}.json`), "utf8")) as {
      run: { inputs: Array<{ source: string; status: string; required: boolean }> }
    }
    expect(entry.run.inputs.find((input) => input.source === "lsoa_environment")).toMatchObject({
      status: "missing",
      required: false
    })
    const rows = readCsv(path.join(without, "outcomes.csv"))
    for (const indicator of ["poor_air_quality", "high_crime_area"]) {
      expect(rows.filter((row) => row["indicator"] === indicator)).toEqual([
        expect.objectContaining({
          dimension: "",
          numerator: "",
          rate: "",
          note: "not measured this run: needs lsoa_environment.csv in the inbox, absent or empty"
        })
      ])
    }
    expect(fs.readFileSync(path.join(without, "report.html"), "utf8")).toContain(
      "not measured this run: needs lsoa_environment.csv in the inbox"
    )
  })

  it("publishes outcomes.csv: every statement, each indicator by every dimension, disclosure-controlled", () => {
    const framework = JSON.parse(fs.readFileSync(path.join(repoRoot, "rules", "outcomes-v1.json"), "utf8")) as {
      statements: Array<{ id: string; indicators?: Array<{ id: string; per: number }>; notMeasurable?: string }>
    }
    const rows = readCsv(path.join(out, "outcomes.csv"))
    expect(Object.keys(rows[0]!)).toEqual([
      "domain",
      "statement_id",
      "statement",
      "indicator",
      "title",
      "dimension",
      "group",
      "numerator",
      "denominator",
      "rate",
      "per",
      "suppressed",
      "note"
    ])
    expect([...new Set(rows.map((row) => row["statement_id"]))]).toEqual(framework.statements.map((s) => s.id))
    for (const statement of framework.statements) {
      const ofStatement = rows.filter((row) => row["statement_id"] === statement.id)
      if (statement.notMeasurable !== undefined) {
        expect(ofStatement).toHaveLength(1)
        expect(ofStatement[0]!["note"]).toMatch(/^not measurable from these extracts.*: needs /)
        expect(ofStatement[0]!["indicator"]).toBe("")
        continue
      }
      expect(statement.indicators!.length).toBeGreaterThan(0)
      for (const indicator of statement.indicators!) {
        const ofIndicator = ofStatement.filter((row) => row["indicator"] === indicator.id)
        expect(new Set(ofIndicator.map((row) => row["dimension"]))).toEqual(
          new Set(["all", "segment", "deprivation_quintile", "ethnic_group", "locality"])
        )
        expect(ofIndicator.filter((row) => row["dimension"] === "segment").map((row) => row["group"])).toEqual([
          "BWGW",
          "LW",
          "PI"
        ])
        for (const row of ofIndicator) expect(row["per"]).toBe(String(indicator.per))
      }
    }
    // With lsoa_environment.csv in the inbox (the fixtures carry one), the clean-air and safety indicators are measured.
    for (const indicator of ["poor_air_quality", "high_crime_area"]) {
      const all = rows.find((row) => row["indicator"] === indicator && row["dimension"] === "all")
      expect(all, indicator).toBeDefined()
      expect(all!["note"]).toBe("")
      // Residents whose postcode the LSOA lookup covers: 12 of the 28, published as 10.
      expect(all!["denominator"]).toBe("10")
    }
    const measured = rows.filter((row) => row["indicator"] !== "")
    for (const row of measured) {
      for (const count of [row["numerator"], row["denominator"]]) {
        if (count === "") continue
        const value = Number(count)
        // 0 stays 0; nothing from 1 to 7; everything else a multiple of 5.
        expect(value === 0 || (value >= 8 && value % 5 === 0), `${row["indicator"]} ${row["group"]}: ${count}`).toBe(
          true
        )
      }
      const hidden = row["numerator"] === "" || row["denominator"] === ""
      expect(row["suppressed"]).toBe(hidden ? "Y" : "N")
      if (hidden || Number(row["denominator"]) === 0) expect(row["rate"]).toBe("")
    }
    // 28 residents: the all-residents denominator shows as 30, the rate from the controlled counts.
    const gp = measured.find((row) => row["indicator"] === "gp_use" && row["dimension"] === "all")!
    expect(gp["denominator"]).toBe("30")
    expect(Number(gp["rate"])).toBeCloseTo((Number(gp["numerator"]) / 30) * 100, -1)
    expect(measured.some((row) => row["suppressed"] === "Y")).toBe(true)
    const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")) as unknown
    expect(JSON.stringify(manifest)).toContain("outcomes.csv")
  })

  it("lists who joined, left or changed reasons since the previous publication", () => {
    // Next night Joan's A&E attendances are gone from the extract: she leaves the cohort.
    const acute = path.join(inbox, "acute_activity.csv")
    const joanNhs = personas.get("joan")!
    fs.writeFileSync(
      acute,
      fs
        .readFileSync(acute, "utf8")
        .split("\r\n")
        .filter((line) => !line.startsWith(joanNhs))
        .join("\r\n")
    )
    // A fifth of a handful of fixture rows is more than the volume guard lets pass undeclared.
    const next = runFixtures({ out, keyFile, inbox }, "--accept-volume-change", "acute_activity")
    expect(next.status, next.stderr).toBe(0)
    const changes = readCsv(path.join(out, "complex-cohort", "changes.csv"))
    expect(changes).toEqual([
      { person_id: idOf("joan"), change: "left", practice_code: "F84003", previous_reasons: "complex_ltc", reasons: "" }
    ])
  })
})

describe("the changes after --rotate-key", () => {
  it("say the key was rotated and list no one, and no file pairs an old pseudonym with its new one", () => {
    const dir = tempDir("rotated-changes")
    const out = path.join(dir, "out")
    expect(runFixtures({ out, keyFile: newKey(dir) }).status).toBe(0)
    const idsOf = () => readCsv(path.join(out, "complex-cohort", "all.csv")).map((row) => row["person_id"]!)
    const oldIds = idsOf()
    const rotated = runFixtures({ out, keyFile: newKey(dir, "new-key") }, "--rotate-key")
    expect(rotated.status, rotated.stderr).toBe(0)
    const newIds = idsOf()
    expect(oldIds.length).toBeGreaterThan(0)
    expect(newIds.filter((id) => oldIds.includes(id))).toEqual([])
    expect(readCsv(path.join(out, "complex-cohort", "changes.csv"))).toEqual([
      { person_id: "", change: "key_rotated", practice_code: "", previous_reasons: "", reasons: "" }
    ])
    // Every file either run left, published or in the state area, the warehouse as bytes.
    const files = (fs.readdirSync(dir, { recursive: true, encoding: "utf8" }) as Array<string>)
      .map((file) => path.join(dir, file))
      .filter((file) => fs.lstatSync(file).isFile())
    expect(files.some((file) => file.endsWith("changes.csv"))).toBe(true)
    for (const file of files) {
      const text = fs.readFileSync(file, "latin1")
      const pairs = oldIds.some((id) => text.includes(id)) && newIds.some((id) => text.includes(id))
      expect(pairs, file).toBe(false)
    }
  })
})

describe("wsd rules", () => {
  it("prints the rules as a table: segment, criterion, codelist or field, threshold", () => {
    const result = wsd("rules")
    expect(result.status).toBe(0)
    expect(result.stdout).toContain("segmentation-v1")
    expect(result.stdout).toMatch(
      /2\. PI\s+complex_ltc\s+.*2\+ LTCs and \(2\+ non-elective admissions or 4\+ A&E attendances\)/
    )
    expect(result.stdout).toMatch(/2\. PI\s+dementia\s+nhsd-primary-care-domain-refsets-dem_cod\.csv/)
    expect(result.stdout).toContain("up to 12%")
  })

  it("prints the outcomes framework: every statement with its indicators or why it is not measurable", () => {
    const framework = JSON.parse(fs.readFileSync(path.join(repoRoot, "rules", "outcomes-v1.json"), "utf8")) as {
      statements: Array<{ id: string; statement: string; indicators?: Array<{ id: string }>; notMeasurable?: string }>
    }
    const printed = wsd("rules").stdout
    expect(printed).toContain("outcomes outcomes-v1 (17 statements")
    expect(framework.statements).toHaveLength(17)
    for (const statement of framework.statements) {
      expect(printed).toContain(`${statement.id}  ${statement.statement}`)
      for (const indicator of statement.indicators ?? []) expect(printed).toContain(`        ${indicator.id} (`)
      if (statement.notMeasurable !== undefined) expect(printed).toContain(statement.notMeasurable)
    }
    expect(printed).toMatch(/universal_credit \(%\): .*\n {10}numerator: {3}residents on a current claim/)
  })

  it("is the table docs/segmentation.md shows, then the framework docs/outcomes.md shows", () => {
    const block = (doc: string, marker: string) =>
      new RegExp(`<!-- ${marker}: begin -->\\s*\`\`\`text\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${marker}: end -->`).exec(
        fs.readFileSync(path.join(repoRoot, "docs", doc), "utf8")
      )?.[1]
    const rules = block("segmentation.md", "wsd rules")
    const outcomes = block("outcomes.md", "wsd rules outcomes")
    expect(
      rules,
      "docs/segmentation.md: paste the rules table of `npx wsd rules` between the wsd rules markers"
    ).toBeDefined()
    expect(outcomes, "docs/outcomes.md: paste the framework of `npx wsd rules` between its markers").toBeDefined()
    expect(`${rules}\n${outcomes}`).toBe(wsd("rules").stdout)
  })
})
