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

describe("other dates after the as-of date", () => {
  const problemsOf = (row: Record<string, string>) => implausibleDates(row, AS_OF).map((p) => `${p.field}/${p.reason}`)

  it.each([
    "date_of_death",
    "registration_date",
    "event_date",
    "start_date",
    "contact_date",
    "event_start",
    "census_date"
  ])("quarantines %s dated the day after, not on the day", (field) => {
    expect(problemsOf({ [field]: "2026-11-21" })).toEqual([`${field}/future_date`])
    expect(problemsOf({ [field]: AS_OF })).toEqual([])
  })

  it("keeps end dates and an opt-out's recorded date after it: planned ends, and objections honoured whatever their date", () => {
    expect(
      problemsOf({
        start_date: "2026-11-01",
        end_date: "2027-03-31",
        deregistration_date: "2026-12-01",
        event_end: "2027-01-01",
        recorded_date: "2026-12-25"
      })
    ).toEqual([])
  })

  it("names every field that is in the future", () => {
    expect(problemsOf({ date_of_birth: "2027-01-01", registration_date: "2027-01-02" })).toEqual([
      "date_of_birth/future_date",
      "registration_date/future_date"
    ])
  })
})
