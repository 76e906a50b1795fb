/**
 * The transitions cohort as aggregate outputs publish it (the summary's
 * `transitions-summary.csv` and the report): residents with the `transition`
 * flag per segment and in all, controlled as one table with its total,
 * secondary suppression included, so the total minus the segments shown
 * never gives back a suppressed one. The cohort is part of each segment, not
 * a total of any cell the cohort summary or the report's residents publish,
 * so no figure of theirs adds up to one of these, nor one of these to theirs.
 */
import { SEGMENT_CODES } from "../schemas/segments.js"
import { type ControlledCount, controlLinkedCounts, type DisclosureRules } from "./disclosureControl.js"

/** One row of `transition_counts.sql`: a segment's residents with the flag, before control. */
export interface TransitionCount {
  readonly segment: string
  readonly residents: number
}

export interface ControlledTransitions {
  readonly segment: (segment: string) => ControlledCount
  readonly all: ControlledCount
}

const ALL = "all"

export const controlTransitions = (
  counts: ReadonlyArray<TransitionCount>,
  rules: DisclosureRules
): ControlledTransitions => {
  const exact = new Map<string, number>(SEGMENT_CODES.map((segment) => [segment, 0]))
  for (const row of counts) exact.set(row.segment, (exact.get(row.segment) ?? 0) + row.residents)
  exact.set(
    ALL,
    counts.reduce((sum, row) => sum + row.residents, 0)
  )
  const controlled = controlLinkedCounts(exact, [{ total: ALL, cells: SEGMENT_CODES }], rules)
  const of = (key: string): ControlledCount => controlled.get(key) ?? { suppressed: false, count: 0 }
  return { segment: of, all: of(ALL) }
}

/** A row of `transition_counts.sql` as the query returns it. */
export const transitionCount = (row: Readonly<Record<string, unknown>>): TransitionCount => ({
  segment: String(row["segment"]),
  residents: Number(row["residents"])
})
