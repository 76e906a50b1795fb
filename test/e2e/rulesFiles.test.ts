/**
 * The rules files a run reads, as a user meets them: lineage records the
 * path and SHA-256 of each (segmentation rules, tariff), `wsd lineage show`
 * prints them, a changed price is a changed fingerprint and a changed
 * budget, and a tariff that leaves an activity unpriced is refused.
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import { afterAll, describe, expect, it } from "vitest"
import { newKey, repoRoot, runFixtures, tempDir, wsd } from "./wsdCommand.js"

const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex")
const RULES = path.join(repoRoot, "rules", "segmentation-v1.json")
const TARIFF = path.join(repoRoot, "rules", "tariff-v1.json")

interface Run {
  readonly run_id: string
  readonly rules_files: ReadonlyArray<{ file: string; sha256: string }>
}
const lastRun = (out: string): Run => {
  const entries = fs
    .readFileSync(path.join(out, "lineage", "chain.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { run?: Run })
  return entries.flatMap((entry) => (entry.run === undefined ? [] : [entry.run])).at(-1)!
}
const primaryCare = (out: string, segment: string) =>
  (
    parse(fs.readFileSync(path.join(out, "shadow-budget.csv"), "utf8"), { columns: true }) as Array<
      Record<string, string>
    >
  )
    .filter((row) => row["segment"] === segment && row["service_line"] === "primary_care")
    .map((row) => row["cost_gbp"])

describe("the rules files in lineage", () => {
  const dir = tempDir("rules-files")
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
  const keyFile = newKey(dir)

  it("records the project's rules, tariff and outcomes framework by path and SHA-256, and shows them", () => {
    const out = path.join(dir, "default")
    expect(runFixtures({ out, keyFile }).status).toBe(0)
    const run = lastRun(out)
    expect(run.rules_files).toEqual([
      { file: "rules/segmentation-v1.json", sha256: sha256(RULES) },
      { file: "rules/tariff-v1.json", sha256: sha256(TARIFF) },
      { file: "rules/outcomes-v1.json", sha256: sha256(path.join(repoRoot, "rules", "outcomes-v1.json")) }
    ])
    const show = wsd("lineage", "show", "--out", out, run.run_id).stdout
    expect(show).toContain(`rules file rules/tariff-v1.json, SHA-256 ${sha256(TARIFF)}`)
    expect(show).toContain(`rules file rules/segmentation-v1.json, SHA-256 ${sha256(RULES)}`)
  })

  it("fingerprints a tariff named in the configuration, whose prices cost the budget", () => {
    const tariff = JSON.parse(fs.readFileSync(TARIFF, "utf8")) as { unitCosts: Record<string, { gbp: number }> }
    // A consultation at a hundred times the price: the Living Well residents' primary care costs more.
    tariff.unitCosts["gp_events.consultation"]!.gbp *= 100
    const local = path.join(dir, "local-tariff.json")
    fs.writeFileSync(local, JSON.stringify(tariff))
    const config = path.join(dir, "wsd.json")
    fs.writeFileSync(config, JSON.stringify({ tariffFile: local }))
    const out = path.join(dir, "local")
    expect(runFixtures({ out, keyFile }, "--config", config).status).toBe(0)
    expect(lastRun(out).rules_files[1]).toEqual({ file: local, sha256: sha256(local) })
    expect(sha256(local)).not.toBe(sha256(TARIFF))
    expect(Number(primaryCare(out, "LW")[0])).toBeGreaterThan(Number(primaryCare(path.join(dir, "default"), "LW")[0]))
  })

  it("refuses a tariff that leaves an activity unpriced, naming it", () => {
    const tariff = JSON.parse(fs.readFileSync(TARIFF, "utf8")) as { unitCosts: Record<string, unknown> }
    delete tariff.unitCosts["housing.temporary_accommodation"]
    const partial = path.join(dir, "partial-tariff.json")
    fs.writeFileSync(partial, JSON.stringify(tariff))
    const config = path.join(dir, "partial.json")
    fs.writeFileSync(config, JSON.stringify({ tariffFile: partial }))
    const result = runFixtures({ out: path.join(dir, "partial"), keyFile }, "--config", config)
    expect(result.status).toBe(2)
    expect(result.lastLine).toContain("has no unit cost for housing.temporary_accommodation")
  })
})
