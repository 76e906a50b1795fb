/**
 * The population spine: from every decoded GP registration row to one
 * pseudonymised `person` row per resident, and the index that links other
 * sources' records to them by NHS number.
 *
 * Everything identifying stays in this module's inputs and in the in-memory
 * index; the `person` rows keep only what the identifier policy allows: year
 * of birth, age and age band on the as-of date, sex, ethnic category, LSOA and
 * deprivation decile (or the postcode district), practice, and `household_id`.
 */
import type { GpRegistration } from "../schemas/sources/gpRegistrations.js"
import type { PersonTable, WindowLeaverTable } from "../schemas/warehouse.js"
import { ageBand, ageInYears } from "../schemas/fields/extractDate.js"
import { postcodeDistrict } from "../schemas/fields/postcode.js"
import { type Demographics, demographicsOf } from "./demographicMatch.js"
import { decideResidency, leftDuringWindow, type ResidencyStatus } from "./residency.js"

export interface AreaOfPostcode {
  readonly lsoa: string
  readonly imdDecile: number | undefined
}

export interface SpineInputs {
  readonly registrations: ReadonlyMap<string, ReadonlyArray<GpRegistration>>
  readonly coveredPractices: ReadonlySet<string>
  readonly optedOut: ReadonlySet<string>
  readonly areaOfPostcode: ReadonlyMap<string, AreaOfPostcode>
  readonly asOf: string
  /** The first day of the window the figures cover: who left after it is still counted in them. */
  readonly windowStart: string
  readonly personIdOf: (nhsNumber: string) => string
  readonly householdIdOf: (uprn: string) => string
}

/**
 * A resident as held in memory during linkage: identifiers included, never
 * stored. Of the registration only what linkage matches on is kept (none
 * without a family name): the whole row, held for every resident through the
 * run, cost about 180 MB of peak memory at a million residents.
 */
export interface SpineResident {
  readonly nhsNumber: string
  readonly demographics: Demographics | undefined
  readonly person: PersonTable
}

export interface Spine {
  /** Residents in `person_id` order, so the warehouse is written deterministically. */
  readonly residents: ReadonlyArray<SpineResident>
  readonly residentByNhsNumber: ReadonlyMap<string, SpineResident>
  /** People on the spine by residency status; residents who opted out are not counted anywhere. */
  readonly peopleByStatus: Readonly<Record<ResidencyStatus, number>>
  readonly conflictingDateOfBirth: number
  /**
   * People who were residents during the window but died or left before the
   * as-of date, in `person_id` order: their records link as `not_resident`
   * under the same pseudonym, and count in the window's activity up to the day
   * they left. Never residents: no list, segment or summary has them.
   */
  readonly windowLeavers: ReadonlyArray<WindowLeaverTable>
  /**
   * Residents excluded because they opted out of secondary use: kept in memory
   * only so that their council records, which carry no NHS number, can be
   * recognised and excluded too.
   */
  readonly optedOutResidents: ReadonlyArray<Pick<SpineResident, "nhsNumber" | "demographics">>
}

const toPerson = (registration: GpRegistration, inputs: SpineInputs): PersonTable => {
  const age = ageInYears(registration.date_of_birth, inputs.asOf)
  const area = inputs.areaOfPostcode.get(registration.postcode)
  return {
    person_id: inputs.personIdOf(registration.nhs_number),
    year_of_birth: Number(registration.date_of_birth.slice(0, 4)),
    age_years: age,
    age_band: ageBand(age),
    sex: registration.sex,
    ethnic_category: registration.ethnic_category ?? null,
    practice_code: registration.practice_code,
    registration_date: registration.registration_date,
    lsoa: area?.lsoa ?? null,
    imd_decile: area?.imdDecile ?? null,
    postcode_district: postcodeDistrict(registration.postcode),
    household_id: registration.uprn === undefined ? null : inputs.householdIdOf(registration.uprn)
  }
}

const registrationFacts = (row: GpRegistration) => ({
  practiceCode: row.practice_code,
  registrationDate: row.registration_date,
  deregistrationDate: row.deregistration_date,
  dateOfDeath: row.date_of_death,
  dateOfBirth: row.date_of_birth,
  row
})

export const buildSpine = (inputs: SpineInputs): Spine => {
  const peopleByStatus: Record<ResidencyStatus, number> = {
    resident: 0,
    deregistered: 0,
    not_yet_registered: 0,
    deceased: 0,
    practice_not_covered: 0
  }
  let conflictingDateOfBirth = 0
  const optedOutResidents: Array<Spine["optedOutResidents"][number]> = []
  const residents: Array<SpineResident> = []
  const windowLeavers: Array<WindowLeaverTable> = []
  for (const [nhsNumber, rows] of inputs.registrations) {
    const decision = decideResidency(rows.map(registrationFacts), inputs.asOf, inputs.coveredPractices)
    const registration = decision.registration.row
    // Opted-out people are in no secondary-use figure, whether they stayed or left.
    if (decision.status !== "resident" && !inputs.optedOut.has(nhsNumber)) {
      const leaving = leftDuringWindow(
        rows.map(registrationFacts),
        inputs.windowStart,
        inputs.asOf,
        inputs.coveredPractices
      )
      if (leaving !== undefined) {
        windowLeavers.push({
          person_id: inputs.personIdOf(nhsNumber),
          age_years: ageInYears(leaving.registration.dateOfBirth, leaving.leftOn),
          practice_code: leaving.registration.practiceCode,
          left_on: leaving.leftOn,
          reason: leaving.reason
        })
      }
    }
    // Opted-out residents stay out of the spine's figures too: the difference
    // between two counts would otherwise publish exactly how many opted out.
    if (decision.status === "resident" && inputs.optedOut.has(nhsNumber)) {
      optedOutResidents.push({ nhsNumber, demographics: demographicsOf(registration) })
      continue
    }
    peopleByStatus[decision.status]++
    if (decision.conflictingDateOfBirth) conflictingDateOfBirth++
    if (decision.status !== "resident") continue
    residents.push({ nhsNumber, demographics: demographicsOf(registration), person: toPerson(registration, inputs) })
  }
  residents.sort((a, b) => (a.person.person_id < b.person.person_id ? -1 : 1))
  windowLeavers.sort((a, b) => (a.person_id < b.person_id ? -1 : 1))
  return {
    residents,
    residentByNhsNumber: new Map(residents.map((resident) => [resident.nhsNumber, resident])),
    peopleByStatus,
    conflictingDateOfBirth,
    windowLeavers,
    optedOutResidents
  }
}
