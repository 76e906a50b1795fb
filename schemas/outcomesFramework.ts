/**
 * The outcomes framework file (`rules/outcomes-v1.json`): the partnership's
 * i-statements, each with the indicators that measure it from the linked
 * extracts, or with what measuring it would need. Analysts change the
 * statements' wording, grouping and indicators' definitions here, not in code.
 */
import { Schema } from "effect"

/** The five domains of the framework, in the order it reads. */
export const OUTCOME_DOMAINS = [
  "Integrated health and care system",
  "Wider determinants of health",
  "Healthy lives",
  "Quality of care and support",
  "Quality of life"
] as const

/**
 * The indicators `sql/outputs/outcome_indicators.sql` computes, as it names
 * them: a file can only name an indicator the run measures.
 */
export const OUTCOME_INDICATORS = [
  "emergency_readmission_30d",
  "universal_credit",
  "temporary_accommodation",
  "overcrowding",
  "gp_use",
  "community_mental_health_use",
  "ae_attendances",
  "emergency_admissions",
  "pi_living_at_home",
  "free_school_meals",
  "persistent_absence",
  "ehc_plan",
  "poor_air_quality",
  "high_crime_area"
] as const

/** The optional reference sources an indicator may need; without one it is not measured that night. */
export const OUTCOME_REFERENCE_SOURCES = ["lsoa_environment"] as const

export const OutcomeIndicator = Schema.Struct({
  id: Schema.Literals(OUTCOME_INDICATORS),
  title: Schema.NonEmptyString,
  definition: Schema.NonEmptyString,
  numerator: Schema.NonEmptyString,
  denominator: Schema.NonEmptyString,
  /** The rate is per this many of the denominator: 100 for a percentage. */
  per: Schema.Literals([100, 1000, 100000]),
  /** The extract fields (`source.field`) or codelists the indicator reads. */
  sources: Schema.NonEmptyArray(Schema.NonEmptyString),
  /** The optional reference source the indicator reads: a night without it says so in place of figures. */
  requires: Schema.optionalKey(Schema.Literals(OUTCOME_REFERENCE_SOURCES))
})
export type OutcomeIndicator = typeof OutcomeIndicator.Type

const StatementFields = {
  id: Schema.String.check(Schema.isPattern(/^[a-z]+-\d+$/)),
  domain: Schema.Literals(OUTCOME_DOMAINS),
  statement: Schema.NonEmptyString
}

/** A statement the extracts measure, through one indicator or more. */
const MeasuredStatement = Schema.Struct({
  ...StatementFields,
  indicators: Schema.NonEmptyArray(OutcomeIndicator)
})

/** A statement the extracts cannot measure, saying what would (a survey, a reference file). */
const UnmeasuredStatement = Schema.Struct({
  ...StatementFields,
  notMeasurable: Schema.String.check(Schema.isPattern(/^not measurable from these extracts.*: needs .+/))
})

export const OutcomeStatement = Schema.Union([MeasuredStatement, UnmeasuredStatement])
export type OutcomeStatement = typeof OutcomeStatement.Type

/** The ids that appear more than once. */
const repeated = (ids: ReadonlyArray<string>) => [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))]

/** Statement and indicator ids are each used once: outcomes.csv keys its rows by them. */
export const OutcomesFramework = Schema.Struct({
  version: Schema.String,
  source: Schema.String,
  statements: Schema.NonEmptyArray(OutcomeStatement)
}).check(
  Schema.makeFilter(({ statements }) => {
    const twice = [
      ...repeated(statements.map((statement) => statement.id)),
      ...repeated(
        statements.flatMap((statement) =>
          "indicators" in statement ? statement.indicators.map((indicator) => indicator.id) : []
        )
      )
    ]
    return twice.length === 0 ? undefined : `${twice.join(", ")} appear more than once`
  })
)
export type OutcomesFramework = typeof OutcomesFramework.Type
