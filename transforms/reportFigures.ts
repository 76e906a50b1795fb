/**
 * The figures of the run report, disclosure-controlled as `cohort-summary.csv`
 * is: every count is 0, suppressed (1–7, shown as null) or rounded to the
 * nearest 5. Rates are computed from the controlled counts, to no more
 * precision than they carry, so a rate reveals nothing its counts do not; the
 * shadow budget and BCF metrics are exactly those of their CSVs.
 *
 * The figures are published beside the report (`report-figures.json`) so the
 * next run can show what changed since this one.
 */
import { Schema } from "effect"
import { controlBcf } from "./aggregateOutputs.js"
import { controlBudget } from "./shadowBudget.js"
import { SEGMENT_CODES, SEGMENT_NAMES } from "../schemas/segments.js"
import { AGE_BANDS, SEXES } from "./cohortDimensions.js"
import {
  type ControlledCount,
  controlledRate,
  type DisclosureRules,
  type MarkedCount,
  publishedCount,
  SUPPRESSED
} from "./disclosureControl.js"
import { controlResidents, type PracticeArea, type ResidentCount } from "./residentCounts.js"
import type { EquityRow } from "./linkageEquity.js"
import { ALL_SOURCES, controlRunCounts, type RunTotals } from "./runCounts.js"
import { controlTransitions, type TransitionCount } from "./transitionCounts.js"
import { fieldCompleteness, monthsOfWindow, recordsPerMonth, type SourceProfileCounts } from "./reportSources.js"
import { TrendPoint } from "./reportTrend.js"
import { runWarnings, type WarningFacts } from "./reportWarnings.js"

/** A published count: the controlled number, or null where it is suppressed. */
const Controlled = Schema.NullOr(Schema.Number)
/** A rate or amount derived from controlled counts; null where a count it needs is suppressed. */
const Derived = Schema.NullOr(Schema.Number)

export const ReportRun = Schema.Struct({
  run_id: Schema.String,
  as_of: Schema.String,
  started_at: Schema.String,
  rules_version: Schema.String,
  software_version: Schema.String
})
export type ReportRun = typeof ReportRun.Type

export const ReportFigures = Schema.Struct({
  run: ReportRun,
  residents: Controlled,
  segments: Schema.Array(Schema.Struct({ segment: Schema.String, residents: Controlled })),
  localities: Schema.Array(Schema.Struct({ segment: Schema.String, locality: Schema.String, residents: Controlled })),
  pyramid: Schema.Array(
    Schema.Struct({ segment: Schema.String, age_band: Schema.String, sex: Schema.String, residents: Controlled })
  ),
  /** The transitions cohort, in all and per segment, as `transitions-summary.csv` publishes it. */
  transitions: Schema.Struct({
    residents: Controlled,
    segments: Schema.Array(Schema.Struct({ segment: Schema.String, residents: Controlled }))
  }),
  utilisation: Schema.Array(
    Schema.Struct({ segment: Schema.String, measure: Schema.String, total: Controlled, per_1000: Derived })
  ),
  shadow_budget: Schema.Array(
    Schema.Struct({
      segment: Schema.String,
      service_line: Schema.String,
      people: Controlled,
      cost_gbp: Derived,
      residents: Derived,
      cost_per_head_gbp: Derived
    })
  ),
  bcf: Schema.Array(
    Schema.Struct({ metric: Schema.String, numerator: Controlled, denominator: Controlled, value: Derived })
  ),
  inputs: Schema.Array(
    Schema.Struct({
      source: Schema.String,
      status: Schema.String,
      rows_read: Controlled,
      rows_accepted: Controlled,
      rows_quarantined: Controlled
    })
  ),
  quarantine: Schema.Array(Schema.Struct({ source: Schema.String, reason: Schema.String, rows: Controlled })),
  linkage: Schema.Array(Schema.Struct({ source: Schema.String, outcome: Schema.String, records: Controlled })),
  linkage_rates: Schema.Array(
    Schema.Struct({ source: Schema.String, records: Controlled, linked: Controlled, rate_percent: Derived })
  ),
  linkage_equity: Schema.Array(
    Schema.Struct({
      dimension: Schema.String,
      category: Schema.String,
      records: Controlled,
      linked: Controlled,
      rate_percent: Derived
    })
  ),
  /** Every warning of the run with what to do about it (`transforms/reportWarnings.ts`). */
  warnings: Schema.Array(
    Schema.Struct({
      source: Schema.NullOr(Schema.String),
      warning: Schema.String,
      next_action: Schema.String,
      doc: Schema.String
    })
  ),
  /** Records linked over every source, and rows quarantined over every extract. */
  totals: Schema.Struct({
    records: Controlled,
    linked: Controlled,
    linkage_rate_percent: Derived,
    rows_read: Controlled,
    rows_quarantined: Controlled,
    quarantine_rate_percent: Derived
  }),
  completeness: Schema.Array(
    Schema.Struct({
      source: Schema.String,
      field: Schema.String,
      rows: Controlled,
      non_null: Controlled,
      percent: Derived
    })
  ),
  records_per_month: Schema.Array(Schema.Struct({ source: Schema.String, month: Schema.String, records: Controlled })),
  /** The runs before this one, oldest first, as they published their headline (`transforms/reportTrend.ts`). */
  history: Schema.Array(TrendPoint)
})
export type ReportFigures = typeof ReportFigures.Type

