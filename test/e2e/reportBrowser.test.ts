/**
 * The run report as an analyst sees it: the fixture run's `report.html`
 * opened in headless Chromium (Debian's `chromium` package). Every chart must
 * have drawn, the numbers shown must be the warehouse's, disclosure-controlled,
 * and nothing may be fetched: the file itself is the only request. A
 * screenshot of the whole page is kept in `test-artifacts/report.png`.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { type Browser, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { SEGMENT_CODES, SEGMENT_NAMES } from "../../schemas/segments.js"
import type { RunLineage } from "../../pipelines/governance/lineage.js"
import {
  controlCount,
  DEFAULT_DISCLOSURE_RULES,
  type MarkedCount,
  SUPPRESSED
} from "../../transforms/disclosureControl.js"
import { linkageAxisFrom } from "../../transforms/reportCharts.js"
import type { ReportFigures } from "../../transforms/reportFigures.js"
import { controlRunCounts } from "../../transforms/runCounts.js"
import { newKey, openWarehouse, repoRoot, runFixtures, tempDir } from "./wsdCommand.js"

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((file) => fs.existsSync(file))
const SKIPPED =
  "skipped: no Chromium at /usr/bin/chromium; install Debian's chromium package (.ci/run installs it when absent)"
if (CHROMIUM === undefined) process.stderr.write(`report.html in headless Chromium ${SKIPPED}\n`)

const SCREENSHOT = path.join(repoRoot, "test-artifacts", "report.png")

/** What a count looks like in the report: its controlled value, or "suppressed". */
const shown = (count: number) => {
  const controlled = controlCount(count)
  return controlled.suppressed ? "suppressed" : controlled.count.toLocaleString("en-GB")
}

/** The cells of the report's table with this caption, row by row, whether or not its details are open. */
const tableRows = async (page: Page, caption: string) => {
  const table = page.locator("table").filter({ has: page.locator("caption").getByText(caption, { exact: true }) })
  const rows = table.locator("tbody tr")
  return Promise.all((await rows.all()).map((row) => row.locator("th, td").allTextContents()))
}

