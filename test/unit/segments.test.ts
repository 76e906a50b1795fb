/**
 * `schemas/segments.ts` is the one definition of the segment codes, reason
 * codes and transition reason codes: the SQL and the models' checks, which cannot import it, must write
 * the same ones.
 */
import { readdirSync, readFileSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { DEPRECATED_WORKSTREAM_NAMES, SEGMENT_CODES, SEGMENTS, TRANSITION_REASONS } from "../../schemas/segments.js"
import { DIED_OR_LEFT, UNATTRIBUTED } from "../../schemas/shadowBudget.js"

const sqlDir = path.join(import.meta.dirname, "..", "..", "sql")
const sqlFiles = readdirSync(sqlDir, { recursive: true, encoding: "utf8" }).filter(
  (file) => file.endsWith(".sql") || file.endsWith(".checks.json")
)
/** The values each column of the models' checks accepts, across every checks file. */
const acceptedValues = (column: string): Array<Array<unknown>> =>
  sqlFiles
    .filter((file) => file.endsWith(".checks.json"))
    .flatMap((file) => {
      const checks = JSON.parse(readFileSync(path.join(sqlDir, file), "utf8")) as {
        columns: Record<string, Array<string | { accepted_values?: Array<unknown> }>>
      }
      return (checks.columns[column] ?? []).flatMap((check) =>
        typeof check === "object" && check.accepted_values !== undefined ? [check.accepted_values] : []
      )
    })
const literals = (pattern: RegExp): Set<string> =>
  new Set(
    sqlFiles.flatMap((file) =>
      [...readFileSync(path.join(sqlDir, file), "utf8").matchAll(pattern)].flatMap((match) =>
        [...match[1]!.matchAll(/'(\w+)'/g)].map((quoted) => quoted[1]!)
      )
    )
  )

describe("segment codes", () => {
  it("are the schema's wherever the SQL writes or compares one", () => {
    const written = literals(/('\w+') as segment\b/g)
    const compared = literals(/\bsegment\s*(?:=|in)\s*('\w+'|\([^)]*\))/g)
    expect([...written].sort()).toEqual([...SEGMENT_CODES].sort())
    // The shadow budget's lines also name who is in no segment: who died or left, and activity that reached no one.
    for (const code of compared) expect([...SEGMENT_CODES, DIED_OR_LEFT, UNATTRIBUTED]).toContain(code)
    expect(acceptedValues("segment").length).toBeGreaterThan(0)
    for (const values of acceptedValues("segment")) expect(values).toEqual([...SEGMENT_CODES])
  })

  it("come with the schema's reason codes, each given by the segment models", () => {
    const reasons = SEGMENTS.flatMap((segment) => segment.reasons)
    expect(new Set(reasons).size).toBe(reasons.length)
    expect([...literals(/('\w+') as reason\b/g)].sort()).toEqual([...reasons].sort())
    expect(acceptedValues("reason").length).toBeGreaterThan(0)
    for (const values of acceptedValues("reason")) expect([...values].sort()).toEqual([...reasons].sort())
  })

  it("come with the schema's transition reason codes, each given by the transition_reason model and accepted by its checks", () => {
    expect([...literals(/('\w+') as transition_reason\b/g)].sort()).toEqual([...TRANSITION_REASONS].sort())
    const accepted = acceptedValues("transition_reason")
    expect(accepted).toHaveLength(1)
    expect([...accepted[0]!].sort()).toEqual([...TRANSITION_REASONS].sort())
  })

  it("are the one spelling of a workstream: the shipped extract profiles and the names they replace use the codes", () => {
    const profiles = JSON.parse(readFileSync(path.join(sqlDir, "..", "rules", "extract-profiles-v1.json"), "utf8")) as {
      profiles: Array<{ workstream: string }>
    }
    expect(new Set(profiles.profiles.map((profile) => profile.workstream))).toEqual(new Set(SEGMENT_CODES))
    expect(Object.values(DEPRECATED_WORKSTREAM_NAMES).sort()).toEqual([...SEGMENT_CODES].sort())
    for (const segment of SEGMENTS)
      expect(Object.keys(segment).sort()).toEqual(["code", "flags", "name", "priority", "reasons"])
  })
})
