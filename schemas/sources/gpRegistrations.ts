/**
 * `gp_registrations`: one row per GP registration; the population spine.
 * Direct identifiers (NHS number, names, date of birth, postcode, UPRN) are
 * decoded here and never leave the secure step.
 */
import { Schema } from "effect"
import { defineSource, endNotBeforeStart, type SourceRow } from "../extractSource.js"
import {
  ExtractDate,
  NhsNumber,
  PatternCode,
  Postcode,
  PracticeCode,
  SexCode,
  Text,
  Uprn
} from "../fields/fieldTypes.js"

export const gpRegistrations = defineSource(
  "gp_registrations",
  {
    nhs_number: NhsNumber,
    family_name: Text,
    given_name: Text,
    date_of_birth: ExtractDate,
    sex: SexCode,
    postcode: Postcode,
    uprn: Schema.optionalKey(Uprn),
    practice_code: PracticeCode,
    registration_date: ExtractDate,
    deregistration_date: Schema.optionalKey(ExtractDate),
    date_of_death: Schema.optionalKey(ExtractDate),
    /** NHS ethnic category letter A–S, or Z for not stated. */
    ethnic_category: Schema.optionalKey(PatternCode(/^[A-Sa-sZz]$/))
  },
  [endNotBeforeStart("registration_date", "deregistration_date")]
)

export type GpRegistration = SourceRow<typeof gpRegistrations>
