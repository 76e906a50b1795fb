/** `housing`: council housing and housing options; no NHS number, matched on demographics. */
import { Schema } from "effect"
import { defineSource, endNotBeforeStart, type SourceRow } from "../extractSource.js"
import { Code, ExtractDate, Flag, Postcode, SexCode, Text, Uprn } from "../fields/fieldTypes.js"

export const TENURES = [
  "council",
  "housing_association",
  "private_rented",
  "owner_occupier",
  "temporary_accommodation",
  "sheltered",
  "homeless",
  "other"
] as const

export const housing = defineSource(
  "housing",
  {
    household_ref: Text,
    person_ref: Text,
    family_name: Text,
    given_name: Schema.optionalKey(Text),
    date_of_birth: Schema.optionalKey(ExtractDate),
    sex: Schema.optionalKey(SexCode),
    postcode: Postcode,
    uprn: Schema.optionalKey(Uprn),
    tenure: Code(TENURES),
    overcrowded: Schema.optionalKey(Flag),
    notice_served: Schema.optionalKey(Flag),
    start_date: ExtractDate,
    end_date: Schema.optionalKey(ExtractDate)
  },
  [endNotBeforeStart("start_date", "end_date")]
)

export type HousingRecord = SourceRow<typeof housing>
