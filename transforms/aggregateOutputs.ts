/**
 * The disclosure-controlled shadow budget and BCF metrics, from their output
 * queries' rows: one definition shared by the published CSVs and the run
 * report, so the two always show the same figures.
 */
import { controlCount, type DisclosureRules } from "./disclosureControl.js"

type QueryRow = Readonly<Record<string, unknown>>

export interface BudgetLine {
  readonly segment: string
  readonly service_line: string
  /** People costed, controlled; null when suppressed. */
  readonly people: number | null
  /** Whole pounds; null when the people count is suppressed, so no individual's cost shows. */
  readonly cost_gbp: number | null
  readonly suppressed: boolean
}

export const controlBudget = (rows: ReadonlyArray<QueryRow>, rules: DisclosureRules): Array<BudgetLine> =>
  rows.map((row) => {
    const people = controlCount(Number(row["people"]), rules)
    return {
      segment: String(row["segment"]),
      service_line: String(row["service_line"]),
      people: people.suppressed ? null : people.count,
      cost_gbp: people.suppressed ? null : Math.round(Number(row["cost_gbp"])),
      suppressed: people.suppressed
    }
  })

export interface BcfMetric {
  readonly metric: string
  readonly numerator: number | null
  readonly denominator: number | null
  /**
   * Per 100,000 or per cent, one decimal, from the controlled numerator and
   * denominator shown beside it: a rate from the exact counts would give them
   * back (`1030, 19405, 5297.3` fits only 1028 of 19406). Null when either is
   * suppressed or nobody is counted.
   */
  readonly value: number | null
  readonly suppressed: boolean
}

export const controlBcf = (rows: ReadonlyArray<QueryRow>, rules: DisclosureRules): Array<BcfMetric> =>
  rows.map((row) => {
    const numerator = controlCount(Number(row["numerator"]), rules)
    const denominator = controlCount(Number(row["denominator"]), rules)
    const value =
      numerator.suppressed || denominator.suppressed || denominator.count === 0
        ? null
        : Math.round((numerator.count / denominator.count) * Number(row["per"]) * 10) / 10
    return {
      metric: String(row["metric"]),
      numerator: numerator.suppressed ? null : numerator.count,
      denominator: denominator.suppressed ? null : denominator.count,
      value,
      suppressed: numerator.suppressed || denominator.suppressed
    }
  })
