import { describe, expect, it } from "vitest"
import { implausibleDates } from "../../transforms/plausibility.js"

const AS_OF = "2026-11-20"

describe("dates of birth that cannot be right on the as-of date", () => {
  it.each<[string, Array<string>]>([
    ["2026-11-20", []],
    ["2026-11-21", ["date_of_birth/future_date"]],
    ["1905-11-21", []],
    ["1905-11-20", ["date_of_birth/age_over_120"]]
  ])("%s → %j", (dob, problems) => {
    expect(implausibleDates({ date_of_birth: dob }, AS_OF).map((p) => `${p.field}/${p.reason}`)).toEqual(problems)
  })

  it("ignores rows without a date of birth", () => {
    expect(implausibleDates({}, AS_OF)).toEqual([])
  })
})
