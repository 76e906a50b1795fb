/**
 * Linking a record to a resident by its NHS number.
 *
 * The spine decides who is a resident; this decides, for one record, whether
 * it reaches one. A valid NHS number links by its pseudonym; a valid number
 * that is not a resident's is kept as `not_resident`; a missing or invalid
 * number leaves the record unlinked for demographic matching. Records of
 * people who opted out of secondary use are excluded before linkage.
 */
import type { NhsNumberCheck } from "./nhsNumber.js"

export type LinkStatus = "linked" | "not_resident" | "no_nhs_number" | "invalid_nhs_number"

export interface Link {
  readonly person_id: string | null
  readonly link_status: LinkStatus
  readonly link_method: string | null
}

export type LinkOutcome = Link | "opted_out"

export interface NhsNumberIndex {
  /** Residents' pseudonyms by NHS number. */
  readonly residentPersonId: (nhsNumber: string) => string | undefined
  /** The pseudonym of any valid NHS number (residents or not). */
  readonly personIdOf: (nhsNumber: string) => string
  readonly isOptedOut: (nhsNumber: string) => boolean
}

const unlinked = (link_status: LinkStatus): Link => ({ person_id: null, link_status, link_method: null })

export const linkByNhsNumber = (index: NhsNumberIndex, nhsNumber: NhsNumberCheck | string | undefined): LinkOutcome => {
  if (nhsNumber === undefined) return unlinked("no_nhs_number")
  if (typeof nhsNumber !== "string" && !nhsNumber.valid) return unlinked("invalid_nhs_number")
  const number = typeof nhsNumber === "string" ? nhsNumber : nhsNumber.nhsNumber
  if (index.isOptedOut(number)) return "opted_out"
  const resident = index.residentPersonId(number)
  if (resident !== undefined) return { person_id: resident, link_status: "linked", link_method: "nhs_number" }
  return { person_id: index.personIdOf(number), link_status: "not_resident", link_method: null }
}
