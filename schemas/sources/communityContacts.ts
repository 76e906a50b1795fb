/** `community_contacts`: community and mental health service contacts. */
import { Schema } from "effect"
import { defineSource, type SourceRow } from "../extractSource.js"
import { Code, ExtractDate, NhsNumber, PatternCode } from "../fields/fieldTypes.js"

export const COMMUNITY_SERVICES = [
  "district_nursing",
  "rapid_response",
  "admission_avoidance_discharge",
  "rehabilitation",
  "community_mental_health",
  "talking_therapies",
  "crisis",
  "other"
] as const

/** A contact has a date but no time: two visits on one day (insulin twice daily) are two equal rows. */
export const communityContacts = defineSource(
  "community_contacts",
  {
    nhs_number: NhsNumber,
    provider_code: Schema.optionalKey(PatternCode(/^[A-Za-z0-9]{3,6}$/)),
    service: Code(COMMUNITY_SERVICES),
    contact_date: ExtractDate
  },
  [],
  { identicalRowsRecur: true }
)

export type CommunityContact = SourceRow<typeof communityContacts>
