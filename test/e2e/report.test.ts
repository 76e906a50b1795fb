/**
 * The run report in every publication: recorded in lineage and verified like
 * any output, figures controlled as the cohort summary is, the previous run's
 * figures compared, and the same bytes for the same night apart from the
 * run's own id and start time.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { newKey, openWarehouse, runFixtures, tempDir, wsd } from "./wsdCommand.js"

const runIdOf = (out: string) => fs.readdirSync(path.join(out, "lineage", "runs"))[0]!.replace(/\.json$/, "")
const lineageOf = (out: string) =>
  JSON.parse(fs.readFileSync(path.join(out, "lineage", "runs", `${runIdOf(out)}.json`), "utf8")) as {
    run: RunIdentity & { outputs: Array<{ path: string; sha256: string; recipient: string }> }
  }
interface RunIdentity {
  readonly run_id: string
  readonly started_at: string
}
const withoutRunIdentity = (report: string, run: RunIdentity) =>
  report.replaceAll(run.run_id, "RUN").replaceAll(run.started_at, "STARTED")
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
    expect(figuresOf(out).residents).toBe(30)
    expect(firstReport).toContain('<th scope="row">Living Well</th><td class="number">suppressed</td>')
    expect(firstReport).toContain('<th scope="row">Promoting Independence</th><td class="number">suppressed</td>')
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

  it("compares the next run's figures with this one's", () => {
    expect(firstReport).toContain("this is the first run here")
    expect(runFixtures({ out, keyFile }).status).toBe(0)
    const second = reportOf(out)
    expect(second).toContain(`Compared with run ${firstRunId}`)
    expect(second).toContain("<caption>Headline figures, previous run and this one</caption>")
    expect(second).toMatch(
      /<th scope="row">Residents<\/th><td class="number">30<\/td><td class="number">30<\/td><td class="number">0<\/td>/
    )
  })

  it("gives the same report for the same night, but for the run's own id and start time", () => {
    const elsewhere = path.join(dir, "elsewhere")
    expect(runFixtures({ out: elsewhere, keyFile }).status).toBe(0)
    const other = reportOf(elsewhere)
    expect(other).not.toBe(firstReport)
    expect(withoutRunIdentity(other, lineageOf(elsewhere).run)).toBe(withoutRunIdentity(firstReport, firstRun))
  })
})
