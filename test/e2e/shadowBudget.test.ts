/**
 * The shadow budget end to end on a synthetic borough: every service's
 * published lines (each segment, died_or_left and unattributed) add up to
 * that service's total worked out straight from the extracts' CSVs (their
 * own costs, and the tariff's price times activity where they send none,
 * the opted-out people's records left out: see ../extractCosts.ts), within
 * the published rounding; and the breakdowns per practice, PCN and
 * locality add up to the borough's lines.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { SERVICE_LINES } from "../../schemas/shadowBudget.js"
import { controlCost } from "../../transforms/disclosureControl.js"
import { COSTED_SOURCES, optedOutRows, serviceTotalsFromExtracts } from "../extractCosts.js"
import { FIXTURE_AS_OF, newKey, openWarehouse, repoRoot, tempDir, wsd } from "./wsdCommand.js"

type CsvRow = Record<string, string>

/** The unit `controlCost` rounds a cost to. */
const costUnit = (gbp: number) => Math.max(1000, 10 ** (Math.floor(Math.log10(Math.max(Math.abs(gbp), 1))) - 1))

describe("the shadow budget on a synthetic borough", () => {
  const dir = tempDir("budget")
  const inbox = path.join(dir, "inbox")
  const out = path.join(dir, "out")
  let published: { borough: Array<CsvRow>; areas: Array<CsvRow> }
  let exact: Array<Record<string, unknown>>
  let practices: Array<{ practice_code: string; pcn: string; locality: string }>
  /** Residents per segment and practice, exact, from the warehouse. */
  let segmentResidents: Array<{ segment: string; practice_code: string; residents: number }>
  /** Each service's total cost, from the CSVs alone. */
  let extractTotals: Map<string, number>

  beforeAll(() => {
    expect(wsd("synth", "--residents", "3000", "--seed", "11", "--out", inbox, "--as-of", FIXTURE_AS_OF).status).toBe(0)
    const run = wsd(
      "run",
      "--inbox",
      inbox,
      "--out",
      out,
      "--key-file",
      newKey(dir),
      "--as-of",
      FIXTURE_AS_OF,
      "--quiet"
    )
    expect(run.status, run.stderr).toBe(0)
    const read = (file: string) => parse(fs.readFileSync(file, "utf8"), { columns: true }) as Array<CsvRow>
    published = {
      borough: read(path.join(out, "shadow-budget.csv")),
      areas: read(path.join(out, "shadow-budget-by-area.csv"))
    }
    const db = openWarehouse(out)
    exact = db
      .prepare(fs.readFileSync(path.join(repoRoot, "sql", "outputs", "shadow_budget.sql"), "utf8"))
      .all() as Array<Record<string, unknown>>
    practices = db.prepare("select practice_code, pcn, locality from practice").all() as typeof practices
    segmentResidents = db
      .prepare(
        `select m.segment, p.practice_code, count(*) as residents
         from segment_membership m join person p on p.person_id = m.person_id
         group by m.segment, p.practice_code`
      )
      .all() as typeof segmentResidents
    db.close()

    const quarantineOf = (source: string) => {
      const file = path.join(dir, `${source}-quarantine.csv`)
      expect(wsd("quarantine", "list", "--out", out, "--source", source, "--csv", file).status).toBe(0)
      return read(file).map((row) => `${source}:${row["row"]}`)
    }
    const excluded = optedOutRows(inbox)
    // Opted-out people have records to leave out, by NHS number (GP events) and by the truth alone (housing).
    const withOptedOut = COSTED_SOURCES.filter((source) =>
      read(path.join(inbox, `${source}.csv`)).some((row, i) => excluded(source, i + 2, row))
    )
    expect(withOptedOut).toEqual(expect.arrayContaining(["gp_events", "housing"]))
    extractTotals = serviceTotalsFromExtracts({
      inbox,
      asOf: FIXTURE_AS_OF,
      tariffFile: path.join(repoRoot, "rules", "tariff-v1.json"),
      quarantined: new Set(COSTED_SOURCES.flatMap(quarantineOf)),
      excluded
    })
  }, 120_000)

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it("adds every service's lines, attributed and unattributed, up to its total cost in the extracts", () => {
    for (const line of SERVICE_LINES) {
      const lines = exact.filter((row) => row["service_line"] === line)
      const sum = lines.reduce((total, row) => total + Number(row["cost_gbp"]), 0)
      expect(sum, line).toBeCloseTo(extractTotals.get(line) ?? 0, 2)
    }
    // Every service costs something on this borough, and some of it reached no resident.
    for (const line of SERVICE_LINES.filter((line) => line !== "acute_other_admitted")) {
      expect(extractTotals.get(line) ?? 0, line).toBeGreaterThan(0)
    }
    expect(exact.some((row) => row["segment"] === "unattributed" && Number(row["cost_gbp"]) > 0)).toBe(true)
  })

  it("publishes lines that add up to each service's extract total within their rounding", () => {
    for (const line of SERVICE_LINES) {
      const lines = published.borough.filter((row) => row["service_line"] === line)
      const exactCost = (segment: string) =>
        exact
          .filter((row) => row["service_line"] === line && row["segment"] === segment)
          .reduce((total, row) => total + Number(row["cost_gbp"]), 0)
      // A suppressed line shows no cost: it counts at its exact cost, known to the secure area only.
      const shown = lines.reduce(
        (total, row) => total + (row["suppressed"] === "Y" ? exactCost(row["segment"]!) : Number(row["cost_gbp"])),
        0
      )
      // Each shown cost is its exact cost rounded by at most half its unit: £500, or half of two significant figures.
      const halfUnits = lines
        .filter((row) => row["suppressed"] === "N")
        .reduce((total, row) => total + costUnit(exactCost(row["segment"]!)) / 2, 0)
      expect(Math.abs(shown - (extractTotals.get(line) ?? 0)), line).toBeLessThanOrEqual(halfUnits + 0.01)
    }
  })

  it("shows every segment × service line, zero lines included, and a per-head cost from the shown figures", () => {
    expect(published.borough).toHaveLength(5 * SERVICE_LINES.length)
    const pi = published.borough.find((row) => row["segment"] === "PI" && row["service_line"] === "adult_social_care")!
    expect(pi["suppressed"]).toBe("N")
    expect(Number(pi["cost_per_head_gbp"])).toBe(Math.round(Number(pi["cost_gbp"]) / Number(pi["residents"])))
    for (const row of published.borough.filter((row) => row["segment"] === "unattributed")) {
      expect([row["residents"], row["cost_per_head_gbp"]]).toEqual(["", ""])
    }
  })

  it("breaks every line down per practice, PCN and locality: each shown figure its area's exact one, controlled", () => {
    const areasOf = new Map(practices.map((practice) => [practice.practice_code, practice]))
    const exactOf = (geography: string, area: string, segment: string, line: string) =>
      exact
        .filter((row) => {
          const practice = areasOf.get(String(row["practice_code"]))
          return (
            practice !== undefined &&
            practice[geography === "pcn" ? "pcn" : geography === "locality" ? "locality" : "practice_code"] === area &&
            row["segment"] === segment &&
            row["service_line"] === line
          )
        })
        .reduce<{ people: number; cost: number }>(
          (total, row) => ({
            people: total.people + Number(row["people"]),
            cost: total.cost + Number(row["cost_gbp"])
          }),
          {
            people: 0,
            cost: 0
          }
        )
    const levels = { practice: practices.length, pcn: 7, locality: 4 }
    for (const [geography, areas] of Object.entries(levels)) {
      const rows = published.areas.filter((row) => row["geography"] === geography)
      // Every area × the three segments and died_or_left × every service line, zero lines included.
      expect(rows, geography).toHaveLength(areas * 4 * SERVICE_LINES.length)
      for (const row of rows.filter((row) => row["suppressed"] === "N")) {
        const { people, cost } = exactOf(geography, row["area"]!, row["segment"]!, row["service_line"]!)
        expect([Number(row["people"]), Number(row["cost_gbp"])], JSON.stringify(row)).toEqual([
          Math.round(people / 5) * 5,
          controlCost(cost)
        ])
      }
    }
    expect(published.areas.filter((row) => row["suppressed"] === "N" && row["people"] !== "0").length).toBeGreaterThan(
      100
    )
  })

  it("divides each area's shown cost by its segment's shown residents there, the same on every line", () => {
    const areaOf = (practice: string, geography: string) => {
      const at = practices.find((candidate) => candidate.practice_code === practice)!
      return geography === "pcn" ? at.pcn : geography === "locality" ? at.locality : at.practice_code
    }
    const exactResidents = (geography: string, area: string, segment: string) =>
      segmentResidents
        .filter((row) => row.segment === segment && areaOf(row.practice_code, geography) === area)
        .reduce((total, row) => total + Number(row.residents), 0)
    const shownPerArea = new Map<string, string>()
    let withPerHead = 0
    for (const row of published.areas) {
      if (row["segment"] === "died_or_left") {
        expect([row["residents"], row["cost_per_head_gbp"]]).toEqual(["", ""])
        continue
      }
      const area = `${row["geography"]} ${row["area"]} ${row["segment"]}`
      // One controlled count per segment and area, whichever line shows it.
      expect(shownPerArea.get(area) ?? row["residents"], area).toBe(row["residents"])
      shownPerArea.set(area, row["residents"]!)
      if (row["residents"] === "") continue
      const exact = exactResidents(row["geography"]!, row["area"]!, row["segment"]!)
      expect(Number(row["residents"]), area).toBe(Math.round(exact / 5) * 5)
      expect(exact === 0 || exact >= 8, area).toBe(true)
      if (row["cost_gbp"] === "" || Number(row["residents"]) === 0) expect(row["cost_per_head_gbp"]).toBe("")
      else {
        expect(Number(row["cost_per_head_gbp"]), area).toBe(
          Math.round(Number(row["cost_gbp"]) / Number(row["residents"]))
        )
        withPerHead++
      }
    }
    // Every practice's Living Well residents are many enough to show, so every practice has per-head figures.
    for (const practice of practices) {
      expect(shownPerArea.get(`practice ${practice.practice_code} LW`), practice.practice_code).not.toBe("")
    }
    expect(withPerHead).toBeGreaterThan(100)
  })

  it("never shows a cost where the people count is suppressed, nor a margin that gives one back", () => {
    for (const row of [...published.borough, ...published.areas]) {
      if (row["suppressed"] === "Y")
        expect([row["people"], row["cost_gbp"], row["cost_per_head_gbp"]]).toEqual(["", "", ""])
      else expect(Number(row["people"]) === 0 || Number(row["people"]) >= 8).toBe(true)
    }
    // Where a borough line is shown, no single practice of it is the only one hidden.
    for (const line of published.borough.filter(
      (row) => row["suppressed"] === "N" && row["segment"] !== "unattributed"
    )) {
      const hidden = published.areas.filter(
        (row) =>
          row["geography"] === "practice" &&
          row["segment"] === line["segment"] &&
          row["service_line"] === line["service_line"] &&
          row["suppressed"] === "Y"
      )
      expect(hidden.length === 0 || hidden.length >= 2, `${line["segment"]} ${line["service_line"]}`).toBe(true)
    }
  })
})
