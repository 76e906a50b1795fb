import { describe, expect, it } from "vitest"
import { canonicalColumnName, mapHeader } from "../../transforms/csvHeader.js"

describe("header matching", () => {
  it.each([
    ["NHS Number", "nhs_number"],
    ["  nhs-number ", "nhs_number"],
    ["Date of  Birth", "date_of_birth"],
    ["UPRN", "uprn"]
  ])("%s → %s", (raw, name) => expect(canonicalColumnName(raw)).toBe(name))

  it("maps reordered columns, reports extras and missing required ones", () => {
    const mapping = mapHeader(
      ["\uFEFFSnomed Code", "Entered By", "NHS Number"],
      ["nhs_number", "snomed_code", "event_date"],
      ["nhs_number", "event_date"]
    )
    expect(Object.fromEntries(mapping.indexOf)).toEqual({ snomed_code: 0, nhs_number: 2 })
    expect(mapping.unknownColumns).toEqual(["entered_by"])
    expect(mapping.missingRequired).toEqual(["event_date"])
  })

  it("reports a column given twice under two spellings", () => {
    expect(mapHeader(["nhs_number", "NHS Number"], ["nhs_number"], ["nhs_number"]).duplicated).toEqual(["nhs_number"])
  })
})
