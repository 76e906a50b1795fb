/**
 * The run report in every publication: recorded in lineage and verified like
 * any output, figures controlled as the cohort summary is, the previous run's
 * figures compared, and the same bytes for the same night apart from the
 * run's own id and start time.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { SEGMENT_CODES } from "../../schemas/segments.js"
import { beforeAll, describe, expect, it } from "vitest"
import { copyOfFixtures, newKey, openWarehouse, runFixtures, tempDir, wsd } from "./wsdCommand.js"

const runIdOf = (out: string) => fs.readdirSync(path.join(out, "lineage", "runs"))[0]!.replace(/\.json$/, "")
const lineageOf = (out: string) =>
  JSON.parse(fs.readFileSync(path.join(out, "lineage", "runs", `${runIdOf(out)}.json`), "utf8")) as {
    run: RunIdentity & { outputs: Array<{ path: string; sha256: string; recipient: string }> }
  }
interface RunIdentity {
  readonly run_id: string
  readonly started_at: string
}
/** The report but for the run's id, start time and stage timings, which differ from run to run. */
const withoutRunIdentity = (report: string, run: RunIdentity) =>
  report
    .replaceAll(run.run_id, "RUN")
    .replaceAll(run.started_at, "STARTED")
    .replace(/<section id="stage-timings".*?<\/section>/s, "TIMINGS")
const reportOf = (out: string) => fs.readFileSync(path.join(out, "report.html"), "utf8")
const figuresOf = (out: string) =>
  JSON.parse(fs.readFileSync(path.join(out, "report-figures.json"), "utf8")) as {
    run: { run_id: string }
    residents: number | null
    segments: Array<{ segment: string; residents: number | null }>
  }

