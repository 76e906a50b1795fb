/** `childrens_social_care`: council children's services episodes (CIN, CP, CLA, care leavers). */
import { Schema } from "effect"
import { defineSource, endNotBeforeStart, type SourceRow } from "../extractSource.js"
import { Code, ExtractDate, NhsNumberIfValid, Postcode, SexCode, Text } from "../fields/fieldTypes.js"

export const CSC_STATUSES = ["CIN", "CP", "CLA", "CARE_LEAVER"] as const

export const childrensSocialCare = defineSource(
  "childrens_social_care",
  {
    child_id: Text,
    nhs_number: Schema.optionalKey(NhsNumberIfValid),
    family_name: Schema.optionalKey(Text),
    given_name: Schema.optionalKey(Text),
    date_of_birth: Schema.optionalKey(ExtractDate),
    sex: Schema.optionalKey(SexCode),
    postcode: Schema.optionalKey(Postcode),
    status: Code(CSC_STATUSES),
    start_date: ExtractDate,
    end_date: Schema.optionalKey(ExtractDate)
  },
  [endNotBeforeStart("start_date", "end_date")]
)

export type ChildrensSocialCareEpisode = SourceRow<typeof childrensSocialCare>
