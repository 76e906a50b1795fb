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
  type Ordering,
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
  /** An equity category summed over the sources, as the report publishes it. */
  readonly equityTotal: (dimension: string, category: string) => Linked
  /** A source's records but those opted out, and those linked, as the report's linkage rates publish them (`ALL_SOURCES`: over them all). */
  readonly linkageRate: (source: string) => Linked
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

type Linked = { readonly records: MarkedCount; readonly linked: MarkedCount }

const ROWS = ["rows_read", "rows_accepted", "rows_quarantined"] as const
const key = (...parts: ReadonlyArray<string>) => parts.join("\u0000")
const ALL = "\u0001all"
/** In place of a source: the figure over all sources (rows read, accepted and quarantined; the linkage rates). */
export const ALL_SOURCES = ALL

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
  /** Sums no file prints, known only through their margins. */
  const derived = new Set<string>()
  /** `total` = the sum of `cells`, where it is so and there are cells. */
  const marginIfExact = (total: string, cells: ReadonlyArray<string>) => {
    if (cells.length > 0 && counts.has(total) && sumOf(cells, counts) === counts.get(total)) {
      margins.push({ total, cells })
    }
  }
  // Rows read and quarantined over all sources are the report's totals; rows accepted over all no file prints.
  derived.add(key("rows_accepted", ALL))
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
      derived.add(sum)
      margins.push({ total: sum, cells: outcomeKeys(kept) }, { total: sum, cells })
    }
  }
  // The report publishes each equity category summed over the sources: margins across the copy's rows,
  // which add up again, per dimension, to what the sources' own margins add up to.
  const categories = [...new Set(totals.equity.map((row) => key(row.dimension, row.category)))]
  const equityTotalKey = (dimension: string, category: string, figure: "records" | "linked") =>
    key("equity total", dimension, category, figure)
  const ethnicSums = [...new Set(totals.equity.map((row) => row.source))].flatMap((source) => {
    const cells = totals.equity
      .filter((row) => row.source === source && row.dimension === "ethnic_category")
      .map((row) => equityKey(row, "records"))
    if (cells.length === 0) return []
    const sum = key("equity sum", source, "ethnic")
    counts.set(sum, sumOf(cells, counts))
    derived.add(sum)
    margins.push({ total: sum, cells })
    return [[sum, source] as const]
  })
  for (const figure of ["records", "linked"] as const) {
    for (const dimensionCategory of categories) {
      const [dimension = "", category = ""] = dimensionCategory.split("\u0000")
      const total = equityTotalKey(dimension, category, figure)
      const cells = totals.equity
        .filter((row) => row.dimension === dimension && row.category === category)
        .map((row) => equityKey(row, figure))
      counts.set(total, sumOf(cells, counts))
      margins.push({ total, cells })
    }
    const totalsOf = (dimensions: ReadonlyArray<string>) =>
      categories
        .map((dimensionCategory) => dimensionCategory.split("\u0000") as [string, string])
        .filter(([dimension]) => dimensions.includes(dimension))
        .map(([dimension, category]) => equityTotalKey(dimension, category, figure))
    const sources = Object.keys(linkage)
    const area = key("equity sum", ALL, figure)
    counts.set(area, sumOf(totalsOf(AREA_DIMENSIONS), counts))
    derived.add(area)
    margins.push({ total: area, cells: totalsOf(AREA_DIMENSIONS) })
    marginIfExact(
      area,
      sources.map((source) => key("equity sum", source, figure)).filter((name) => counts.has(name))
    )
    if (figure === "records") {
      const ethnic = key("equity sum", ALL, "ethnic")
      counts.set(ethnic, sumOf(totalsOf(["ethnic_category"]), counts))
      derived.add(ethnic)
      margins.push({ total: ethnic, cells: totalsOf(["ethnic_category"]) })
      margins.push({ total: ethnic, cells: ethnicSums.map(([sum]) => sum) })
    }
  }
  // A category's linked records are some of its records, per source and over the sources; a source's
  // records by ethnic category are some of those it linked by NHS number, all of them or not.
  const orderings: Array<Ordering> = [
    ...ethnicSums
      .map(([sum, source]) => ({ lower: sum, upper: key("linkage", source, "linked:nhs_number") }))
      .filter(({ upper }) => counts.has(upper)),
    ...totals.equity.map((row) => ({ lower: equityKey(row, "linked"), upper: equityKey(row, "records") })),
    ...categories.map((dimensionCategory) => {
      const [dimension = "", category = ""] = dimensionCategory.split("\u0000")
      return {
        lower: equityTotalKey(dimension, category, "linked"),
        upper: equityTotalKey(dimension, category, "records")
      }
    })
  ]
  // The report's linkage rates: per source, its records but those opted out and those linked, and both over
  // all sources. Sums of outcomes anyone can add up, and published in the report, so margins of them.
  const rateKey = (source: string, figure: "records" | "linked") => key("linkage rate", source, figure)
  for (const figure of ["records", "linked"] as const) {
    const kept = (outcome: string) => (figure === "records" ? outcome !== "opted_out" : outcome.startsWith("linked"))
    for (const [source, outcomes] of Object.entries(linkage)) {
      const cells = Object.keys(outcomes)
        .filter(kept)
        .map((outcome) => key("linkage", source, outcome))
      counts.set(rateKey(source, figure), sumOf(cells, counts))
      margins.push({ total: rateKey(source, figure), cells })
    }
    const sources = Object.keys(linkage).map((source) => rateKey(source, figure))
    counts.set(rateKey(ALL, figure), sumOf(sources, counts))
    margins.push({ total: rateKey(ALL, figure), cells: sources })
  }
  for (const source of [...Object.keys(linkage), ALL]) {
    orderings.push({ lower: rateKey(source, "linked"), upper: rateKey(source, "records") })
  }
  for (const input of inputs) {
    const optedOut = key("linkage", input.source, "opted_out")
    marginIfExact(key("rows_accepted", input.source), [
      rateKey(input.source, "records"),
      ...(counts.has(optedOut) ? [optedOut] : [])
    ])
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
  let controlled = controlLinkedCounts(counts, margins, rules, { alsoHidden, derived, orderings })
  for (;;) {
    const exact = hiddenExactOf(controlled)
    const repeated = spineKeys.filter((name) => !controlled.get(name)!.suppressed && exact.has(counts.get(name)!))
    if (repeated.length === 0) break
    for (const name of repeated) alsoHidden.add(name)
    controlled = controlLinkedCounts(counts, margins, rules, { alsoHidden, derived, orderings })
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
    equityTotal: (dimension, category) => ({
      records: marked(equityTotalKey(dimension, category, "records")),
      linked: marked(equityTotalKey(dimension, category, "linked"))
    }),
    linkageRate: (source) => ({
      records: marked(rateKey(source, "records")),
      linked: marked(rateKey(source, "linked"))
    }),
    spine: (name) => marked(spineKey(name)),
    segment: (segment) => marked(segmentKey(segment)),
    hiddenExact
  }
}
