/**
 * `acute_activity`: hospital activity from the acute trust (SUS/ECDS-like).
 * The NHS number may be blank for some A&E attendances; such rows are kept and
 * counted as unlinked rather than quarantined.
 */
import { Schema } from "effect"
import { defineSource, endNotBeforeStart, type SourceRow } from "../extractSource.js"
import { Code, ExtractDate, Money, NhsNumberIfValid, PatternCode, Text } from "../fields/fieldTypes.js"

export const ACTIVITY_TYPES = ["AE", "APC", "OP"] as const

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
    discharge_destination: Schema.optionalKey(Text),
    cost: Schema.optionalKey(Money)
  },
  [endNotBeforeStart("start_date", "end_date")]
)

export type AcuteActivity = SourceRow<typeof acuteActivity>
