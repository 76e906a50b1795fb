/** `opt_outs`: patients' objections to secondary use (type 1 and national data opt-out). */
import { Schema } from "effect"
import { defineSource, type SourceRow } from "../extractSource.js"
import { Code, ExtractDate, NhsNumber } from "../fields/fieldTypes.js"

export const optOuts = defineSource("opt_outs", {
  nhs_number: NhsNumber,
  opt_out_type: Code(["type1", "ndoo"]),
  recorded_date: Schema.optionalKey(ExtractDate)
})

export type OptOut = SourceRow<typeof optOuts>
