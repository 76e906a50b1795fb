import { describe, expect, it } from "vitest"
import {
  addDays,
  ageBand,
  ageInYears,
  daysBetween,
  latestBirthDateAtAge,
  parseExtractDate
} from "../../schemas/fields/extractDate.js"

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

  it("bounds the birth dates of an age so that comparing strings agrees with ageInYears", () => {
    const onDates = ["2026-11-20", "2025-02-28", "2024-02-29", "2026-01-01", "2026-12-31"]
    // Every day of five years around each bound, leap days included.
    for (const onDate of onDates) {
      for (const years of [0, 2, 16, 18, 20, 26]) {
        const bound = latestBirthDateAtAge(onDate, years)
        const first = addDays(`${Number(onDate.slice(0, 4)) - years - 2}-01-01`, 0)
        for (let day = 0; day < 5 * 366; day++) {
          const dateOfBirth = addDays(first, day)
          expect(dateOfBirth <= bound, `${dateOfBirth} on ${onDate}, ${years}`).toBe(
            ageInYears(dateOfBirth, onDate) >= years
          )
        }
      }
    }
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
