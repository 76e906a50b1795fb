/**
 * Every file of a release searched for the exact small counts the state
 * area's lineage holds: a release read by the reader group must hold none,
 * in a figure or in free text (a failed run's reason, a log line). Each file
 * of the release is searched as what it is, and a file this test does not
 * know fails it, so a new output is searched as soon as it is published.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import { beforeAll, describe, expect, it } from "vitest"
import { filesOfRelease } from "../../pipelines/services/publication.js"
import { jsonLinesIn, smallCountsIn } from "./smallCounts.js"
import type { PublishedRun } from "../../pipelines/governance/publishedLineage.js"
import { type MarkedCount, SUPPRESSED } from "../../transforms/disclosureControl.js"
import type { ReportFigures } from "../../transforms/reportFigures.js"
import { copyOfFixtures, newKey, runFixtures, tempDir } from "./wsdCommand.js"

/** Aggregate CSVs and their columns of counts: each 0, suppressed (empty) or a multiple of 5 of at least 10. */
const AGGREGATES: Readonly<Record<string, ReadonlyArray<string>>> = {
  "bcf-metrics.csv": ["numerator", "denominator"],
  "cohort-summary.csv": ["residents"],
  "outcomes.csv": ["numerator", "denominator"],
  "shadow-budget.csv": ["people", "residents"],
  "shadow-budget-by-area.csv": ["people", "residents"],
  "transitions-summary.csv": ["residents"]
}

/**
 * Files that are not aggregates: one row per resident, pseudonymised, for the
 * workstream leads (the warehouse, the complex-cohort and transitions lists),
 * whose exact values are what they are for; and the run report, whose every
 * figure is `report-figures.json`'s, searched here (`report.test.ts` reads
 * its tables).
 */
const NOT_AGGREGATES = [
  /^warehouse\.sqlite$/,
  /^complex-cohort\/[^/]+\.csv$/,
  /^transitions\/all\.csv$/,
  /^report\.html$/
]

const isControlledCount = (cell: string) =>
  cell === "" || cell === "0" || (Number(cell) >= 10 && Number(cell) % 5 === 0)

describe("every file of a release", () => {
  let dir: string
  let release: string

  beforeAll(() => {
    dir = tempDir("published-figures")
    const keyFile = newKey(dir)
    const out = path.join(dir, "out")
    expect(runFixtures({ out, keyFile }, "--quiet").status).toBe(0)
    // A night whose gp_events fell to 3 rows fails, its reason quoting the exact counts.
    const inbox = copyOfFixtures(path.join(dir, "short"))
    const events = path.join(inbox, "gp_events.csv")
    fs.writeFileSync(events, `${fs.readFileSync(events, "utf8").split("\n").slice(0, 4).join("\n")}\n`)
    expect(runFixtures({ out, keyFile, inbox }, "--quiet").status).toBe(1)
    expect(runFixtures({ out, keyFile }, "--quiet").status).toBe(0)
    release = fs.realpathSync(out)
  })

  it("holds no exact count of 1–7 that the state area's lineage and log hold, the failed night's reason included", () => {
    const state = path.join(dir, ".out.wsd")
    const exact = jsonLinesIn(fs.readFileSync(path.join(state, "lineage", "chain.jsonl"), "utf8")) as Array<{
      run: { status: string; failure_reason: string | null }
    }>
    // What a search of the state area finds, so that the search below can fail.
    const failed = exact.find((entry) => entry.run.status === "failed")!
    expect(failed.run.failure_reason).toMatch(/gp_events has 3 rows accepted/)
    expect(smallCountsIn(exact).length).toBeGreaterThan(30)
    const stateLogs = fs.readdirSync(path.join(state, "logs"))
    expect(
      stateLogs.flatMap((log) => smallCountsIn(jsonLinesIn(fs.readFileSync(path.join(state, "logs", log), "utf8"))))
        .length
    ).toBeGreaterThan(10)

    const files = filesOfRelease(release)
    expect(files).toEqual(expect.arrayContaining(["lineage/chain.jsonl", expect.stringMatching(/^logs\/.+\.jsonl$/)]))
    const searched: Array<string> = []
    for (const file of files) {
      const text = () => fs.readFileSync(path.join(release, file), "utf8")
      if (file.endsWith(".jsonl")) {
        expect(smallCountsIn(jsonLinesIn(text())), file).toEqual([])
      } else if (file.endsWith(".json")) {
        expect(smallCountsIn(JSON.parse(text())), file).toEqual([])
      } else if (AGGREGATES[file] !== undefined) {
        const rows = parse(text(), { columns: true }) as Array<Record<string, string>>
        expect(rows.length, file).toBeGreaterThan(0)
        for (const column of AGGREGATES[file]) {
          const leaked = rows.map((row) => row[column]!).filter((cell) => !isControlledCount(cell))
          expect(leaked, `${file} ${column}`).toEqual([])
        }
      } else {
        expect(
          NOT_AGGREGATES.some((pattern) => pattern.test(file)),
          `${file} is published but neither searched nor said to be no aggregate`
        ).toBe(true)
        continue
      }
      searched.push(file)
    }
    // The chain's copy, the run's entry, the OpenLineage events, the log, the report's figures, the manifest, the CSVs.
    expect(searched.length).toBeGreaterThanOrEqual(10)
    const chain = jsonLinesIn(fs.readFileSync(path.join(release, "lineage", "chain.jsonl"), "utf8")) as Array<{
      run?: { status: string; failure_reason: string | null }
    }>
    expect(chain.find((entry) => entry.run?.status === "failed")!.run!.failure_reason).toMatch(
      /gp_events has \[suppressed\] rows accepted against 40 in run \S+, a fall of \[share withheld\]/
    )
  })

  it("publishes in report-figures.json the rows, quarantine reasons and linkage outcomes the lineage copy publishes", () => {
    const runs = path.join(release, "lineage", "runs")
    const run = (
      JSON.parse(fs.readFileSync(path.join(runs, fs.readdirSync(runs).sort().at(-1)!), "utf8")) as {
        run: PublishedRun
      }
    ).run
    const figures = JSON.parse(fs.readFileSync(path.join(release, "report-figures.json"), "utf8")) as ReportFigures
    // The report shows a suppressed count as null, the lineage copy as the mark.
    const asReported = (count: MarkedCount | undefined) => (count === SUPPRESSED ? null : count)
    const inputOf = (source: string) => run.inputs.find((input) => input.source === source)!
    expect(figures.quarantine.length).toBeGreaterThan(3)
    for (const row of figures.quarantine) {
      expect(row.rows, `${row.source} ${row.reason}`).toBe(
        asReported(inputOf(row.source).quarantine_reasons[row.reason])
      )
    }
    for (const row of figures.linkage) {
      const outcome = row.outcome.replace(": ", ":")
      expect(row.records, `${row.source} ${outcome}`).toBe(asReported(run.linkage[row.source]![outcome]))
    }
    for (const row of figures.inputs) {
      expect(row.rows_quarantined, row.source).toBe(asReported(inputOf(row.source).rows_quarantined))
    }
  })
})