describe("the run report", () => {
  let dir: string
  let keyFile: string
  let first: string
  let firstReport: string
  let firstRunId: string
  let firstRun: RunIdentity
  let out: string

  beforeAll(() => {
    dir = tempDir("report")
    keyFile = newKey(dir)
    out = path.join(dir, "out")
    expect(runFixtures({ out, keyFile }).status).toBe(0)
    first = fs.realpathSync(out)
    firstReport = reportOf(out)
    firstRunId = runIdOf(out)
    firstRun = lineageOf(out).run
  })

  it("is published with its figures, both recorded in lineage like every output", () => {
    const outputs = lineageOf(out).run.outputs
    for (const file of ["report.html", "report-figures.json"]) {
      const recorded = outputs.find((output) => output.path === file)
      expect(recorded, file).toBeDefined()
      expect(recorded!.sha256).toMatch(/^[0-9a-f]{64}$/)
      expect(fs.statSync(path.join(out, file)).mode & 0o777).toBe(0o640)
    }
    expect(reportOf(out)).toContain(`<dd>${firstRunId}</dd>`)
  })

  it("publishes residents per segment as cohort-summary.csv controls them", () => {
    const db = openWarehouse(out)
    const sizes = db.prepare("select segment, count(*) as n from segment_membership group by segment").all() as Array<{
      segment: string
      n: number
    }>
    db.close()
    // The fixtures' segments hold 7, 17 and 4 residents: 1–7 suppressed, and 17 too, since shown
    // beside the residents it would let the suppressed cells of its pyramid be worked out.
    expect(Object.fromEntries(sizes.map((row) => [row.segment, row.n]))).toEqual({ BWGW: 7, LW: 17, PI: 4 })
    expect(figuresOf(out).segments).toEqual([
      { segment: "BWGW", residents: null },
      { segment: "LW", residents: null },
      { segment: "PI", residents: null }
    ])
    // The lineage copy hides the 28 residents (beside 30 people, its three statuses of 1 would show),
    // so the report hides them too: shown as 30 here, they would give the copy's back.
    expect(figuresOf(out).residents).toBeNull()
    expect(firstReport).toContain('<th scope="row">Living Well</th><td class="number">suppressed</td>')
    expect(firstReport).toContain('<th scope="row">Promoting Independence</th><td class="number">suppressed</td>')
  })

  it("shows the outcomes framework's gradient, most against least deprived, as outcomes.csv has it", () => {
    const section = /<section id="outcomes"[\s\S]*?<\/section>/.exec(firstReport)?.[0]
    expect(section, "the outcomes section").toBeDefined()
    expect(section).toContain("Outcomes framework: the deprivation gradient")
    const csv = fs.readFileSync(path.join(out, "outcomes.csv"), "utf8").split("\r\n")
    // A&E use shows in the table under its statement; the fixtures' quintiles are too small, so n/a.
    const aeLine = csv.find((line) => line.includes(",ae_attendances,") && line.includes(",deprivation_quintile,1,"))!
    expect(aeLine.split(",").at(-4)).toBe("")
    expect(section).toMatch(
      /<th scope="row">I am able to access safe and high quality services when I need them<\/th><td>A&#38;E attendances per 1,000 residents<\/td><td>per 1,000<\/td><td class="number">n\/a<\/td>/
    )
    // Survey-only statements are listed with what would measure them.
    expect(section).toContain("I have a good level of happiness and wellbeing")
    expect(section).toContain("needs the ONS personal wellbeing questions")
  })

  it("is covered by wsd lineage verify", () => {
    const copy = path.join(tempDir("report-tamper"), "out")
    fs.cpSync(first, copy, { recursive: true })
    expect(wsd("lineage", "verify", "--out", copy).status).toBe(0)
    fs.writeFileSync(path.join(copy, "report.html"), firstReport.replace("Living Well", "Living Poorly"))
    const verify = wsd("lineage", "verify", "--out", copy)
    expect(verify.status).toBe(1)
    expect(verify.lastLine).toContain("published file report.html has changed")
  })

  it("logs no warning from drawing its charts", () => {
    const log = fs.readFileSync(path.join(out, "logs", `${firstRunId}.jsonl`), "utf8")
    expect(log).toContain('"stage":"report"')
    expect(log).not.toContain("report chart warning")
  })

  it("lists the run's warnings first, with the command to see the quarantined rows", () => {
    const warnings = firstReport.slice(
      firstReport.indexOf('<section id="warnings"'),
      firstReport.indexOf("</section>", firstReport.indexOf('<section id="warnings"'))
    )
    expect(firstReport.indexOf('<section id="warnings"')).toBeLessThan(firstReport.indexOf('<section id="residents"'))
    expect(warnings).toContain("<details open>")
    // gp_events loses one row to quarantine in the fixtures: the count suppressed, the next action a command.
    expect(warnings).toContain(
      "<td>[suppressed] of 40 rows quarantined</td><td>wsd quarantine list --out OUT --source gp_events --csv FILE"
    )
    expect(warnings).toContain("people have registrations giving two dates of birth")
    expect(JSON.parse(fs.readFileSync(path.join(out, "report-figures.json"), "utf8")).warnings).toContainEqual({
      source: "gp_events",
      warning: "columns the contract does not name were ignored: entered_by",
      next_action: "ask the partner to drop them, or to rename them as the contract names them",
      doc: "docs/extracts.md#file-rules"
    })
  })

  it("warns of a missing optional source and a stale extract, each with its next action", () => {
    const night = tempDir("report-warnings")
    const inbox = copyOfFixtures(night)
    fs.rmSync(path.join(inbox, "education.csv"))
    const config = path.join(night, "wsd.json")
    fs.writeFileSync(config, JSON.stringify({ extractDates: { gp_events: "2026-11-15" } }))
    const warnedOut = path.join(night, "out")
    expect(runFixtures({ out: warnedOut, keyFile, inbox }, "--config", config).status).toBe(0)
    const warnings = (
      JSON.parse(fs.readFileSync(path.join(warnedOut, "report-figures.json"), "utf8")) as {
        warnings: Array<{ source: string | null; warning: string; next_action: string }>
      }
    ).warnings
    expect(warnings).toContainEqual(
      expect.objectContaining({
        source: "education",
        warning: "education.csv was not in the inbox; its figures are missing from this publication"
      })
    )
    expect(warnings).toContainEqual(
      expect.objectContaining({
        source: "gp_events",
        warning: "extract taken 2026-11-15, 5 days before the as-of date (warning after 3)",
        next_action: "ask the partner for a current gp_events.csv, or correct extractDates in the configuration"
      })
    )
    expect(reportOf(warnedOut)).toContain(
      "<td>education.csv was not in the inbox; its figures are missing from this publication</td>"
    )
  })

  it("gives each source's completeness and records per month, controlled, and the run's stage timings", () => {
    const figures = JSON.parse(fs.readFileSync(path.join(out, "report-figures.json"), "utf8")) as {
      completeness: Array<{ source: string; field: string; rows: number | null; non_null: number | null }>
      records_per_month: Array<{ source: string; month: string; records: number | null }>
    }
    const db = openWarehouse(out)
    const events = db.prepare("select count(*) as n, count(value) as v from gp_event").get() as { n: number; v: number }
    const september = db
      .prepare("select count(*) as n from gp_event where substr(event_date, 1, 7) = '2026-09'")
      .get() as { n: number }
    db.close()
    expect(events).toEqual({ n: 39, v: 2 })
    expect(figures.completeness).toContainEqual({
      source: "gp_events",
      field: "snomed_code",
      rows: 40,
      non_null: 40,
      percent: 100
    })
    expect(figures.completeness).toContainEqual({
      source: "gp_events",
      field: "value",
      rows: 40,
      non_null: null,
      percent: null
    })
    expect(september.n).toBe(9)
    expect(figures.records_per_month).toContainEqual({ source: "gp_events", month: "2026-09", records: 10 })
    // Every month of the 365-day window, for each of the eight record sources.
    expect(figures.records_per_month).toHaveLength(8 * 13)
    const lineageStages = lineageOf(out).run as unknown as { stages: Array<{ stage: string }> }
    const timings = firstReport.slice(firstReport.indexOf('<section id="stage-timings"'))
    for (const { stage } of lineageStages.stages.filter((row) => !["outputs", "report"].includes(row.stage)))
      expect(timings).toContain(`<th scope="row">${stage}</th>`)
  })

  it("compares the next run's figures with this one's", () => {
    expect(firstReport).toContain("this is the first run here")
    expect(runFixtures({ out, keyFile }).status).toBe(0)
    const second = reportOf(out)
    expect(second).toContain(`Compared with run ${firstRunId}`)
    expect(second).toContain("<caption>Headline figures, previous run and this one</caption>")
    expect(second).toMatch(
      /<th scope="row">Residents<\/th><td class="number">suppressed<\/td><td class="number">suppressed<\/td>/
    )
  })

  it("carries the trend forward run by run, up to the configured number of runs", () => {
    // The second run's figures hold the first; a third run with reportTrendRuns 2 keeps only the second.
    const history = () =>
      JSON.parse(fs.readFileSync(path.join(out, "report-figures.json"), "utf8")) as {
        run: { run_id: string }
        history: Array<{ run_id: string; segments: Array<{ segment: string; residents: number | null }> }>
      }
    expect(history().history.map((point) => point.run_id)).toEqual([firstRunId])
    // The first run's segments as it published them: Living Well's 17 suppressed with its pyramid, Born Well's and
    // Promoting Independence's 7 and 4 with their own counts (docs/governance.md, Margins).
    expect(history().history[0]!.segments).toEqual(SEGMENT_CODES.map((segment) => ({ segment, residents: null })))
    expect(reportOf(out)).toContain("Trend over the last 2 runs")
    const secondRunId = history().run.run_id
    const config = path.join(dir, "trend.json")
    fs.writeFileSync(config, JSON.stringify({ reportTrendRuns: 2 }))
    expect(runFixtures({ out, keyFile }, "--config", config).status).toBe(0)
    expect(history().history.map((point) => point.run_id)).toEqual([secondRunId])
    expect(reportOf(out)).toContain("Trend over the last 2 runs")
  })

  it("gives the same report for the same night, but for the run's own id and start time", () => {
    const elsewhere = path.join(dir, "elsewhere")
    expect(runFixtures({ out: elsewhere, keyFile }).status).toBe(0)
    const other = reportOf(elsewhere)
    expect(other).not.toBe(firstReport)
    expect(withoutRunIdentity(other, lineageOf(elsewhere).run)).toBe(withoutRunIdentity(firstReport, firstRun))
  })
})
