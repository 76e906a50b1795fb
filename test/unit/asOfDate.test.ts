import { describe, expect, it } from "vitest"
import { asOfProblem } from "../../transforms/asOfDate.js"

describe("the as-of date", () => {
  it("accepts a real calendar date written YYYY-MM-DD, 29 February of a leap year included", () => {
    expect(asOfProblem("2026-11-20")).toBeUndefined()
    expect(asOfProblem("2028-02-29")).toBeUndefined()
  })

  it("refuses any other way of writing a date, naming the value", () => {
    for (const raw of ["20-11-2026", "20/11/2026", "yesterday", "2026-11-20T00:00", " 2026-11-20", ""]) {
      expect(asOfProblem(raw)).toBe(`--as-of ${raw} is not a date written YYYY-MM-DD`)
    }
  })

  it("refuses a date the calendar does not have", () => {
    for (const raw of ["2026-13-01", "2026-13-45", "2026-02-29", "2026-04-31", "2026-00-10"]) {
      expect(asOfProblem(raw)).toBe(`--as-of ${raw} is not a real calendar date`)
    }
  })
})
