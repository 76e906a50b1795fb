import { describe, expect, it } from "vitest"
import { type Demographics, indexSpine } from "../../transforms/demographicMatch.js"
import { type LinkageIndex, linkProbabilistically, linkRecord } from "../../transforms/recordLinkage.js"

const peter: Demographics = { givenName: "PETER", familyName: "BRENNAN", dateOfBirth: "1971-06-02", postcode: "E3 2AB" }
const sara: Demographics = { givenName: "SARA", familyName: "NILSSON", dateOfBirth: "1992-04-04", postcode: "E3 2AB" }

const index: LinkageIndex = {
  residentPersonId: (nhs) => (nhs === "9434765919" ? "p-peter" : undefined),
  personIdOf: (nhs) => `p-${nhs}`,
  isOptedOut: (nhs) => nhs === "4010232137",
  demographic: indexSpine([
    { personId: "p-peter", demographics: peter },
    { personId: "p-sara", demographics: sara }
  ]),
  isOptedOutPerson: (personId) => personId === "p-sara"
}

describe("linking a record", () => {
  it("links a resident's record by NHS number pseudonym", () => {
    expect(linkRecord(index, "9434765919", undefined)).toEqual({
      person_id: "p-peter",
      link_status: "linked",
      link_method: "nhs_number",
      match_weight: null
    })
    expect(linkRecord(index, { valid: true, nhsNumber: "9434765919" }, undefined)).toMatchObject({
      link_status: "linked"
    })
  })

  it("keeps a valid number that is not a resident's as not_resident, and never re-links it by demographics", () => {
    expect(linkRecord(index, "9000000009", peter)).toEqual({
      person_id: "p-9000000009",
      link_status: "not_resident",
      link_method: null,
      match_weight: null
    })
  })

  it("falls to demographics when the NHS number is missing or invalid", () => {
    const viaDemographics = { person_id: "p-peter", link_status: "linked", link_method: "exact", match_weight: null }
    expect(linkRecord(index, undefined, peter)).toEqual(viaDemographics)
    expect(linkRecord(index, { valid: false, problem: "nhs_number_check_digit" }, peter)).toEqual(viaDemographics)
  })

  it("says why a record without demographics stays unlinked", () => {
    expect(linkRecord(index, undefined, undefined)).toEqual({
      person_id: null,
      link_status: "no_nhs_number",
      link_method: null,
      match_weight: null
    })
    expect(linkRecord(index, { valid: false, problem: "nhs_number_format" }, undefined)).toEqual({
      person_id: null,
      link_status: "invalid_nhs_number",
      link_method: null,
      match_weight: null
    })
    expect(linkRecord(index, undefined, { ...peter, givenName: "NOBODY", familyName: "ATALL" })).toEqual({
      person_id: null,
      link_status: "unmatched",
      link_method: null,
      match_weight: null
    })
  })

  it("excludes opted-out people, found by NHS number or by demographics", () => {
    expect(linkRecord(index, "4010232137", undefined)).toBe("opted_out")
    expect(linkRecord(index, undefined, sara)).toBe("opted_out")
  })

  it("records the probabilistic tier's link and its weight, and still excludes opted-out people", () => {
    expect(linkProbabilistically(index, { outcome: "linked", personId: "p-peter", weight: 21.5 })).toEqual({
      person_id: "p-peter",
      link_status: "linked",
      link_method: "probabilistic",
      match_weight: 21.5
    })
    expect(linkProbabilistically(index, { outcome: "linked", personId: "p-sara", weight: 30 })).toBe("opted_out")
    expect(linkProbabilistically(index, { outcome: "ambiguous", review: [] })).toMatchObject({
      person_id: null,
      link_status: "ambiguous",
      link_method: "probabilistic"
    })
    expect(linkProbabilistically(index, { outcome: "unmatched", review: [] })).toMatchObject({
      link_status: "unmatched",
      link_method: null
    })
  })
})
