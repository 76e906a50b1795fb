/**
 * Linking one record to a resident: by NHS number when it has a valid one,
 * otherwise by demographics, otherwise not at all (and saying why).
 *
 * A valid NHS number links by its pseudonym and is never re-linked by
 * demographics: a valid number that is not a resident's stays `not_resident`.
 * A missing or invalid number falls to the demographic ladder when the record
 * carries names and a date of birth. Records of people who opted out of
 * secondary use, by NHS number or by a demographic match, are excluded.
 * `linkageIndex` builds what links look up from the spine, for whatever loads records.
 */
import { type DemographicIndex, type Demographics, demographicsOf, indexSpine } from "./demographicMatch.js"
import type { NhsNumberCheck } from "../schemas/fields/nhsNumber.js"
import type { LinkStatus } from "../schemas/warehouse.js"
import type { Spine } from "./spine.js"

export interface Link {
  readonly person_id: string | null
  readonly link_status: LinkStatus
  /** `nhs_number`, or the demographic tier that made (or doubted) the link. */
  readonly link_method: string | null
}

export type LinkOutcome = Link | "opted_out"

export interface LinkageIndex {
  /** Residents' pseudonyms by NHS number. */
  readonly residentPersonId: (nhsNumber: string) => string | undefined
  /** The pseudonym of any valid NHS number (residents or not). */
  readonly personIdOf: (nhsNumber: string) => string
  readonly isOptedOut: (nhsNumber: string) => boolean
  /** Residents and opted-out people by demographics. */
  readonly demographic: DemographicIndex
  readonly isOptedOutPerson: (personId: string) => boolean
}

/**
 * Everything linkage needs: residents by NHS number, and residents and
 * opted-out people by demographics (the latter so that their council records,
 * which have no NHS number, are recognised and excluded too).
 *
 * The demographic index is built when first needed, or by
 * `indexDemographics`: it is a large share of the run's memory, and the
 * sources that load before the council's never use it.
 */
export const linkageIndex = (
  spine: Spine,
  personIdOf: (nhsNumber: string) => string,
  optedOut: ReadonlySet<string>
): LinkageIndex & { readonly indexDemographics: () => void } => {
  const optedOutPersonIds = new Set(spine.optedOutResidents.map(({ nhsNumber }) => personIdOf(nhsNumber)))
  /** Residents and opted-out people, with the demographics they are matched on. */
  function* matchable() {
    const people = [
      ...spine.residents.map(({ person, registration }) => ({ personId: person.person_id, registration })),
      ...spine.optedOutResidents.map(({ nhsNumber, registration }) => ({
        personId: personIdOf(nhsNumber),
        registration
      }))
    ]
    for (const { personId, registration } of people) {
      const demographics = demographicsOf(registration)
      if (demographics !== undefined) yield { personId, demographics }
    }
  }
  let demographic: DemographicIndex | undefined
  const demographicIndex = () => (demographic ??= indexSpine(matchable()))
  return {
    residentPersonId: (nhsNumber) => spine.residentByNhsNumber.get(nhsNumber)?.person.person_id,
    personIdOf,
    isOptedOut: (nhsNumber) => optedOut.has(nhsNumber),
    demographic: { match: (record) => demographicIndex().match(record) },
    indexDemographics: () => void demographicIndex(),
    isOptedOutPerson: (personId) => optedOutPersonIds.has(personId)
  }
}

const unlinked = (link_status: LinkStatus, link_method: string | null = null): Link => ({
  person_id: null,
  link_status,
  link_method
})

export const linkByNhsNumber = (index: LinkageIndex, nhsNumber: string): LinkOutcome => {
  if (index.isOptedOut(nhsNumber)) return "opted_out"
  const resident = index.residentPersonId(nhsNumber)
  if (resident !== undefined) return { person_id: resident, link_status: "linked", link_method: "nhs_number" }
  return { person_id: index.personIdOf(nhsNumber), link_status: "not_resident", link_method: null }
}

export const linkByDemographics = (index: LinkageIndex, demographics: Demographics): LinkOutcome => {
  const match = index.demographic.match(demographics)
  switch (match.outcome) {
    case "linked":
      return index.isOptedOutPerson(match.personId)
        ? "opted_out"
        : { person_id: match.personId, link_status: "linked", link_method: match.tier }
    case "ambiguous":
      return unlinked("ambiguous", match.tier)
    case "unmatched":
      return unlinked("unmatched")
  }
}

export const linkRecord = (
  index: LinkageIndex,
  nhsNumber: NhsNumberCheck | string | undefined,
  demographics: Demographics | undefined
): LinkOutcome => {
  if (typeof nhsNumber === "string") return linkByNhsNumber(index, nhsNumber)
  if (nhsNumber?.valid === true) return linkByNhsNumber(index, nhsNumber.nhsNumber)
  if (demographics !== undefined) return linkByDemographics(index, demographics)
  return unlinked(nhsNumber === undefined ? "no_nhs_number" : "invalid_nhs_number")
}
