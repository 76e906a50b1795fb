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
    windowStart: "2025-11-21",
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
    expect(spine.optedOutResidents.map((r) => r.demographics?.givenName)).toEqual(["SARA"])
    expect(spine.residentByNhsNumber.has("4010232137")).toBe(false)
    // Counted nowhere, so no two published figures differ by the number who opted out.
    expect(spine.peopleByStatus.resident).toBe(1)
    expect(Object.values(spine.peopleByStatus).reduce((a, b) => a + b, 0)).toBe(1)
  })

  it("keeps who died or left the borough's practices during the window apart from residents, with their age then", () => {
    const spine = spineOf(
      [
        registration({ nhs_number: "9000000009", date_of_death: "2026-11-18", deregistration_date: "2026-11-18" }),
        // Moved between two borough practices, then away: left when the second registration ended.
        registration({ nhs_number: "4010232137", deregistration_date: "2026-02-01" }),
        registration({ nhs_number: "4010232137", registration_date: "2026-02-01", deregistration_date: "2026-06-30" }),
        // Registered outside the borough now: left when the borough registration ended.
        registration({ nhs_number: "1000000060", deregistration_date: "2026-03-01" }),
        registration({ nhs_number: "1000000060", practice_code: "Y02999", registration_date: "2026-03-01" }),
        // Not residents during the window: died, or left, before it began.
        registration({ nhs_number: "9434765927", date_of_death: "2025-11-20" }),
        registration({ nhs_number: "9434765935", deregistration_date: "2025-11-21" }),
        // Registered only outside the borough.
        registration({ nhs_number: "9434765943", practice_code: "Y02999", date_of_death: "2026-05-01" }),
        // Opted out: in no figure.
        registration({ nhs_number: "9434765951", date_of_death: "2026-05-01" }),
        registration({})
      ],
      ["9434765951"]
    )
    expect(spine.windowLeavers).toEqual([
      {
        person_id: "p-1000000060",
        age_years: 72,
        practice_code: "F84003",
        left_on: "2026-03-01",
        reason: "deregistered"
      },
      {
        person_id: "p-4010232137",
        age_years: 73,
        practice_code: "F84003",
        left_on: "2026-06-30",
        reason: "deregistered"
      },
      { person_id: "p-9000000009", age_years: 73, practice_code: "F84003", left_on: "2026-11-18", reason: "died" }
    ])
    expect(spine.residents.map((r) => r.person.person_id)).toEqual(["p-9434765919"])
  })
})
