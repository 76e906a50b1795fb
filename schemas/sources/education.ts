/** `education`: School Census and SEN returns; matched on demographics. */
import { Schema } from "effect"
import { defineSource, type SourceRow } from "../extractSource.js"
import { Code, Count, Decimal, ExtractDate, Flag, PatternCode, Postcode, SexCode, Text } from "../fields/fieldTypes.js"

export const education = defineSource("education", {
  /** Unique pupil number: a letter, 11 digits and a final digit or letter. */
  upn: PatternCode(/^[A-Za-z]\d{11}[0-9A-Za-z]$/),
  family_name: Text,
  given_name: Schema.optionalKey(Text),
  date_of_birth: Schema.optionalKey(ExtractDate),
  sex: Schema.optionalKey(SexCode),
  postcode: Postcode,
  school_urn: PatternCode(/^\d{6,7}$/),
  census_date: ExtractDate,
  sen_provision: Schema.optionalKey(Code(["N", "K", "E"])),
  sen_primary_need: Schema.optionalKey(PatternCode(/^[A-Za-z]{2,4}$/)),
  fsm_eligible: Schema.optionalKey(Flag),
  attendance_pct: Schema.optionalKey(Decimal({ min: 0, max: 100 })),
  exclusions: Schema.optionalKey(Count)
})

export type EducationRecord = SourceRow<typeof education>
