import { describe, expect, it } from "vitest"
import type { ExtractProfile } from "../../schemas/extractProfiles.js"
import { kAnonymise } from "../../transforms/kAnonymity.js"
import { extractTable, profileProblems } from "../../transforms/workstreamExtract.js"

const profile: ExtractProfile = {
  workstream: "LW",
  recipient: "Living Well workstream lead",
  fields: ["age_band", "ltc_count"],
  quasi_identifiers: []
}
const available = ["person_id", "segment", "age_band", "ltc_count", "sex"]

describe("workstream extracts", () => {
  it("accept a profile naming fields on offer", () => {
    expect(profileProblems(profile, available)).toEqual([])
  })

  it("refuse shared pseudonyms, unknown and repeated fields, and empty profiles", () => {
    const fields = ["person_id", "household_id", "nhs_number", "age_band", "age_band"]
    expect(profileProblems({ ...profile, fields }, available)).toEqual([
      "person_id may never be extracted",
      "household_id may never be extracted",
      "nhs_number is not a field an extract can carry",
      "age_band is listed twice"
    ])
    expect(profileProblems({ ...profile, fields: [] }, available)).toEqual(["it lists no fields"])
  })

  it("refuse quasi-identifiers the profile does not carry, and fields another file could be joined on left exact", () => {
    expect(profileProblems({ ...profile, quasi_identifiers: ["sex", "age_band", "age_band"] }, available)).toEqual([
      "quasi-identifier sex is not one of its fields",
      "quasi-identifier age_band is listed twice"
    ])
    const lists = { name: "the complex-cohort lists", columns: ["person_id", "practice_code", "ltcs"] }
    const other = { name: "the extract for team B", columns: ["age_band"] }
    // Locality is worked out from a practice, a count of conditions from their list.
    const withLocality = { ...profile, fields: ["age_band", "ltc_count", "locality"], quasi_identifiers: ["age_band"] }
    expect(profileProblems(withLocality, [...available, "locality"], [lists, other])).toEqual([
      "ltc_count is also in the complex-cohort lists, so it must be a quasi-identifier",
      "locality is also in the complex-cohort lists, so it must be a quasi-identifier"
    ])
    expect(profileProblems({ ...profile, quasi_identifiers: [] }, available, [other])).toEqual([
      "age_band is also in the extract for team B, so it must be a quasi-identifier"
    ])
    expect(
      profileProblems(
        { ...withLocality, quasi_identifiers: ["age_band", "ltc_count", "locality"] },
        [...available, "locality"],
        [lists, other]
      )
    ).toEqual([])
  })

  it("refuse, left exact, the flag the transitions list implies and the fields its reason codes are worked out from", () => {
    const transitions = {
      name: "the transitions list",
      columns: ["person_id", "practice_code", "age_band", "segment", "transition_reasons"]
    }
    const youngPeople: ExtractProfile = {
      workstream: "BWGW",
      recipient: "Born Well & Growing Well workstream lead",
      fields: ["age_band", "transition", "sen_provision", "csc_status", "ltcs", "attendance_pct"],
      quasi_identifiers: ["age_band"]
    }
    const offered = ["person_id", ...youngPeople.fields]
    expect(profileProblems(youngPeople, offered, [transitions])).toEqual([
      "transition is also in the transitions list, so it must be a quasi-identifier",
      "sen_provision is also in the transitions list, so it must be a quasi-identifier",
      "csc_status is also in the transitions list, so it must be a quasi-identifier",
      "ltcs is also in the transitions list, so it must be a quasi-identifier"
    ])
    const generalised = { ...youngPeople, quasi_identifiers: youngPeople.fields.slice(0, 5) }
    expect(profileProblems(generalised, offered, [transitions])).toEqual([])
  })

  it("carry the profile's fields only, under the recipient's pseudonym, in pseudonym order", () => {
    const members = [
      { person_id: "p1", segment: "LW", age_band: "30-34", ltc_count: 1, sex: "F" },
      { person_id: "p2", segment: "LW", age_band: "60-64", ltc_count: 3, sex: "M" }
    ]
    const table = extractTable(members, profile, (id) => (id === "p1" ? "zz" : "aa"))
    expect(table.columns).toEqual(["pseudonym", "age_band", "ltc_count"])
    expect(table.rows).toEqual([
      ["aa", "60-64", 3],
      ["zz", "30-34", 1]
    ])
  })
})

describe("generalising quasi-identifiers", () => {
  const practices = [
    { practice_code: "F1", pcn: "PCN 1", locality: "North" },
    { practice_code: "F2", pcn: "PCN 1", locality: "North" },
    { practice_code: "F3", pcn: "PCN 2", locality: "North" }
  ]
  // Ten people in one locality, no two at one practice of the same age: unique until generalised.
  const members = Array.from({ length: 10 }, (_, i) => ({
    person_id: `p${i}`,
    ...practices[i % 3]!,
    age_years: 70 + i,
    dementia: i % 2
  }))

  it("coarsens age and practice until each combination holds k people, and says how far in lineage", () => {
    const { rows, report } = kAnonymise(members, ["age_years", "practice_code"], 5)
    expect(report).toEqual({
      k: 5,
      quasi_identifiers: ["age_years", "practice_code"],
      generalisation: { age_years: "5-year bands", practice_code: "locality" },
      members: 10,
      share_generalised: 1,
      share_suppressed: 0,
      share_unique_before: 1,
      share_unique_after: 0,
      risk_before: 1,
      risk_after: 0.2
    })
    expect(rows.map((row) => [row.age_years, row.practice_code, row.dementia])).toEqual(
      members.map((member) => [member.age_years < 75 ? "70-74" : "75-79", "North", member.dementia])
    )
  })

  it("leaves out the people who cannot reach k, within the suppression limit", () => {
    const living = (locality: string, count: number) =>
      Array.from({ length: count }, (_, i) => ({ person_id: `${locality}${i}`, locality }))
    // One person in the South is 2% of 41: left out, and the locality kept.
    expect(kAnonymise([...living("North", 40), ...living("South", 1)], ["locality"], 5).report).toMatchObject({
      generalisation: { locality: "exact" },
      share_suppressed: 0.0244
    })
    // Three are 7% of 43, over the 5% limit: the locality is withheld before anyone is left out.
    const { rows, report } = kAnonymise([...living("North", 40), ...living("South", 3)], ["locality"], 5)
    expect(report).toMatchObject({ generalisation: { locality: "withheld" }, share_suppressed: 0 })
    expect(new Set(rows.map((row) => row.locality))).toEqual(new Set(["withheld"]))
  })
})
