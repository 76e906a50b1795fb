/**
 * The probabilistic linkage tier leaves a record of itself in lineage: its
 * settings and the Fellegi–Sunter model it fitted on the night's records,
 * so information governance can see on what evidence a record was linked,
 * in the state area's exact chain and in the release's published copy.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { FIXTURE_AS_OF, newKey, tempDir, wsd } from "./wsdCommand.js"

interface LinkageModel {
  readonly threshold: number
  readonly margin_bits: number
  readonly review_floor: number
  readonly blocking_rules: ReadonlyArray<string>
  readonly fields: Record<string, ReadonlyArray<{ level: string; m: number; u: number }>>
}

const lastRun = (chainFile: string): { linkage_model: LinkageModel; linkage: Record<string, Record<string, number>> } =>
  JSON.parse(fs.readFileSync(chainFile, "utf8").trim().split("\n").at(-1)!).run

describe("the probabilistic tier in lineage", () => {
  let dir: string
  beforeAll(() => {
    dir = tempDir("linkage-model")
    const inbox = path.join(dir, "inbox")
    const synth = wsd("synth", "--residents", "2000", "--seed", "5", "--as-of", FIXTURE_AS_OF, "--out", inbox)
    expect(synth.status, synth.stderr).toBe(0)
    const run = wsd(
      ...["run", "--inbox", inbox, "--out", path.join(dir, "out"), "--key-file", newKey(dir)],
      ...["--as-of", FIXTURE_AS_OF, "--config", writeConfig(dir)]
    )
    expect(run.status, run.stderr).toBe(0)
  }, 120_000)

  const writeConfig = (folder: string) => {
    const file = path.join(folder, "config.json")
    fs.writeFileSync(file, JSON.stringify({ linkageMargin: 5 }))
    return file
  }

  it("records the settings the run was given and the model it fitted, with m and u per field and level", () => {
    const run = lastRun(path.join(dir, ".out.wsd", "lineage", "chain.jsonl"))
    expect(Object.keys(run.linkage).some((source) => (run.linkage[source]!["linked:probabilistic"] ?? 0) > 0)).toBe(
      true
    )
    const model = run.linkage_model
    expect(model).toMatchObject({ threshold: 0.999, margin_bits: 5, review_floor: 0.5 })
    expect(model.blocking_rules).toEqual([
      "date_of_birth",
      "names",
      "postcode_family_name",
      "postcode_given_name",
      "postcode_initials"
    ])
    expect(Object.keys(model.fields)).toEqual([
      "given_name",
      "family_name",
      "date_of_birth",
      "postcode",
      "sex",
      "uprn",
      "household"
    ])
    expect(model.fields["date_of_birth"]!.map(({ level }) => level)).toEqual([
      "exact",
      "day_month_transposed",
      "year_within_one",
      "one_component",
      "different"
    ])
    for (const [field, levels] of Object.entries(model.fields)) {
      expect(levels.reduce((sum, { m }) => sum + m, 0)).toBeCloseTo(1, 4)
      expect(levels.reduce((sum, { u }) => sum + u, 0)).toBeCloseTo(1, 4)
      // Agreeing exactly is likelier for the same person than for two different people (far
      // likelier, but for sex, which half of random pairs share), and disagreeing the reverse.
      expect(levels[0]!.m, field).toBeGreaterThan((field === "sex" ? 1 : 10) * levels[0]!.u)
      expect(levels.at(-1)!.u, field).toBeGreaterThan(levels.at(-1)!.m)
    }
  })

  it("publishes the same model in the release's lineage copy: probabilities of a model, not counts of people", () => {
    const secure = lastRun(path.join(dir, ".out.wsd", "lineage", "chain.jsonl"))
    const published = lastRun(path.join(dir, "out", "lineage", "chain.jsonl"))
    expect(published.linkage_model).toEqual(secure.linkage_model)
  })
})