/** What the report counts in each segment, per resident's features over the window. */
export const UTILISATION_MEASURES = [
  "ae_attendances",
  "non_elective_admissions",
  "bed_days",
  "adult_social_care_clients"
] as const

export const MEASURE_NAMES: Readonly<Record<string, string>> = {
  ae_attendances: "A&E attendances",
  non_elective_admissions: "Non-elective admissions",
  bed_days: "Bed days",
  adult_social_care_clients: "Receiving adult social care"
}

type QueryRow = Readonly<Record<string, unknown>>

/** The uncontrolled counts the report is made from: the warehouse's, for one run. */
export interface ReportCounts {
  readonly run: ReportRun
  /** Residents per segment, age band, sex, practice and deprivation decile (`cohort_counts.sql`). */
  readonly cohortCounts: ReadonlyArray<ResidentCount>
  /** Residents with the transition flag per segment (`transition_counts.sql`). */
  readonly transitionCounts: ReadonlyArray<TransitionCount>
  /** Per segment, each of `UTILISATION_MEASURES` summed over its residents. */
  readonly utilisation: ReadonlyArray<QueryRow>
  /** `shadow_budget.sql` and `bcf_metrics.sql` rows, before control. */
  readonly shadowBudget: ReadonlyArray<QueryRow>
  /** Every practice with its PCN and locality, which residents and the shadow budget's lines are controlled across. */
  readonly practices: ReadonlyArray<PracticeArea>
  readonly bcf: ReadonlyArray<QueryRow>
  readonly inputs: ReadonlyArray<{
    readonly source: string
    readonly status: string
    readonly rows_read: number
    readonly rows_accepted: number
    readonly rows_quarantined: number
  }>
  readonly quarantine: ReadonlyArray<{
    readonly source: string
    readonly field: string
    readonly reason: string
    readonly rows: number
  }>
  readonly linkage: ReadonlyArray<{
    readonly source: string
    readonly link_status: string
    readonly link_method: string
    readonly rows: number
  }>
  readonly equity: ReadonlyArray<{
    readonly source: string
    readonly dimension: string
    readonly category: string
    readonly records: number
    readonly linked: number
  }>
  /**
   * The run's lineage figures that add up with its row accounting (equity rows, spine, segments): the
   * report's linkage and quarantine figures are controlled with them, so they are the lineage copy's.
   */
  readonly lineageTotals?: RunTotals
  /** What the run's lineage says that the warnings list needs (the linkage rates come from the figures). */
  readonly warnings: Omit<WarningFacts, "linkageRates">
  /** Per record source: completeness per field and records per month (`transforms/reportSources.ts`). */
  readonly sourceProfiles: ReadonlyArray<SourceProfileCounts>
  /** The window's first and last day (the as-of date). */
  readonly window: { readonly start: string; readonly end: string }
}

const sumBy = <Row>(rows: ReadonlyArray<Row>, key: (row: Row) => string, value: (row: Row) => number) => {
  const sums = new Map<string, number>()
  for (const row of rows) sums.set(key(row), (sums.get(key(row)) ?? 0) + value(row))
  return sums
}

const byNumberThenText = (a: string, b: string) => Number(a) - Number(b) || a.localeCompare(b)

