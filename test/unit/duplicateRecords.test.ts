/**
 * Exact duplicate records within one extract: a record is a duplicate only
 * when every cell equals an earlier record's, however many records the table
 * has grown to hold.
 */
import { describe, expect, it } from "vitest"
import { SeenRecords } from "../../transforms/duplicateRecords.js"

describe("spotting exact duplicate records", () => {
  it("knows a record seen before and no other", () => {
    const seen = new SeenRecords()
    expect(seen.seenBefore(["9434765919", "ndoo", "2024-05-01"])).toBe(false)
    expect(seen.seenBefore(["9434765919", "ndoo", "2024-05-01"])).toBe(true)
    expect(seen.seenBefore(["9434765919", "ndoo", "2024-05-02"])).toBe(false)
    expect(seen.seenBefore(["9434765919", "ndoo", "2024-05-01", ""])).toBe(false)
  })

  it("tells apart records whose cells join to the same text", () => {
    const seen = new SeenRecords()
    expect(seen.seenBefore(["ab", "c"])).toBe(false)
    expect(seen.seenBefore(["a", "bc"])).toBe(false)
    expect(seen.seenBefore(["abc"])).toBe(false)
    expect(seen.seenBefore(["", "abc"])).toBe(false)
  })

  it("finds no duplicate among 300,000 distinct records, and every one of them again, as the table grows", () => {
    const seen = new SeenRecords()
    const record = (i: number) => [String(9_000_000_000 + i), i % 2 === 0 ? "AE" : "APC", `2026-01-${(i % 28) + 1}`]
    let duplicates = 0
    for (let i = 0; i < 300_000; i++) if (seen.seenBefore(record(i))) duplicates++
    expect(duplicates).toBe(0)
    for (let i = 0; i < 300_000; i += 7) if (seen.seenBefore(record(i))) duplicates++
    expect(duplicates).toBe(Math.ceil(300_000 / 7))
  })
})
