/**
 * `adult_social_care`: council adult social care events (client-level-data-like).
 * The NHS number is often present but not always; names, date of birth and
 * postcode are there for demographic matching and are never stored.
 */
import { Schema } from "effect"
import { defineSource, endNotBeforeStart, type SourceRow } from "../extractSource.js"
import { Code, ExtractDate, Money, NhsNumberIfValid, Postcode, SexCode, Text } from "../fields/fieldTypes.js"

export const ASC_SERVICE_TYPES = [
  "residential_care",
  "nursing_care",
  "home_care",
  "direct_payment",
  "day_care",
  "reablement",
  "equipment",
  "carer_support",
  "other"
] as const

export const adultSocialCare = defineSource(
  "adult_social_care",
  {
    client_id: Text,
    nhs_number: Schema.optionalKey(NhsNumberIfValid),
    family_name: Schema.optionalKey(Text),
    given_name: Schema.optionalKey(Text),
    date_of_birth: Schema.optionalKey(ExtractDate),
    sex: Schema.optionalKey(SexCode),
    postcode: Schema.optionalKey(Postcode),
    event_type: Code(["request", "assessment", "service", "review"]),
    service_type: Schema.optionalKey(Code(ASC_SERVICE_TYPES)),
    primary_support_reason: Schema.optionalKey(
      Code(["physical", "memory_cognition", "learning_disability", "mental_health", "sensory", "social_support"])
    ),
    event_start: ExtractDate,
    event_end: Schema.optionalKey(ExtractDate),
    weekly_cost: Schema.optionalKey(Money),
    reablement_outcome_91d: Schema.optionalKey(Code(["at_home", "not_at_home", "deceased", "unknown"]))
  },
  [endNotBeforeStart("event_start", "event_end")]
)

export type AdultSocialCareEvent = SourceRow<typeof adultSocialCare>
