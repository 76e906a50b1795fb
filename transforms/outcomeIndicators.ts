/**
 * The outcomes framework's indicators as `outcomes.csv` and the report
 * publish them: each indicator's numerator and denominator in all and per
 * segment, deprivation quintile, ethnic group and locality, each a breakdown
 * of the same total. Numerators and denominators are controlled as tables
 * with that total (secondary suppression included, so the total minus the
 * groups shown never gives back a suppressed one) and each rate is worked
 * out from the controlled counts beside it. Statements the extracts cannot
 * measure are published too, with what measuring them would need, and so is
 * an indicator whose optional reference file the night lacked.
 */
import type { OutcomesFramework } from "../schemas/outcomesFramework.js"
import { SEGMENT_CODES } from "../schemas/segments.js"
import {
  type ControlledCount,
  controlledRate,
  controlLinkedCounts,
  type DisclosureRules,
  type Margin
} from "./disclosureControl.js"
import { ETHNIC_CATEGORIES, ethnicGroupName } from "./ethnicCategory.js"

/** One row of `outcome_indicators.sql`: one indicator's counts in one cell, before control. */
export interface OutcomeCount {
  readonly indicator: string
  readonly segment: string
  readonly imd_quintile: string
  readonly ethnic_category: string
  readonly locality: string
  readonly numerator: number
  readonly denominator: number
}

export const outcomeCount = (row: Readonly<Record<string, unknown>>): OutcomeCount => ({
  indicator: String(row["indicator"]),
  segment: String(row["segment"]),
  imd_quintile: String(row["imd_quintile"]),
  ethnic_category: String(row["ethnic_category"] ?? ""),
  locality: String(row["locality"]),
  numerator: Number(row["numerator"]),
  denominator: Number(row["denominator"])
})

/** Quintile 1 is the most deprived fifth of LSOAs (IMD deciles 1–2), 5 the least (9–10). */
export const MOST_DEPRIVED_QUINTILE = "1"
export const LEAST_DEPRIVED_QUINTILE = "5"
const QUINTILES = ["1", "2", "3", "4", "5", "unknown"]

const ETHNIC_GROUPS = [...new Set(Object.values(ETHNIC_CATEGORIES).map((category) => category.group)), "Not recorded"]

/** How a rate per `per` reads: `%`, `per 1,000`. */
export const rateUnit = (per: number): string => (per === 100 ? "%" : `per ${per.toLocaleString("en-GB")}`)

export type OutcomeDimension = "all" | "segment" | "deprivation_quintile" | "ethnic_group" | "locality"

const groupOf = (row: OutcomeCount, dimension: OutcomeDimension): string => {
  switch (dimension) {
    case "all":
      return "all"
    case "segment":
      return row.segment
    case "deprivation_quintile":
      return row.imd_quintile
    case "ethnic_group":
      return ethnicGroupName(row.ethnic_category)
    case "locality":
      return row.locality
  }
}

export interface OutcomeRow {
  readonly domain: string
  readonly statement_id: string
  readonly statement: string
  /** Null for a statement the extracts cannot measure. */
  readonly indicator: string | null
  readonly title: string | null
  readonly dimension: OutcomeDimension | null
  readonly group: string | null
  /** Controlled; null when suppressed. */
  readonly numerator: number | null
  readonly denominator: number | null
  /** From the controlled counts (`controlledRate`); null when either is suppressed or the denominator is 0. */
  readonly rate: number | null
  readonly per: number | null
  readonly suppressed: boolean
  /** Why a statement or indicator is not measured, and what would measure it. */
  readonly note: string | null
}

const key = (part: "numerator" | "denominator", dimension: OutcomeDimension, group: string) =>
  `${part}\u0000${dimension}\u0000${group}`

/**
 * Every statement of `framework` in file order, each indicator from `counts`;
 * `references` are the optional reference sources the night had rows of.
 */
