/**
 * `acute_activity`: hospital activity from the acute trust (SUS/ECDS-like).
 * The NHS number may be blank for some A&E attendances; such rows are kept and
 * counted as unlinked rather than quarantined.
 */
import { Schema } from "effect"
import { defineSource, endNotBeforeStart, type SourceRow } from "../extractSource.js"
import { Code, ExtractDate, Money, NhsNumberIfValid, PatternCode } from "../fields/fieldTypes.js"

export const ACTIVITY_TYPES = ["AE", "APC", "OP"] as const

/**
 * NHS Data Dictionary DISCHARGE DESTINATION CODE (HOSPITAL PROVIDER SPELL),
 * the codes of the current release and of the one before (trusts send
 * either): 19 usual place of residence, 29 temporary residence, 30
 * repatriation from high security, 37 court, 38 penal establishment or police
 * station (40 penal establishment, 42 police station), 48–53 another hospital
 * provider's ward, 54 NHS care home (55 with, 56 without nursing), 65 local
 * authority residential accommodation, 66 foster care, 79 died or still
 * birth, 84 and 87 a non-NHS hospital, 85 non-NHS care home, 88 hospice, 89
 * forced repatriation, 98 spell not finished, 99 not known. A code, never
 * text: a destination written out can name a person or a place.
 */
export const DISCHARGE_DESTINATIONS = [
  "19",
  "29",
  "30",
  "37",
  "38",
  "40",
  "42",
  "48",
  "49",
  "50",
  "51",
  "52",
  "53",
  "54",
  "55",
  "56",
  "65",
  "66",
  "79",
  "84",
  "85",
  "87",
  "88",
  "89",
  "98",
  "99"
] as const

export const acuteActivity = defineSource(
  "acute_activity",
  {
    nhs_number: Schema.optionalKey(NhsNumberIfValid),
    provider_code: Schema.optionalKey(PatternCode(/^[A-Za-z0-9]{3,6}$/)),
    activity_type: Code(ACTIVITY_TYPES),
    /** APC only: `11`–`13` elective, `2x` emergency, `31`/`32` maternity, `81`–`83` other. */
    admission_method: Schema.optionalKey(PatternCode(/^(1[1-3]|2[1-9A-Da-d]|3[12]|8[1-3])$/)),
    start_date: ExtractDate,
    end_date: Schema.optionalKey(ExtractDate),
    primary_diagnosis: Schema.optionalKey(PatternCode(/^[A-Za-z]\d{2}(\.?[0-9A-Za-z]{1,2})?[A-Za-z]?$/)),
    discharge_destination: Schema.optionalKey(Code(DISCHARGE_DESTINATIONS)),
    cost: Schema.optionalKey(Money)
  },
  [endNotBeforeStart("start_date", "end_date")]
)

export type AcuteActivity = SourceRow<typeof acuteActivity>
