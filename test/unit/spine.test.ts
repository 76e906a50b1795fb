import { describe, expect, it } from "vitest"
import type { GpRegistration } from "../../schemas/sources/gpRegistrations.js"
import { buildSpine } from "../../transforms/spine.js"

const registration = (overrides: Partial<GpRegistration>): GpRegistration => ({
  nhs_number: "9434765919",
  family_name: "Whitfield",
  given_name: "Joan",
  date_of_birth: "1953-03-14",
  sex: "female",
  postcode: "E1 6AN",
  uprn: "100023000001",
  practice_code: "F84003",
  registration_date: "1998-06-01",
  ethnic_category: "A",
  ...overrides
})

const spineOf = (rows: ReadonlyArray<GpRegistration>, optedOut: ReadonlyArray<string> = []) => {
  const registrations = new Map<string, Array<GpRegistration>>()
  for (const row of rows) registrations.set(row.nhs_number, [...(registrations.get(row.nhs_number) ?? []), row])
  return buildSpine({
    registrations,
    coveredPractices: new Set(["F84003"]),
    optedOut: new Set(optedOut),
    areaOfPostcode: new Map([["E1 6AN", { lsoa: "E01004290", imdDecile: 2 }]]),
    asOf: "2026-11-20",
    personIdOf: (nhs) => `p-${nhs}`,
    householdIdOf: (uprn) => `h-${uprn}`
  })
}

describe("the spine", () => {
  it("keeps only what the identifier policy allows on a resident", () => {
    const { residents } = spineOf([registration({})])
    expect(residents.map((r) => r.person)).toEqual([
      {
        person_id: "p-9434765919",
        year_of_birth: 1953,
        age_years: 73,
        age_band: "70-74",
        sex: "female",
        ethnic_category: "A",
        practice_code: "F84003",
        registration_date: "1998-06-01",
        lsoa: "E01004290",
        imd_decile: 2,
        postcode_district: "E1",
        household_id: "h-100023000001"
      }
    ])
  })

  it("counts people by residency status and orders residents by person_id", () => {
    const spine = spineOf([
      registration({ nhs_number: "4010232137" }),
      registration({}),
      registration({ nhs_number: "9000000009", date_of_death: "2026-01-01" }),
      registration({ nhs_number: "1000000060", practice_code: "Y02999", postcode: "N1 1AA" })
    ])
    expect(spine.residents.map((r) => r.person.person_id)).toEqual(["p-4010232137", "p-9434765919"])
    expect(spine.peopleByStatus).toMatchObject({ resident: 2, deceased: 1, practice_not_covered: 1 })
  })

  it("sets opted-out residents apart, for exclusion by NHS number and by demographics", () => {
    const spine = spineOf(
      [registration({}), registration({ nhs_number: "4010232137", given_name: "Sara" })],
      ["4010232137"]
    )
    expect(spine.residents).toHaveLength(1)
    expect(spine.optedOutResidents.map((r) => r.registration.given_name)).toEqual(["Sara"])
    expect(spine.residentByNhsNumber.has("4010232137")).toBe(false)
    // Counted nowhere, so no two published figures differ by the number who opted out.
    expect(spine.peopleByStatus.resident).toBe(1)
    expect(Object.values(spine.peopleByStatus).reduce((a, b) => a + b, 0)).toBe(1)
  })
})
