/** `benefits`: Housing Benefit and Council Tax Reduction claims; matched on demographics. */
import { Schema } from "effect"
import { defineSource, endNotBeforeStart, type SourceRow } from "../extractSource.js"
import { Code, ExtractDate, Flag, Money, Postcode, SexCode, Text, Uprn } from "../fields/fieldTypes.js"

export const benefits = defineSource(
  "benefits",
  {
    claim_ref: Text,
    person_ref: Text,
    role: Code(["claimant", "partner", "dependant", "non_dependant"]),
    family_name: Text,
    given_name: Schema.optionalKey(Text),
    date_of_birth: Schema.optionalKey(ExtractDate),
    sex: Schema.optionalKey(SexCode),
    postcode: Postcode,
    uprn: Schema.optionalKey(Uprn),
    benefit_type: Code(["housing_benefit", "council_tax_reduction", "discretionary_housing_payment"]),
    universal_credit: Schema.optionalKey(Flag),
    weekly_amount: Schema.optionalKey(Money),
    start_date: ExtractDate,
    end_date: Schema.optionalKey(ExtractDate)
  },
  [endNotBeforeStart("start_date", "end_date")]
)

export type BenefitClaim = SourceRow<typeof benefits>
