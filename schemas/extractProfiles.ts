/**
 * Workstream extract profiles (`rules/extract-profiles-v1.json`): for each
 * workstream, who receives its extract, the only fields they may receive,
 * and which of those are quasi-identifiers, generalised until every
 * combination of them is shared by at least k rows. Information governance
 * changes these lists here, not in code.
 */
import { Schema } from "effect"
import { SEGMENT_CODES } from "./segments.js"

export const ExtractProfile = Schema.Struct({
  /** The segment code of the workstream whose members the extract carries. */
  workstream: Schema.Literals(SEGMENT_CODES),
  /** Who receives the extract; their pseudonyms are derived from this name. */
  recipient: Schema.NonEmptyString,
  /** Columns of `sql/extracts/workstream_members.sql`, in the order the file carries them. */
  fields: Schema.Array(Schema.String),
  /**
   * The fields that, together, could single someone out (age, sex, practice,
   * deprivation, ethnic category, risk, counts of conditions and of
   * contacts, costs, …): the extract generalises them until each of their
   * combinations it carries is shared by at least `k` rows.
   */
  quasi_identifiers: Schema.Array(Schema.String),
  /** The least number of rows that share each combination (default 5); `wsd extract --k` can only raise it. */
  k: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(2)))
})
export type ExtractProfile = typeof ExtractProfile.Type

export const ExtractProfiles = Schema.Struct({
  version: Schema.String,
  profiles: Schema.Array(ExtractProfile)
})
export type ExtractProfiles = typeof ExtractProfiles.Type
