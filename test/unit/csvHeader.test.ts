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

  it("names an unknown column only when it looks like a column name, otherwise by its position", () => {
    const mapping = mapHeader(
      ["nhs_number", "Entered By", "Jane O'Brien", "ref_4010232137", ""],
      ["nhs_number"],
      ["nhs_number"]
    )
    expect(mapping.unknownColumns).toEqual([
      "entered_by",
      "an unnamed column at position 3",
      "an unnamed column at position 4",
      "an unnamed column at position 5"
    ])
  })

  it("reads empty header cells as unnamed columns, not as one column twice", () => {
    expect(mapHeader(["nhs_number", "", ""], ["nhs_number"], ["nhs_number"]).duplicated).toEqual([])
  })

  it("knows a record from a header: an NHS number or a date among its cells", () => {
    const looks = (header: ReadonlyArray<string>) => mapHeader(header, ["nhs_number"], ["nhs_number"]).looksLikeRecord
    expect(looks(["943 476 5919", "ndoo"])).toBe(true)
    expect(looks(["nhs_number", "opt_out_type", "recorded_date9434765919", "ndoo", "01/05/2024"])).toBe(true)
    expect(looks(["nhs_number", "opt_out_type", "recorded_date"])).toBe(false)
  })

  it("reports a column given twice under two spellings", () => {
    expect(mapHeader(["nhs_number", "NHS Number"], ["nhs_number"], ["nhs_number"]).duplicated).toEqual(["nhs_number"])
  })
})
