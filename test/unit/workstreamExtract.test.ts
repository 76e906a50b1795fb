import { describe, expect, it } from "vitest"
import type { ExtractProfile } from "../../schemas/extractProfiles.js"
import { extractTable, profileProblems } from "../../transforms/workstreamExtract.js"

const profile: ExtractProfile = {
  workstream: "living-well",
  recipient: "Living Well workstream lead",
  fields: ["age_band", "ltc_count"]
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
