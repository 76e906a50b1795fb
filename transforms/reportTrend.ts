/**
 * The headline figures of the last runs, for the report's trend: residents
 * per segment, the share of records linked and the share of rows
 * quarantined, as each run published them (controlled, never exact).
 *
 * Each run's figures carry the runs before it (`history`), so the next run
 * needs only the previous publication to draw the trend: the figures travel
 * in `report-figures.json` however few releases are kept.
 */
import { Schema } from "effect"

export const TrendPoint = Schema.Struct({
  run_id: Schema.String,
  as_of: Schema.String,
  segments: Schema.Array(Schema.Struct({ segment: Schema.String, residents: Schema.NullOr(Schema.Number) })),
  linkage_rate_percent: Schema.NullOr(Schema.Number),
  quarantine_rate_percent: Schema.NullOr(Schema.Number)
})
export type TrendPoint = typeof TrendPoint.Type

/** What a run's published figures say of its headline, for the trend. */
export interface TrendSource {
  readonly run: { readonly run_id: string; readonly as_of: string }
  readonly segments: TrendPoint["segments"]
  readonly totals: { readonly linkage_rate_percent: number | null; readonly quarantine_rate_percent: number | null }
  readonly history: ReadonlyArray<TrendPoint>
}

export const trendPoint = (figures: TrendSource): TrendPoint => ({
  run_id: figures.run.run_id,
  as_of: figures.run.as_of,
  segments: figures.segments,
  linkage_rate_percent: figures.totals.linkage_rate_percent,
  quarantine_rate_percent: figures.totals.quarantine_rate_percent
})

/**
 * The runs before this one to keep, oldest first: the previous run's own
 * history and the previous run, up to `runs - 1` of them so that with this
 * run the trend shows `runs`.
 */
export const historyAfter = (previous: TrendSource | undefined, runs: number): Array<TrendPoint> =>
  previous === undefined || runs <= 1 ? [] : [...previous.history, trendPoint(previous)].slice(-(runs - 1))