export const reportFigures = (counts: ReportCounts, rules: DisclosureRules): ReportFigures => {
  const control = (count: number) => publishedCount(count, rules)
  const ratio = (part: number | null, whole: number | null, per: number) => controlledRate(part, whole, per, rules)
  const key = (...parts: ReadonlyArray<string>) => parts.join("\u0000")
  const shown = (controlled: ControlledCount) => (controlled.suppressed ? null : controlled.count)
  // The same cells as cohort-summary.csv hides, so neither gives back what the other hides.
  // And the segments the lineage copy hides, which it hides with these cells (`withheldSegments`).
  const residents = controlResidents(counts.cohortCounts, counts.practices, rules, counts.lineageTotals?.withheld)
  const segments = SEGMENT_CODES.map((segment) => ({ segment, residents: shown(residents.segment(segment)) }))
  const controlledResidents = new Map(segments.map((row) => [row.segment, row.residents]))
  // The same counts as transitions-summary.csv shows and hides.
  const transitions = controlTransitions(counts.transitionCounts, rules)

  const utilisation = SEGMENT_CODES.flatMap((segment) => {
    const row = counts.utilisation.find((candidate) => candidate["segment"] === segment)
    return UTILISATION_MEASURES.map((measure) => {
      const total = control(Number(row?.[measure] ?? 0))
      return { segment, measure, total, per_1000: ratio(total, controlledResidents.get(segment) ?? null, 1000) }
    })
  })

  // Rows read, accepted and quarantined and the linkage outcomes add up: published as the lineage copy publishes them.
  const outcomeOf = (row: ReportCounts["linkage"][number]) =>
    row.link_method === "" ? row.link_status : `${row.link_status}:${row.link_method}`
  const outcomes: Record<string, Record<string, number>> = {}
  for (const row of counts.linkage) {
    const bySource = (outcomes[row.source] ??= {})
    bySource[outcomeOf(row)] = (bySource[outcomeOf(row)] ?? 0) + row.rows
  }
  // Quarantined rows per reason add up to each source's rows quarantined: a margin too, as in the lineage copy.
  const reasons = (source: string) =>
    Object.fromEntries([
      ...sumBy(
        counts.quarantine.filter((row) => row.source === source),
        (row) => `${row.field}/${row.reason}`,
        (row) => row.rows
      )
    ])
  // The linkage rates and equity rows are sums of the copy's outcomes and equity rows: margins of them there.
  const accounted = controlRunCounts(
    counts.inputs.map((input) => ({ ...input, quarantine_reasons: reasons(input.source) })),
    outcomes,
    rules,
    counts.lineageTotals ?? { equity: counts.equity as ReadonlyArray<EquityRow>, spine: {}, segments: {} }
  )
  const marked = (count: MarkedCount) => (count === SUPPRESSED ? null : count)
  const markedPair = ({ linked, records }: { readonly records: MarkedCount; readonly linked: MarkedCount }) => ({
    records: marked(records),
    linked: marked(linked)
  })

  // Opted-out people's records are excluded from everything, so from the rate too.
  const ratedSources = [
    ...new Set(counts.linkage.filter((row) => row.link_status !== "opted_out").map((row) => row.source))
  ]
  const linkageRates = ratedSources
    .sort((a, b) => a.localeCompare(b))
    .map((source) => {
      const { records, linked } = markedPair(accounted.linkageRate(source))
      return { source, records, linked, rate_percent: ratio(linked, records, 100) }
    })
  const all = markedPair(accounted.linkageRate(ALL_SOURCES))
  const rowsInAll = accounted.rows(ALL_SOURCES)
  const rowsRead = marked(rowsInAll.rows_read)
  const rowsQuarantined = marked(rowsInAll.rows_quarantined)

  return {
    run: counts.run,
    residents: shown(residents.all),
    segments,
    localities: SEGMENT_CODES.flatMap((segment) =>
      residents.localities.map((locality) => ({
        segment,
        locality,
        residents: shown(residents.locality(segment, locality))
      }))
    ),
    pyramid: SEGMENT_CODES.flatMap((segment) =>
      AGE_BANDS.flatMap((band) =>
        SEXES.map((sex) => ({ segment, age_band: band, sex, residents: shown(residents.ageSex(segment, band, sex)) }))
      )
    ),
    transitions: {
      residents: shown(transitions.all),
      segments: SEGMENT_CODES.map((segment) => ({ segment, residents: shown(transitions.segment(segment)) }))
    },
    utilisation,
    shadow_budget: controlBudget(counts.shadowBudget, counts.practices, residents, rules).borough.map((line) => ({
      segment: line.segment,
      service_line: line.service_line,
      people: line.people,
      cost_gbp: line.cost_gbp,
      residents: line.residents,
      cost_per_head_gbp: line.cost_per_head_gbp
    })),
    bcf: controlBcf(counts.bcf, rules, residents.populations).map(({ suppressed: _, ...metric }) => metric),
    inputs: counts.inputs.map((input) => ({
      source: input.source,
      status: input.status,
      ...(({ rows_accepted, rows_quarantined, rows_read }) => ({
        rows_read: marked(rows_read),
        rows_accepted: marked(rows_accepted),
        rows_quarantined: marked(rows_quarantined)
      }))(accounted.rows(input.source))
    })),
    quarantine: counts.quarantine.map((row) => ({
      source: row.source,
      reason: `${row.field}/${row.reason}`,
      rows: marked(accounted.quarantineReason(row.source, `${row.field}/${row.reason}`))
    })),
    linkage: counts.linkage.map((row) => ({
      source: row.source,
      outcome: row.link_method === "" ? row.link_status : `${row.link_status}: ${row.link_method}`,
      records: marked(accounted.linkage(row.source, outcomeOf(row)))
    })),
    linkage_rates: linkageRates,
    linkage_equity: [...new Set(counts.equity.map((row) => key(row.dimension, row.category)))]
      .map((dimensionCategory) => dimensionCategory.split("\u0000") as [string, string])
      .sort(([a, x], [b, y]) => a.localeCompare(b) || byNumberThenText(x, y))
      .map(([dimension, category]) => {
        const { records, linked } = markedPair(accounted.equityTotal(dimension, category))
        return { dimension, category, records, linked, rate_percent: ratio(linked, records, 100) }
      }),
    warnings: runWarnings({ ...counts.warnings, linkageRates }, rules),
    totals: {
      records: all.records,
      linked: all.linked,
      linkage_rate_percent: ratio(all.linked, all.records, 100),
      rows_read: rowsRead,
      rows_quarantined: rowsQuarantined,
      quarantine_rate_percent: ratio(rowsQuarantined, rowsRead, 100)
    },
    completeness: fieldCompleteness(counts.sourceProfiles, rules),
    records_per_month: recordsPerMonth(
      counts.sourceProfiles,
      monthsOfWindow(counts.window.start, counts.window.end),
      rules
    ),
    // The previous runs are the previous publication's to give: see `historyAfter`.
    history: []
  }
}

