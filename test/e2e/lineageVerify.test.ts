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
