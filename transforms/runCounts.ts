/**
 * A run's row accounting as published: rows read, accepted and quarantined
 * per source, and each source's records per linkage outcome. These add up
 * (rows read = accepted + quarantined, per source and over all sources; a
 * source's linkage outcomes = its accepted rows, where every accepted row is
 * linked or not), so controlling each alone would let the sums give a
 * suppressed count back: they go through `controlLinkedCounts` with those
 * sums as margins. The totals over all sources are margins whether or not a
 * file prints them, since anyone can add the sources up.
 */
import {
  controlLinkedCounts,
  DEFAULT_DISCLOSURE_RULES,
  type DisclosureRules,
  type Margin,
  type MarkedCount,
  SUPPRESSED
} from "./disclosureControl.js"

export interface SourceRows {
  readonly source: string
  readonly rows_read: number
  readonly rows_accepted: number
  readonly rows_quarantined: number
}

export interface ControlledRunCounts {
  readonly rows: (source: string) => {
    readonly rows_read: MarkedCount
    readonly rows_accepted: MarkedCount
    readonly rows_quarantined: MarkedCount
  }
  readonly linkage: (source: string, outcome: string) => MarkedCount
  /**
   * The exact counts secondary suppression hid though each alone would have
   * been shown: the same figure published elsewhere (a stage's rows in) must
   * be hidden there too.
   */
  readonly hiddenExact: ReadonlySet<number>
}

const ROWS = ["rows_read", "rows_accepted", "rows_quarantined"] as const
const key = (...parts: ReadonlyArray<string>) => parts.join("\u0000")
const ALL = "\u0001all"

export const controlRunCounts = (
  inputs: ReadonlyArray<SourceRows>,
  linkage: Readonly<Record<string, Readonly<Record<string, number>>>>,
  rules: DisclosureRules = DEFAULT_DISCLOSURE_RULES
): ControlledRunCounts => {
  const counts = new Map<string, number>()
  const margins: Array<Margin> = []
  for (const field of ROWS) {
    counts.set(
      key(field, ALL),
      inputs.reduce((sum, input) => sum + input[field], 0)
    )
    margins.push({ total: key(field, ALL), cells: inputs.map((input) => key(field, input.source)) })
  }
  for (const source of [...inputs.map((input) => input.source), ALL]) {
    margins.push({
      total: key("rows_read", source),
      cells: [key("rows_accepted", source), key("rows_quarantined", source)]
    })
  }
  for (const input of inputs) {
    for (const field of ROWS) counts.set(key(field, input.source), input[field])
    const outcomes = Object.entries(linkage[input.source] ?? {})
    for (const [outcome, records] of outcomes) counts.set(key("linkage", input.source, outcome), records)
    // Only where the outcomes account for every accepted row is that a sum anyone can use.
    if (outcomes.length > 0 && outcomes.reduce((sum, [, records]) => sum + records, 0) === input.rows_accepted) {
      margins.push({
        total: key("rows_accepted", input.source),
        cells: outcomes.map(([outcome]) => key("linkage", input.source, outcome))
      })
    }
  }
  for (const [source, outcomes] of Object.entries(linkage)) {
    for (const [outcome, records] of Object.entries(outcomes)) counts.set(key("linkage", source, outcome), records)
  }
  const controlled = controlLinkedCounts(counts, margins, rules)
  const marked = (name: string): MarkedCount => {
    const cell = controlled.get(name)
    return cell === undefined || cell.suppressed ? SUPPRESSED : cell.count
  }
  const hiddenExact = new Set(
    [...controlled]
      .filter(([name, cell]) => cell.suppressed && (counts.get(name) ?? 0) >= rules.suppressBelow)
      .map(([name]) => counts.get(name)!)
  )
  return {
    rows: (source) => ({
      rows_read: marked(key("rows_read", source)),
      rows_accepted: marked(key("rows_accepted", source)),
      rows_quarantined: marked(key("rows_quarantined", source))
    }),
    linkage: (source, outcome) => marked(key("linkage", source, outcome)),
    hiddenExact
  }
}
