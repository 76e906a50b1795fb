/** Optional `postcode_lsoa` reference: postcode → LSOA and Index of Multiple Deprivation decile. */
import { Schema } from "effect"
import { defineSource, type SourceRow } from "../extractSource.js"
import { Decimal, PatternCode, Postcode } from "../fields/fieldTypes.js"

export const postcodeLsoa = defineSource("postcode_lsoa", {
  postcode: Postcode,
  lsoa: PatternCode(/^[EW]0\d{7}$/),
  imd_decile: Schema.optionalKey(Decimal({ min: 1, max: 10 }))
})

export type PostcodeLsoa = SourceRow<typeof postcodeLsoa>
