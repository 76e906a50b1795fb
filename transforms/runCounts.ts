/**
 * A run's counts as lineage publishes them: rows read, accepted and
 * quarantined per source, each source's quarantined rows per reason and
 * records per linkage outcome, its linkage-equity rows, the spine's figures
 * and the residents per segment. These add up (rows read = accepted +
 * quarantined, per source and over all sources; a source's quarantine
 * reasons = its rows quarantined; its linkage outcomes = its accepted rows;
 * its equity rows per dimension = the outcomes they count; people = the
 * people of each residency status; the segments = the residents), so
 * controlling each alone would let the sums give a suppressed count back:
 * they go through `controlLinkedCounts` with those sums as margins. A sum
 * is a margin only where it holds exactly, since only then can anyone use
 * it. The totals over all sources are margins whether or not a file prints
 * them, since anyone can add the sources up; so are the sums of outcomes an
 * equity dimension counts, taken as published, which hides at least as much
 * as an attacker adding the outcomes up could find.
 */
import {
  type ControlledCount,
  controlLinkedCounts,
  DEFAULT_DISCLOSURE_RULES,
  type DisclosureRules,
  type Margin,
  type MarkedCount,
  SUPPRESSED
} from "./disclosureControl.js"
import type { EquityRow } from "./linkageEquity.js"

export interface SourceRows {
  readonly source: string
  readonly rows_read: number
  readonly rows_accepted: number
  readonly rows_quarantined: number
  /** Rows quarantined per `field/reason`: where they add up to `rows_quarantined`, a margin. */
  readonly quarantine_reasons?: Readonly<Record<string, number>>
}

/** The rest of a run's counts that add up, as its lineage entry holds them. */
export interface RunTotals {
  readonly equity: ReadonlyArray<EquityRow>
  /** The spine's figures: `people` and its `people_<status>`, `residents`, and counts of rows. */
  readonly spine: Readonly<Record<string, number | string>>
  /** Residents per segment, whose sum is the spine's `residents`. */
  readonly segments: Readonly<Record<string, number>>
  /**
   * The segments (and `ALL_RESIDENTS`, the residents of them all) the
   * release's other files hide with their cells (the cohort summary's, the
   * report's pyramids and localities): hidden here too, so that no file
   * shows a figure of residents another hides (`withheldSegments`).
   */
  readonly withheld?: ReadonlyArray<string>
}

/** In a list of withheld segments: the residents of every segment, the spine's `residents`. */
export const ALL_RESIDENTS = "all"