/** One published figure compared with the previous run's. */
export type FigureChange = {
  readonly figure: string
  /** Counts are controlled (null = suppressed); rates and money are derived (null = cannot be shown). */
  readonly kind: "count" | "rate" | "money"
  readonly previous: number | null
  readonly current: number | null
  /** Current minus previous; null when either is null or absent. */
  readonly change: number | null
}

type Headline = readonly [figure: string, kind: FigureChange["kind"], value: number | null]

/** The figures an analyst compares night to night, by name. */
const headlineFigures = (figures: ReportFigures): Array<Headline> => [
  ["Residents", "count", figures.residents],
  ...figures.segments.map((row): Headline => [
    `Residents: ${SEGMENT_NAMES[row.segment] ?? row.segment}`,
    "count",
    row.residents
  ]),
  ["Transitions cohort (16–25)", "count", figures.transitions.residents],
  ...figures.linkage_rates.map((row): Headline => [`Records linked (%): ${row.source}`, "rate", row.rate_percent]),
  ...figures.inputs.map((row): Headline => [`Rows quarantined: ${row.source}`, "count", row.rows_quarantined]),
  ...figures.shadow_budget.map((row): Headline => [
    `Shadow budget: ${row.segment} ${row.service_line}`,
    "money",
    row.cost_gbp
  ]),
  ...figures.bcf.map((row): Headline => [`BCF: ${row.metric}`, "rate", row.value])
]

/** Every headline figure of either run, in this run's order then the previous run's. */
export const changesSinceLastRun = (previous: ReportFigures, current: ReportFigures): Array<FigureChange> => {
  const before = new Map(headlineFigures(previous).map(([figure, kind, value]) => [figure, { kind, value }]))
  const now = new Map(headlineFigures(current).map(([figure, kind, value]) => [figure, { kind, value }]))
  const names = [...new Set([...now.keys(), ...before.keys()])]
  return names.map((figure) => {
    const was = before.get(figure)?.value ?? null
    const is = now.get(figure)?.value ?? null
    const change = was === null || is === null ? null : Math.round((is - was) * 10) / 10
    return {
      figure,
      kind: now.get(figure)?.kind ?? before.get(figure)?.kind ?? "count",
      previous: was,
      current: is,
      change
    }
  })
}
