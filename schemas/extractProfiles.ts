/**
 * Workstream extract profiles (`rules/extract-profiles-v1.json`): for each
 * workstream, who receives its extract and the only fields they may receive.
 * Information governance changes these lists here, not in code.
 */
import { Schema } from "effect"

export const WORKSTREAMS = {
  "born-well": "BWGW",
  "living-well": "LW",
  "promoting-independence": "PI"
} as const
export type Workstream = keyof typeof WORKSTREAMS

export const ExtractProfile = Schema.Struct({
  workstream: Schema.Literals(["born-well", "living-well", "promoting-independence"]),
  /** Who receives the extract; their pseudonyms are derived from this name. */
  recipient: Schema.NonEmptyString,
  /** Columns of `sql/extracts/workstream_members.sql`, in the order the file carries them. */
  fields: Schema.Array(Schema.String)
})
export type ExtractProfile = typeof ExtractProfile.Type

export const ExtractProfiles = Schema.Struct({
  version: Schema.String,
  profiles: Schema.Array(ExtractProfile)
})
export type ExtractProfiles = typeof ExtractProfiles.Type