export interface ControlledRunCounts {
  readonly rows: (source: string) => {
    readonly rows_read: MarkedCount
    readonly rows_accepted: MarkedCount
    readonly rows_quarantined: MarkedCount
  }
  readonly linkage: (source: string, outcome: string) => MarkedCount
  readonly quarantineReason: (source: string, reason: string) => MarkedCount
  readonly equity: (row: EquityRow) => { readonly records: MarkedCount; readonly linked: MarkedCount }
  /** A spine figure, hidden too where it equals a count hidden elsewhere (the same figure again). */
  readonly spine: (name: string) => MarkedCount
  readonly segment: (segment: string) => MarkedCount
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

const NO_TOTALS: RunTotals = { equity: [], spine: {}, segments: {} }
/** The equity dimensions of a record's area: one or the other, by whether its postcode had a decile. */
const AREA_DIMENSIONS: ReadonlyArray<string> = ["imd_decile", "postcode_district"]
const sumOf = (keys: ReadonlyArray<string>, counts: ReadonlyMap<string, number>) =>
  keys.reduce((sum, name) => sum + (counts.get(name) ?? 0), 0)

export const controlRunCounts = (
  inputs: ReadonlyArray<SourceRows>,
  linkage: Readonly<Record<string, Readonly<Record<string, number>>>>,
  rules: DisclosureRules = DEFAULT_DISCLOSURE_RULES,
  totals: RunTotals = NO_TOTALS
): ControlledRunCounts => {
  const counts = new Map<string, number>()
  const margins: Array<Margin> = []
  /** `total` = the sum of `cells`, where it is so and there are cells. */
  const marginIfExact = (total: string, cells: ReadonlyArray<string>) => {
    if (cells.length > 0 && counts.has(total) && sumOf(cells, counts) === counts.get(total)) {
      margins.push({ total, cells })
    }
  }
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
  for (const input of inputs) {
    const reasons = Object.entries(input.quarantine_reasons ?? {})
    for (const [reason, rows] of reasons) counts.set(key("quarantine", input.source, reason), rows)
    marginIfExact(
      key("rows_quarantined", input.source),
      reasons.map(([reason]) => key("quarantine", input.source, reason))
    )
  }
  const equityKey = (row: EquityRow, figure: "records" | "linked") =>
    key("equity", row.source, row.dimension, row.category, figure)
  for (const row of totals.equity) {
    counts.set(equityKey(row, "records"), row.records)
    counts.set(equityKey(row, "linked"), row.linked)
  }
  for (const [source, outcomes] of Object.entries(linkage)) {
    const rowsOf = (dimensions: ReadonlyArray<string>) =>
      totals.equity.filter((row) => row.source === source && dimensions.includes(row.dimension))
    const outcomeKeys = (kept: (outcome: string) => boolean) =>
      Object.keys(outcomes)
        .filter(kept)
        .map((outcome) => key("linkage", source, outcome))
    // By ethnic category: the records linked by NHS number that carry demographics, when that is all of them.
    const ethnic = rowsOf(["ethnic_category"])
    marginIfExact(
      key("linkage", source, "linked:nhs_number"),
      ethnic.map((row) => equityKey(row, "records"))
    )
    // By area: every record demographic matching tried, and those it linked, which the outcomes add up to.
    const area = rowsOf(AREA_DIMENSIONS)
    const demographic = (outcome: string) => outcome.startsWith("linked:") && outcome !== "linked:nhs_number"
    const tried = (outcome: string) =>
      demographic(outcome) || outcome.startsWith("ambiguous") || outcome.startsWith("unmatched")
    for (const [figure, kept] of [
      ["linked", demographic],
      ["records", tried]
    ] as const) {
      const cells = area.map((row) => equityKey(row, figure))
      if (cells.length === 0 || outcomeKeys(kept).length === 0) continue
      if (sumOf(cells, counts) !== sumOf(outcomeKeys(kept), counts)) continue
      const sum = key("equity sum", source, figure)
      counts.set(sum, sumOf(cells, counts))
      margins.push({ total: sum, cells: outcomeKeys(kept) }, { total: sum, cells })
    }
  }
  const spineKey = (name: string) => key("spine", name)
  for (const [name, value] of Object.entries(totals.spine))
    if (typeof value === "number") counts.set(spineKey(name), value)
  const statuses = Object.keys(totals.spine).filter((name) => name.startsWith("people_"))
  marginIfExact(spineKey("people"), statuses.map(spineKey))
  // Residents and resident people are one figure twice: either hidden hides the other.
  marginIfExact(spineKey("residents"), [spineKey("people_resident")])
  const segmentKey = (segment: string) => key("segment", segment)
  for (const [segment, residents] of Object.entries(totals.segments)) counts.set(segmentKey(segment), residents)
  marginIfExact(spineKey("residents"), Object.keys(totals.segments).map(segmentKey))
  // A spine figure equal to a count secondary suppression hid may be that count again (the registrations
  // loaded, the residents): hidden too, and controlled again so that its own margins stay safe.
  const hiddenExactOf = (controlled: ReadonlyMap<string, ControlledCount>) =>
    new Set(
      [...controlled]
        .filter(([name, cell]) => cell.suppressed && (counts.get(name) ?? 0) >= rules.suppressBelow)
        .map(([name]) => counts.get(name)!)
    )
  const spineKeys = Object.keys(totals.spine)
    .map(spineKey)
    .filter((name) => counts.has(name))
  const alsoHidden = new Set(
    (totals.withheld ?? [])
      .map((name) => (name === ALL_RESIDENTS ? spineKey("residents") : segmentKey(name)))
      .filter((name) => counts.has(name))
  )
  let controlled = controlLinkedCounts(counts, margins, rules, alsoHidden)
  for (;;) {
    const exact = hiddenExactOf(controlled)
    const repeated = spineKeys.filter((name) => !controlled.get(name)!.suppressed && exact.has(counts.get(name)!))
    if (repeated.length === 0) break
    for (const name of repeated) alsoHidden.add(name)
    controlled = controlLinkedCounts(counts, margins, rules, alsoHidden)
  }
  const marked = (name: string): MarkedCount => {
    const cell = controlled.get(name)
    return cell === undefined || cell.suppressed ? SUPPRESSED : cell.count
  }
  const hiddenExact = hiddenExactOf(controlled)
  return {
    rows: (source) => ({
      rows_read: marked(key("rows_read", source)),
      rows_accepted: marked(key("rows_accepted", source)),
      rows_quarantined: marked(key("rows_quarantined", source))
    }),
    linkage: (source, outcome) => marked(key("linkage", source, outcome)),
    quarantineReason: (source, reason) => marked(key("quarantine", source, reason)),
    equity: (row) => ({ records: marked(equityKey(row, "records")), linked: marked(equityKey(row, "linked")) }),
    spine: (name) => marked(spineKey(name)),
    segment: (segment) => marked(segmentKey(segment)),
    hiddenExact
  }
}