export const outcomeRows = (
  framework: OutcomesFramework,
  counts: ReadonlyArray<OutcomeCount>,
  localities: ReadonlyArray<string>,
  references: ReadonlySet<string>,
  rules: DisclosureRules
): Array<OutcomeRow> => {
  const groups: ReadonlyArray<readonly [OutcomeDimension, ReadonlyArray<string>]> = [
    ["all", ["all"]],
    ["segment", SEGMENT_CODES],
    ["deprivation_quintile", QUINTILES],
    ["ethnic_group", ETHNIC_GROUPS],
    ["locality", localities]
  ]
  const rows: Array<OutcomeRow> = []
  for (const statement of framework.statements) {
    const about = { domain: statement.domain, statement_id: statement.id, statement: statement.statement }
    if (!("indicators" in statement)) {
      rows.push({
        ...about,
        indicator: null,
        title: null,
        dimension: null,
        group: null,
        numerator: null,
        denominator: null,
        rate: null,
        per: null,
        suppressed: false,
        note: statement.notMeasurable
      })
      continue
    }
    for (const indicator of statement.indicators) {
      if (indicator.requires !== undefined && !references.has(indicator.requires)) {
        rows.push({
          ...about,
          indicator: indicator.id,
          title: indicator.title,
          dimension: null,
          group: null,
          numerator: null,
          denominator: null,
          rate: null,
          per: indicator.per,
          suppressed: false,
          note: `not measured this run: needs ${indicator.requires}.csv in the inbox, absent or empty`
        })
        continue
      }
      const exact = new Map<string, number>()
      for (const [dimension, names] of groups) {
        for (const group of names) {
          exact.set(key("numerator", dimension, group), 0)
          exact.set(key("denominator", dimension, group), 0)
        }
      }
      for (const row of counts.filter((count) => count.indicator === indicator.id)) {
        for (const [dimension] of groups) {
          const group = groupOf(row, dimension)
          const numerator = key("numerator", dimension, group)
          const denominator = key("denominator", dimension, group)
          exact.set(numerator, (exact.get(numerator) ?? 0) + row.numerator)
          exact.set(denominator, (exact.get(denominator) ?? 0) + row.denominator)
        }
      }
      const margins: Array<Margin> = (["numerator", "denominator"] as const).flatMap((part) =>
        groups
          .filter(([dimension]) => dimension !== "all")
          .map(([dimension, names]) => ({
            total: key(part, "all", "all"),
            cells: names.map((group) => key(part, dimension, group))
          }))
      )
      const controlled = controlLinkedCounts(exact, margins, rules)
      const shown = (cell: string): number | null => {
        const count: ControlledCount = controlled.get(cell) ?? { suppressed: false, count: 0 }
        return count.suppressed ? null : count.count
      }
      for (const [dimension, names] of groups) {
        for (const group of names) {
          const numerator = shown(key("numerator", dimension, group))
          const denominator = shown(key("denominator", dimension, group))
          rows.push({
            ...about,
            indicator: indicator.id,
            title: indicator.title,
            dimension,
            group,
            numerator,
            denominator,
            rate: controlledRate(numerator, denominator, indicator.per, rules),
            per: indicator.per,
            suppressed: numerator === null || denominator === null,
            note: null
          })
        }
      }
    }
  }
  return rows
}

export interface OutcomeGradient {
  readonly statement_id: string
  readonly indicator: string
  readonly title: string
  readonly per: number
  readonly most_deprived: number | null
  readonly least_deprived: number | null
  /** Most deprived over least deprived, to two decimals; null when either rate is not shown or the least is 0. */
  readonly ratio: number | null
}

/** Each indicator's rate in the most and in the least deprived quintile, from `outcomeRows`' controlled rates. */
export const outcomeGradients = (rows: ReadonlyArray<OutcomeRow>): Array<OutcomeGradient> => {
  const rateIn = (indicator: string, quintile: string) =>
    rows.find(
      (row) => row.indicator === indicator && row.dimension === "deprivation_quintile" && row.group === quintile
    )?.rate ?? null
  return rows
    .filter((row) => row.indicator !== null && row.dimension === "all")
    .map((row) => {
      const indicator = row.indicator!
      const most = rateIn(indicator, MOST_DEPRIVED_QUINTILE)
      const least = rateIn(indicator, LEAST_DEPRIVED_QUINTILE)
      return {
        statement_id: row.statement_id,
        indicator,
        title: row.title ?? indicator,
        per: row.per ?? 100,
        most_deprived: most,
        least_deprived: least,
        ratio: most === null || least === null || least === 0 ? null : Math.round((most / least) * 100) / 100
      }
    })
}
