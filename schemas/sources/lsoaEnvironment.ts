/**
 * Optional `lsoa_environment` reference: per LSOA, the annual mean
 * concentration of fine particulate matter and the recorded crime rate, for
 * the outcomes framework's statements about clean air and feeling safe.
 * About areas, never people; either figure may be blank for an LSOA.
 */
import { Schema } from "effect"
import { defineSource, type SourceRow } from "../extractSource.js"
import { Decimal, PatternCode } from "../fields/fieldTypes.js"

export const lsoaEnvironment = defineSource("lsoa_environment", {
  lsoa: PatternCode(/^[EW]0\d{7}$/),
  /** Annual mean PM2.5, µg/m³ (e.g. the London Atmospheric Emissions Inventory's modelled concentration). */
  pm25_ugm3: Schema.optionalKey(Decimal({ min: 0, max: 200 })),
  /** Recorded crimes in a year per 1,000 residents of the LSOA (police.uk). */
  crimes_per_1000: Schema.optionalKey(Decimal({ min: 0, max: 100000 }))
})

export type LsoaEnvironment = SourceRow<typeof lsoaEnvironment>
