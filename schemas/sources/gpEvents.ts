/**
 * `gp_events`: coded primary care entries. Conditions come from mapping
 * `snomed_code` through codelists; `value` holds a numeric result when coded.
 */
import { Schema } from "effect"
import { defineSource, type SourceRow } from "../extractSource.js"
import { Decimal, ExtractDate, NhsNumber, PracticeCode, SnomedCode } from "../fields/fieldTypes.js"

export const gpEvents = defineSource("gp_events", {
  nhs_number: NhsNumber,
  practice_code: Schema.optionalKey(PracticeCode),
  snomed_code: SnomedCode,
  event_date: ExtractDate,
  value: Schema.optionalKey(Decimal())
})

export type GpEvent = SourceRow<typeof gpEvents>
