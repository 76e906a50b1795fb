/**
 * A workstream extract: the profile's fields only, for the profile's segment
 * only, each row under the recipient's own pseudonym instead of `person_id`.
 *
 * Rows are ordered by that pseudonym: ordered by `person_id`, two recipients'
 * files could be lined up row by row without any shared identifier.
 */
import type { ExtractProfile } from "../schemas/extractProfiles.js"
import { joinableOn } from "./kAnonymity.js"
import type { CsvValue } from "./spreadsheetSafety.js"

/** The extract's first column: the recipient's pseudonym for the person. */
export const PSEUDONYM_COLUMN = "pseudonym"

/**
 * Columns no profile may name: pseudonyms shared with the warehouse, which
 * would let extracts be joined to it and to each other.
 */
export const NEVER_EXTRACTED: ReadonlyArray<string> = ["person_id", "household_id", PSEUDONYM_COLUMN]

/** Another published file about the same people, by what it is called and the columns it carries. */
export interface OtherFile {
  readonly name: string
  readonly columns: ReadonlyArray<string>
}

/**
 * Why a profile cannot be used with the fields on offer; empty when it can.
 * A field that `others` (published files about the same people) also carry,
 * or can work out, must be a quasi-identifier: only those are generalised
 * to k, and a field left exact in both files would let their rows be
 * matched one to one.
 */
export const profileProblems = (
  profile: ExtractProfile,
  available: ReadonlyArray<string>,
  others: ReadonlyArray<OtherFile> = []
): Array<string> => {
  const problems: Array<string> = []
  const seen = new Set<string>()
  for (const field of profile.fields) {
    if (NEVER_EXTRACTED.includes(field)) problems.push(`${field} may never be extracted`)
    else if (!available.includes(field)) problems.push(`${field} is not a field an extract can carry`)
    else if (seen.has(field)) problems.push(`${field} is listed twice`)
    seen.add(field)
  }
  if (profile.fields.length === 0) problems.push("it lists no fields")
  const quasi = new Set<string>()
  for (const field of profile.quasi_identifiers) {
    if (!profile.fields.includes(field)) problems.push(`quasi-identifier ${field} is not one of its fields`)
    else if (quasi.has(field)) problems.push(`quasi-identifier ${field} is listed twice`)
    quasi.add(field)
  }
  for (const field of profile.fields) {
    const joinable = others.filter((other) => joinableOn(other.columns, field)).map((other) => other.name)
    if (joinable.length > 0 && !quasi.has(field))
      problems.push(`${field} is also in ${joinable.join(" and ")}, so it must be a quasi-identifier`)
  }
  return problems
}

export type MemberRow = Readonly<Record<string, CsvValue>> & { readonly person_id: string }

export interface ExtractTable {
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<CsvValue>>
}

/** The profile's columns for every member, keyed by `pseudonymOf(person_id)`. */
export const extractTable = (
  members: ReadonlyArray<MemberRow>,
  profile: ExtractProfile,
  pseudonymOf: (personId: string) => string
): ExtractTable => {
  const rows = members
    .map((member) => [pseudonymOf(member.person_id), ...profile.fields.map((field) => member[field])] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return { columns: [PSEUDONYM_COLUMN, ...profile.fields], rows }
}
