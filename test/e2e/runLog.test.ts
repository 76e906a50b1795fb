/**
 * The run's log and progress as cron sees them (stderr is not a terminal):
 * pino JSON lines in the state area's `logs/`, one line per stage with its
 * counts and duration, periodic `progress` lines with counts, a readable copy
 * on stderr, and none of it with --quiet; the publication's `logs/` holds the
 * same lines with their counts disclosure-controlled.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import type { RunLineage } from "../../pipelines/governance/lineage.js"
import { DEFAULT_DISCLOSURE_RULES, markedCount } from "../../transforms/disclosureControl.js"
import { controlRunCounts } from "../../transforms/runCounts.js"
import { jsonLinesIn, smallCountsIn } from "./smallCounts.js"
import { copyOfFixtures, newKey, runFixtures, tempDir, type WsdResult } from "./wsdCommand.js"

interface LogLine {
  readonly level: string
  readonly time: string
  readonly event: string
  readonly [field: string]: unknown
}

const runIdOf = (out: string) => fs.readdirSync(path.join(out, "lineage", "runs"))[0]!.replace(/\.json$/, "")
const logOf = (file: string): Array<LogLine> =>
  fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as LogLine)
const stateAreaOf = (out: string) => path.join(path.dirname(out), `.${path.basename(out)}.wsd`)
/** The state area's log of the run `out` publishes, whose figures are exact. */
const exactLogOf = (out: string) => logOf(path.join(stateAreaOf(out), "logs", `${runIdOf(out)}.jsonl`))
/** The run's entry in the state area's chain, whose figures are exact as the log's are. */
const lineageOf = (out: string) =>
  JSON.parse(
    fs
      .readFileSync(path.join(stateAreaOf(out), "lineage", "chain.jsonl"), "utf8")
      .trim()
      .split("\n")
      .at(-1)!
  ).run as RunLineage

