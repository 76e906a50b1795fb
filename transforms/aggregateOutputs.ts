/**
 * The disclosure-controlled BCF metrics, from their output query's rows: one
 * definition shared by the published CSV and the run report, so the two
 * always show the same figures (the shadow budget's is `shadowBudget.ts`).
 */
import { controlledRate, type DisclosureRules, publishedCount } from "./disclosureControl.js"
import type { Population } from "./residentCounts.js"

type QueryRow = Readonly<Record<string, unknown>>

export interface BcfMetric {
  readonly metric: string
  readonly numerator: number | null
  readonly denominator: number | null
  /**
   * Per 100,000 or per cent from the controlled numerator and denominator
   * shown beside it, to no more precision than they carry: a rate from the
   * exact counts would give them back (`1030, 19405, 5297.3` fits only 1028
   * of 19406). Null when either is suppressed or nobody is counted.
   */
  readonly value: number | null
  readonly suppressed: boolean
}

export const controlBcf = (
  rows: ReadonlyArray<QueryRow>,
  rules: DisclosureRules,
  populations: ReadonlyArray<Population> = []
): Array<BcfMetric> =>
  rows.map((row) => {
    const numerator = publishedCount(Number(row["numerator"]), rules)
    // A denominator that is a population the report shows with its parts (residents, those 65+) is
    // published as that population is, secondary suppression included, or it would give the parts back.
    const exact = Number(row["denominator"])
    const population = populations.find((candidate) => candidate.exact === exact)?.controlled
    const denominator =
      population === undefined ? publishedCount(exact, rules) : population.suppressed ? null : population.count
    return {
      metric: String(row["metric"]),
      numerator,
      denominator,
      value: controlledRate(numerator, denominator, Number(row["per"]), rules),
      suppressed: numerator === null || denominator === null
    }
  })
