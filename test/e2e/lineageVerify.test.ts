/**
 * `wsd lineage verify`: exit 0 only when the chain is intact and every
 * published file matches its recorded hash; otherwise exit 1 naming the first
 * entry or file that fails.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { newKey, runFixtures, tempDir, wsd } from "./wsdCommand.js"

describe("wsd lineage verify", () => {
  let source: string

  beforeAll(() => {
    const dir = tempDir("verify")
    const keyFile = newKey(dir)
    source = path.join(dir, "out")
    // Three runs, so the chain has entries to edit, delete and reorder.
    for (let i = 0; i < 3; i++) expect(runFixtures({ out: source, keyFile }).status).toBe(0)
  })

  /** A copy of the publication to tamper with. */
  const copy = () => {
    const out = path.join(tempDir("tamper"), "out")
    fs.cpSync(fs.realpathSync(source), out, { recursive: true })
    return out
  }
  const chainOf = (out: string) => path.join(out, "lineage", "chain.jsonl")
  const editChain = (out: string, edit: (lines: Array<string>) => Array<string>) => {
    const lines = fs.readFileSync(chainOf(out), "utf8").trim().split("\n")
    fs.writeFileSync(chainOf(out), `${edit(lines).join("\n")}\n`)
  }

  it("lists every run, and shows one in words an IG reviewer reads without tools", () => {
    const list = wsd("lineage", "list", "--out", source)
    expect(list.status, list.stderr).toBe(0)
    const runIds = [...list.stdout.matchAll(/^(\d{8}T\d{9}Z-[0-9a-f]{4}) +succeeded/gm)].map((m) => m[1]!)
    expect(runIds).toHaveLength(3)
    const show = wsd("lineage", "show", "--out", source, runIds[0]!)
    expect(show.status, show.stderr).toBe(0)
    for (const heading of [
      "What came in",
      "Opt-outs applied",
      "How records linked",
      "What was published, and for whom",
      "Extracts pulled from this publication"
    ]) {
      expect(show.stdout).toContain(heading)
    }
    expect(show.stdout).toContain("quarantined 1 for nhs_number/nhs_number_check_digit")
    expect(show.stdout).toContain("residents excluded: [suppressed] (disclosure-controlled)")
    expect(show.stdout).toMatch(
      /complex-cohort\/all\.csv \(4 rows\) for Promoting Independence workstream lead; SHA-256 [0-9a-f]{64}/
    )
    expect(wsd("lineage", "show", "--out", source, "no-such-run").status).toBe(2)
  })

  it("passes an untouched publication", () => {
    const result = wsd("lineage", "verify", "--out", source)
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/lineage intact: 3 entries chained; \d+ published files of run \S+ match/)
  })

  it("detects an edited entry", () => {
    const out = copy()
    editChain(out, (lines) =>
      lines.map((line, i) => (i === 1 ? line.replace(/"rows_quarantined":1/, '"rows_quarantined":0') : line))
    )
    const result = wsd("lineage", "verify", "--out", out)
    expect(result.status).toBe(1)
    expect(result.lastLine).toContain("lineage entry 2")
    expect(result.lastLine).toContain("has been altered")
  })

  it("detects a deleted entry", () => {
    const out = copy()
    editChain(out, (lines) => lines.filter((_, i) => i !== 1))
    const result = wsd("lineage", "verify", "--out", out)
    expect(result.status).toBe(1)
    expect(result.lastLine).toContain("lineage entry 2")
    expect(result.lastLine).toContain("does not follow the entry before it")
  })

  it("detects reordered entries", () => {
    const out = copy()
    editChain(out, ([a, b, c]) => [a!, c!, b!])
    const result = wsd("lineage", "verify", "--out", out)
    expect(result.status).toBe(1)
    expect(result.lastLine).toContain("lineage entry 2")
  })

  it("detects an altered published file", () => {
    const out = copy()
    fs.appendFileSync(path.join(out, "complex-cohort", "all.csv"), "someone,1\r\n")
    const result = wsd("lineage", "verify", "--out", out)
    expect(result.status).toBe(1)
    expect(result.lastLine).toContain("published file complex-cohort/all.csv has changed")
  })
})
