/**
 * Linking one record to a resident: by NHS number when it has a valid one,
 * otherwise by demographics, otherwise not at all (and saying why).
 *
 * A valid NHS number links by its pseudonym and is never re-linked by
 * demographics: a valid number that is not a resident's stays `not_resident`.
 * A missing or invalid number falls to the demographic ladder when the record
 * carries names and a date of birth; what the ladder leaves unmatched may still
 * link by the probabilistic tier, once the night's records are all read.
 * Records of people who opted out of secondary use, by NHS number or by a
 * demographic match, are excluded.
 */
import type { DemographicIndex, Demographics } from "./demographicMatch.js"
import type { NhsNumberCheck } from "../schemas/fields/nhsNumber.js"
import type { ProbabilisticMatch } from "./probabilisticMatch.js"

import type { LinkStatus } from "../schemas/warehouse.js"

export interface Link {
  readonly person_id: string | null
  readonly link_status: LinkStatus
  /** `nhs_number`, or the demographic tier that made (or doubted) the link. */
  readonly link_method: string | null
  /** Bits of evidence for a probabilistic link; null for every other. */
  readonly match_weight: number | null
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

const unlinked = (link_status: LinkStatus, link_method: string | null = null): Link => ({
  person_id: null,
  link_status,
  link_method,
  match_weight: null
})

export const linkByNhsNumber = (index: LinkageIndex, nhsNumber: string): LinkOutcome => {
  if (index.isOptedOut(nhsNumber)) return "opted_out"
  const resident = index.residentPersonId(nhsNumber)
  if (resident !== undefined)
    return { person_id: resident, link_status: "linked", link_method: "nhs_number", match_weight: null }
  return { person_id: index.personIdOf(nhsNumber), link_status: "not_resident", link_method: null, match_weight: null }
}

export const linkByDemographics = (index: LinkageIndex, demographics: Demographics): LinkOutcome => {
  const match = index.demographic.match(demographics)
  switch (match.outcome) {
    case "linked":
      return index.isOptedOutPerson(match.personId)
        ? "opted_out"
        : { person_id: match.personId, link_status: "linked", link_method: match.tier, match_weight: null }
    case "ambiguous":
      return unlinked("ambiguous", match.tier)
    case "unmatched":
      return unlinked("unmatched")
  }
}

/** The probabilistic tier's verdict on a record the ladder left unmatched. */
export const linkProbabilistically = (index: LinkageIndex, match: ProbabilisticMatch): LinkOutcome => {
  switch (match.outcome) {
    case "linked":
      return index.isOptedOutPerson(match.personId)
        ? "opted_out"
        : { person_id: match.personId, link_status: "linked", link_method: "probabilistic", match_weight: match.weight }
    case "ambiguous":
      return unlinked("ambiguous", "probabilistic")
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
