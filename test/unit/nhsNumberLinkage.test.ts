import { describe, expect, it } from "vitest"
import { linkByNhsNumber, type NhsNumberIndex } from "../../transforms/nhsNumberLinkage.js"

const index: NhsNumberIndex = {
  residentPersonId: (nhs) => (nhs === "9434765919" ? "p-resident" : undefined),
  personIdOf: (nhs) => `p-${nhs}`,
  isOptedOut: (nhs) => nhs === "4010232137"
}

describe("linkage by NHS number", () => {
  it("links a resident's record by pseudonym", () => {
    expect(linkByNhsNumber(index, "9434765919")).toEqual({ person_id: "p-resident", link_status: "linked", link_method: "nhs_number" })
    expect(linkByNhsNumber(index, { valid: true, nhsNumber: "9434765919" })).toMatchObject({ link_status: "linked" })
  })

  it("keeps a valid number that is not a resident's as not_resident", () => {
    expect(linkByNhsNumber(index, "9000000009")).toEqual({ person_id: "p-9000000009", link_status: "not_resident", link_method: null })
  })

  it("leaves missing and invalid numbers unlinked, for demographic matching", () => {
    expect(linkByNhsNumber(index, undefined)).toEqual({ person_id: null, link_status: "no_nhs_number", link_method: null })
    expect(linkByNhsNumber(index, { valid: false, problem: "nhs_number_check_digit" })).toEqual({
      person_id: null,
      link_status: "invalid_nhs_number",
      link_method: null
    })
  })

  it("excludes people who opted out before linking", () => {
    expect(linkByNhsNumber(index, "4010232137")).toBe("opted_out")
  })
})