describe.skipIf(CHROMIUM === undefined)(`report.html in headless Chromium${CHROMIUM ? "" : ` (${SKIPPED})`}`, () => {
  let out: string
  let dir: string
  let browser: Browser
  let page: Page
  let reportUrl: string
  const requests: Array<string> = []
  const consoleErrors: Array<string> = []

  beforeAll(async () => {
    dir = tempDir("report-browser")
    const keyFile = newKey(dir)
    out = path.join(dir, "out")
    // Two runs, so the report has the previous run's figures to compare with.
    expect(runFixtures({ out, keyFile }).status).toBe(0)
    expect(runFixtures({ out, keyFile }).status).toBe(0)
    reportUrl = `file://${path.join(fs.realpathSync(out), "report.html")}`

    browser = await chromium.launch({
      executablePath: CHROMIUM!,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    })
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } })
    context.on("request", (request) => void requests.push(request.url()))
    page = await context.newPage()
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text())
    })
    await page.goto(reportUrl, { waitUntil: "load" })
  })

  afterAll(async () => {
    await browser?.close()
  })

  it("loads the file itself and nothing else, and tries to fetch nothing", () => {
    expect(requests).toEqual([reportUrl])
    // A fetch the page's Content-Security-Policy refused would show here.
    expect(consoleErrors).toEqual([])
  })

  it("draws every chart: each figure an SVG of some size holding marks", async () => {
    const figures = await Promise.all(
      (await page.locator("figure").all()).map(async (figure) => {
        const box = await figure.locator("svg").boundingBox()
        return {
          section: (await figure.locator("xpath=ancestor::section").getAttribute("id")) ?? "",
          width: Math.round(box?.width ?? 0),
          height: Math.round(box?.height ?? 0),
          // Vega draws each mark as a group of role-mark holding one element per item.
          items: await figure.locator("svg g.role-mark > *").count(),
          // A chart whose every count is suppressed is a sentence saying so, without axes.
          sentence: (await figure.locator("svg g.role-axis").count()) === 0
        }
      })
    )
    expect(figures.map((figure) => figure.section)).toEqual([
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
      "trend",
      "changes"
    ])
    for (const figure of figures) {
      expect(figure.width, figure.section).toBeGreaterThan(100)
      expect(figure.height, figure.section).toBeGreaterThan(figure.sentence ? 10 : 50)
      expect(figure.items, figure.section).toBeGreaterThan(0)
    }
  })

  it("shows residents per segment as the warehouse holds them, disclosure-controlled", async () => {
    const db = openWarehouse(out)
    const counts = new Map(
      (
        db.prepare("select segment, count(*) as n from segment_membership group by segment").all() as Array<{
          segment: string
          n: number
        }>
      ).map((row) => [row.segment, row.n])
    )
    db.close()
    // A figure shown is its count controlled; secondary suppression, and the set every file withholds,
    // may hide one the control alone would show.
    const figures = JSON.parse(fs.readFileSync(path.join(out, "report-figures.json"), "utf8")) as {
      residents: number | null
      segments: Array<{ segment: string; residents: number | null }>
    }
    const hiddenBySecondary = new Set(
      figures.segments.filter((row) => row.residents === null).map((row) => row.segment)
    )
    const expected = [
      ...SEGMENT_CODES.map((segment) => [
        SEGMENT_NAMES[segment]!,
        hiddenBySecondary.has(segment) ? "suppressed" : shown(counts.get(segment) ?? 0)
      ]),
      [
        "All residents",
        figures.residents === null ? "suppressed" : shown([...counts.values()].reduce((a, b) => a + b, 0))
      ]
    ]
    expect(await tableRows(page, "Residents per segment")).toEqual(expected)
    expect(await page.getByRole("table", { name: "Residents per segment" }).isVisible()).toBe(true)
  })

  it("shows each source's linkage as the run's lineage in the warehouse records it, disclosure-controlled", async () => {
    const db = openWarehouse(out)
    const rows = db
      .prepare(
        `select source, sum(rows) as records, sum(case when link_status = 'linked' then rows else 0 end) as linked
         from lineage_linkage
         where run_id = (select max(run_id) from run) and link_status <> 'opted_out'
         group by source order by source`
      )
      .all() as Array<{ source: string; records: number; linked: number }>
    db.close()
    expect(rows.length).toBeGreaterThan(5)
    // Each rate's counts are margins of the lineage copy's outcomes, controlled with them and the lineage's
    // other margins (equity rows, spine, segments): hidden where that control hides them (docs/lineage-for-ig.md).
    const chain = fs.readFileSync(
      path.join(path.dirname(out), `.${path.basename(out)}.wsd`, "lineage", "chain.jsonl"),
      "utf8"
    )
    const { inputs, linkage, linkage_equity, segments, segments_withheld, spine } = (
      JSON.parse(chain.trim().split("\n").at(-1)!) as { run: RunLineage }
    ).run
    const accounted = controlRunCounts(inputs, linkage, DEFAULT_DISCLOSURE_RULES, {
      equity: linkage_equity,
      spine,
      segments,
      withheld: segments_withheld ?? []
    })
    const published = (count: number, controlled: MarkedCount) =>
      controlled === SUPPRESSED ? "suppressed" : shown(count)
    expect((await tableRows(page, "Records linked per source"))?.map((cells) => cells.slice(0, 3))).toEqual(
      rows.map((row) => {
        const rate = accounted.linkageRate(row.source)
        return [row.source, published(row.records, rate.records), published(row.linked, rate.linked)]
      })
    )
  })

  it("opens with the run's warnings, each with its next action, in view without opening anything", async () => {
    const rows = await tableRows(page, "Warnings of this run")
    expect(rows.length).toBeGreaterThan(0)
    expect(await page.getByRole("table", { name: "Warnings of this run" }).isVisible()).toBe(true)
    // The fixtures quarantine a row of gp_events and carry a column the contract does not name.
    expect(rows).toContainEqual([
      "GP events",
      "columns the contract does not name were ignored: entered_by",
      "ask the partner to drop them, or to rename them as the contract names them",
      "docs/extracts.md#file-rules"
    ])
    expect(rows.find((cells) => cells[0] === "GP events" && cells[1]!.endsWith("rows quarantined"))?.[2]).toContain(
      "wsd quarantine list --out OUT --source gp_events"
    )
  })

  it("draws records per month as one small chart per record source, titled by the source's name", async () => {
    const panels = page.locator("#sources figure svg g.role-title text")
    expect(await panels.allTextContents()).toEqual(
      expect.arrayContaining(["GP events", "Acute hospital activity", "Housing", "Education"])
    )
    const completeness = await tableRows(page, "Completeness per source and field")
    expect(completeness).toContainEqual(["GP events", "snomed_code", "40", "40", "100"])
  })

  it("says of a panel whose counts are all suppressed that they are, rather than drawing empty axes", async () => {
    // The fixtures' quarantined rows are 1 per source: every count suppressed.
    expect(await page.locator("#quarantine figure svg").textContent()).toContain("All counts below 8: suppressed")
    expect(await page.locator("#quarantine figure svg g.role-axis").count()).toBe(0)
  })

  it("draws the linkage rates on an axis starting near the lowest, saying where it starts, or says they are suppressed", async () => {
    const text = await page.locator("#linkage-rates figure svg").textContent()
    const figures = JSON.parse(fs.readFileSync(path.join(out, "report-figures.json"), "utf8")) as ReportFigures
    const rates = figures.linkage_rates.map((row) => row.rate_percent)
    // On the fixtures, a handful of records per source, every source's rate may be suppressed: then it says so.
    if (rates.every((rate) => rate === null)) expect(text).toContain("All counts below 8: suppressed")
    else expect(text).toContain(`Records linked (%), axis from ${linkageAxisFrom(rates)}%`)
    expect(text).not.toContain("gp_events")
  })

  it("saves a screenshot of the whole report", async () => {
    const screenshot = path.join(dir, "report.png")
    await page.screenshot({ path: screenshot, fullPage: true })
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true })
    fs.copyFileSync(screenshot, SCREENSHOT)
    const png = fs.readFileSync(SCREENSHOT)
    expect(png.subarray(1, 4).toString()).toBe("PNG")
    // The page is as wide as the window and far taller than it.
    expect(png.readUInt32BE(16)).toBe(1200)
    expect(png.readUInt32BE(20)).toBeGreaterThan(2000)
  })
})
