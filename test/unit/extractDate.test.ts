import { describe, expect, it } from "vitest"
import { addDays, ageBand, ageInYears, daysBetween, parseExtractDate } from "../../schemas/fields/extractDate.js"

describe("extract dates", () => {
  it.each([
    ["2026-11-20", "2026-11-20"],
    ["20/11/2026", "2026-11-20"],
    ["29/02/2024", "2024-02-29"]
  ])("reads %s as %s", (raw, iso) => expect(parseExtractDate(raw)).toBe(iso))

  it.each([
    "31/02/2026",
    "29/02/2025",
    "2026-13-01",
    "2026-00-10",
    "20-11-2026",
    "2026/11/20",
    "1/2/2026",
    "20261120",
    "yesterday"
  ])("rejects %s", (raw) => expect(parseExtractDate(raw)).toBeUndefined())

  it("computes age in whole years on the as-of date", () => {
    expect(ageInYears("1953-03-14", "2026-11-20")).toBe(73)
    expect(ageInYears("2008-11-20", "2026-11-20")).toBe(18)
    expect(ageInYears("2008-11-21", "2026-11-20")).toBe(17)
    expect(ageInYears("2024-02-29", "2025-02-28")).toBe(0)
  })

  it("bands ages in fives up to 85+", () => {
    expect([0, 4, 5, 17, 18, 84, 85, 101].map(ageBand)).toEqual([
      "00-04",
      "00-04",
      "05-09",
      "15-19",
      "15-19",
      "80-84",
      "85+",
      "85+"
    ])
  })

  it("counts days between dates", () => {
    expect(daysBetween("2026-03-02", "2026-03-09")).toBe(7)
    expect(addDays("2026-11-20", -364)).toBe("2025-11-21")
  })
})