describe("the run log off a terminal", () => {
  let dir: string
  let keyFile: string
  let out: string
  let run: WsdResult
  let log: Array<LogLine>

  beforeAll(() => {
    dir = tempDir("runlog")
    keyFile = newKey(dir)
    out = path.join(dir, "out")
    run = runFixtures({ out, keyFile }, "--progress-every", "0")
    expect(run.status, run.stderr).toBe(0)
    log = exactLogOf(out)
  })

  it("is pino JSON lines, each with its level by name, an ISO time and an event", () => {
    expect(log.length).toBeGreaterThan(20)
    for (const line of log) {
      expect(["info", "warn", "error"]).toContain(line.level)
      expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      expect(typeof line.event).toBe("string")
    }
  })

  it("has one line per stage with its rows in and out and its duration, as lineage records them", () => {
    const stages = log.filter((line) => line.event === "stage done")
    expect(stages.map(({ stage, rows_in, rows_out, ms }) => ({ stage, rows_in, rows_out, ms }))).toEqual(
      lineageOf(out).stages.map((stage) => ({
        stage: stage.stage,
        rows_in: stage.rows_in,
        rows_out: stage.rows_out,
        ms: stage.duration_ms
      }))
    )
    expect(stages.map((line) => line.stage)).toEqual(
      expect.arrayContaining(["spine", "load gp_events", "features", "segments", "outputs", "report"])
    )
  })

  it("logs progress with counts while each extract is read, reaching its rows and bytes", () => {
    const inputs = lineageOf(out).inputs
    expect(inputs.length).toBeGreaterThan(5)
    for (const input of inputs) {
      const last = log.filter((line) => line.event === "progress" && line.task === `read ${input.source}`).at(-1)
      expect(last, input.source).toMatchObject({
        rows: input.rows_read,
        bytes: input.bytes,
        total_bytes: input.bytes,
        percent: 100
      })
      // A read the reader threads finished before the run took it up can take no measurable time: no rate then.
      if (last!["elapsed_ms"] === 0) expect(last).not.toHaveProperty("rows_per_s")
      else expect(typeof last!["rows_per_s"]).toBe("number")
    }
  })

  it("is published in the release with every count controlled, line for line, and no rate of rows", () => {
    const file = path.join(out, "logs", `${runIdOf(out)}.jsonl`)
    const published = logOf(file)
    // The copy is taken as the release is sealed: the lines logged after it (published) are not in it.
    expect(published.length).toBeGreaterThan(log.length - 5)
    // The exact log holds counts of 1-7 (rows read of small sources, people with two dates of birth).
    expect(smallCountsIn(log).length).toBeGreaterThan(5)
    expect(smallCountsIn(jsonLinesIn(fs.readFileSync(file, "utf8")))).toEqual([])
    const exactBirths = log.find((line) => line.event === "conflicting dates of birth")
    expect(exactBirths).toMatchObject({ people: 1 })
    expect(published.find((line) => line.event === "conflicting dates of birth")).toMatchObject({
      people: "[suppressed]"
    })
    // The spine's and the segments' margins hide the residents (28) too, which each stage after the spine counts.
    const { inputs, linkage, linkage_equity, segments, spine } = lineageOf(out)
    const { hiddenExact: hidden } = controlRunCounts(inputs, linkage, DEFAULT_DISCLOSURE_RULES, {
      equity: linkage_equity,
      spine,
      segments
    })
    expect(hidden.has(28)).toBe(true)
    published.forEach((line, i) => {
      const exact = log[i]!
      expect(line).toMatchObject({ level: exact.level, time: exact.time, event: exact.event })
      // Rows per second times the elapsed time gives the rows back.
      expect(line).not.toHaveProperty("rows_per_s")
      if (exact.event === "stage done") {
        expect(line["ms"]).toBe(exact["ms"])
        // Controlled as lineage controls it, hidden where secondary suppression hid the same figure there.
        const rowsIn = exact["rows_in"] as number
        expect(line["rows_in"]).toBe(hidden.has(rowsIn) ? "[suppressed]" : markedCount(rowsIn))
      }
    })
  })

  it("copies each line to stderr in a readable form", () => {
    expect(run.stderr).toMatch(/^wsd stage done stage="load gp_events" rows_in=40 rows_out=39 ms=\d+$/m)
    expect(run.stderr).toMatch(/^wsd progress task="read gp_events" rows=40 bytes=\d+ total_bytes=\d+ /m)
    expect(run.stderr).toMatch(/^wsd published run_id=\S+ residents=28 ms=\d+$/m)
  })

  it("with --quiet, writes no progress and nothing to stderr, yet logs every stage", () => {
    const quietOut = path.join(dir, "quiet")
    const quiet = runFixtures({ out: quietOut, keyFile }, "--quiet", "--progress-every", "0")
    expect(quiet.status).toBe(0)
    expect(quiet.stderr).toBe("")
    expect(quiet.stdout).toContain("published run")
    const quietLog = exactLogOf(quietOut)
    expect(quietLog.filter((line) => line.event === "progress")).toEqual([])
    expect(quietLog.filter((line) => line.event === "stage done")).toHaveLength(lineageOf(quietOut).stages.length)
  })

  it("records a failed run's reason at level error in the state area's log", () => {
    const inbox = copyOfFixtures(path.join(dir, "broken"))
    fs.rmSync(path.join(inbox, "gp_events.csv"))
    const failedOut = path.join(dir, "failed")
    const failed = runFixtures({ out: failedOut, keyFile, inbox })
    expect(failed.status).toBe(1)
    const logs = path.join(dir, ".failed.wsd", "logs")
    const [file] = fs.readdirSync(logs)
    expect(logOf(path.join(logs, file!)).at(-1)).toMatchObject({
      level: "error",
      event: "run failed",
      reason: expect.stringContaining("required source gp_events missing")
    })
    // The readable copy comes before the last line, which still says what to do.
    expect(failed.stderr).toContain("wsd error: run failed")
    expect(failed.lastLine).toMatch(/^wsd: required source gp_events missing.*Next: /)
  })
})
