/**
 * Statistical disclosure control for every aggregate that leaves the secure
 * step: the CSV outputs, the run report and its figures, the release's copy
 * of the lineage and the OpenLineage events.
 *
 * Small counts can identify people, so a count of 1–7 is suppressed (and
 * marked as such, never shown as a silent zero), and every other count is
 * rounded to the nearest 5. Zero stays zero: it discloses nothing. A rate is
 * worked out from the controlled counts it is shown with, to no more
 * precision than they carry, so it gives back nothing they do not.
 */

export interface DisclosureRules {
  readonly suppressBelow: number
  readonly roundTo: number
}

export const DEFAULT_DISCLOSURE_RULES: DisclosureRules = { suppressBelow: 8, roundTo: 5 }

export type ControlledCount = { readonly suppressed: false; readonly count: number } | { readonly suppressed: true }

export const controlCount = (count: number, rules: DisclosureRules = DEFAULT_DISCLOSURE_RULES): ControlledCount => {
  if (count === 0) return { suppressed: false, count: 0 }
  if (count < rules.suppressBelow) return { suppressed: true }
  return { suppressed: false, count: Math.round(count / rules.roundTo) * rules.roundTo }
}

/** The count as published data: the controlled number, or null where it is suppressed. */
export const publishedCount = (count: number, rules: DisclosureRules): number | null => {
  const controlled = controlCount(count, rules)
  return controlled.suppressed ? null : controlled.count
}

/** How a suppressed count is marked where it is published as a value of its own. */
export const SUPPRESSED = "[suppressed]"

/** A count as published in a record: the controlled number, or the mark where it is suppressed. */
export type MarkedCount = number | typeof SUPPRESSED

export const markedCount = (count: number, rules: DisclosureRules = DEFAULT_DISCLOSURE_RULES): MarkedCount => {
  const controlled = controlCount(count, rules)
  return controlled.suppressed ? SUPPRESSED : controlled.count
}

/** The count as published text: the rounded number, or `[suppressed]`. */
export const formatControlledCount = (count: number, rules: DisclosureRules = DEFAULT_DISCLOSURE_RULES): string =>
  String(markedCount(count, rules))

/** The exact counts a published (not suppressed) count can stand for, lowest and highest. */
export const countRange = (published: number, rules: DisclosureRules): readonly [number, number] =>
  published === 0
    ? [0, 0]
    : [
        Math.max(published - Math.floor(rules.roundTo / 2), rules.suppressBelow),
        published + Math.ceil(rules.roundTo / 2) - 1
      ]

/**
 * `part / whole × per` from published counts; null when either is suppressed
 * or the whole is 0. The rate is rounded to the power of ten (one decimal at
 * the finest) within which the counts' rounding leaves it: 15 of 35 per
 * 100,000 is anything from 13/37 to 17/33, so it shows as 43000, not 42857.1.
 */
export const controlledRate = (
  part: number | null,
  whole: number | null,
  per: number,
  rules: DisclosureRules
): number | null => {
  if (part === null || whole === null || whole === 0) return null
  const [partLow, partHigh] = countRange(part, rules)
  const [wholeLow, wholeHigh] = countRange(whole, rules)
  const halfSpread = ((partHigh / wholeLow - partLow / wholeHigh) * per) / 2
  const decimals = halfSpread <= 0 ? 1 : Math.min(1, -Math.floor(Math.log10(halfSpread)))
  const step = 10 ** -decimals
  return Number((Math.round((part / whole) * (per / step)) * step).toFixed(Math.max(0, decimals)))
}

/** The finest a published cost is shown to: the nearest £1,000, or two significant figures where that is coarser. */
export const COST_UNIT_GBP = 1000

/**
 * A cost as published. Exact costs let one night's total minus the last
 * night's give back the cost of the person who joined or left; rounded to at
 * least £1,000 (two significant figures on large totals), a difference
 * between two nights is known only to within a unit either way.
 */
export const controlCost = (gbp: number): number => {
  const unit = Math.max(COST_UNIT_GBP, 10 ** (Math.floor(Math.log10(Math.max(Math.abs(gbp), 1))) - 1))
  return Math.round(gbp / unit) * unit
}

/** A published count and the published counts it is the sum of: a row, column or table total. */
export interface Margin {
  readonly total: string
  readonly cells: ReadonlyArray<string>
}

/** Two published counts of which one is never more than the other: records linked and the records they are of. */
export interface Ordering {
  readonly lower: string
  readonly upper: string
}

/**
 * The lowest and highest exact count of every figure, as someone holding only
 * the published figures can narrow them: a shown count is any count that
 * rounds to it, a suppressed one anything from 1 up, a sum no file prints
 * (`derived`) anything from 0 up, each margin bounds
 * its total by its cells and each cell by the total minus the others, and
 * each ordering bounds its lower count from above by the upper's highest and
 * its upper count from below by the lower's lowest.
 */
const narrowedBounds = (
  shown: ReadonlyMap<string, number | null>,
  margins: ReadonlyArray<Margin>,
  rules: DisclosureRules,
  orderings: ReadonlyArray<Ordering>,
  derived: ReadonlySet<string>
): Map<string, readonly [number, number]> => {
  const bounds = new Map<string, readonly [number, number]>()
  const of = (key: string): readonly [number, number] => {
    const known = bounds.get(key)
    if (known !== undefined) return known
    if (derived.has(key)) return [0, Infinity]
    const value = shown.get(key)
    return value === null ? [1, Infinity] : countRange(value ?? 0, rules)
  }
  let changed = true
  const tighten = (key: string, low: number, high: number) => {
    const [wasLow, wasHigh] = of(key)
    if (low > wasLow || high < wasHigh) {
      bounds.set(key, [Math.max(low, wasLow), Math.min(high, wasHigh)])
      changed = true
    }
  }
  while (changed) {
    changed = false
    for (const margin of margins) {
      const cells = margin.cells.map(of)
      const lowSum = cells.reduce((sum, [low]) => sum + low, 0)
      const unbounded = cells.filter(([, high]) => high === Infinity).length
      const highSum = cells.reduce((sum, [, high]) => (high === Infinity ? sum : sum + high), 0)
      tighten(margin.total, lowSum, unbounded > 0 ? Infinity : highSum)
      const [totalLow, totalHigh] = of(margin.total)
      margin.cells.forEach((key, i) => {
        const [low, high] = cells[i]!
        // highSum leaves out the unbounded cells: this one among them, it has nothing to take off.
        const othersHigh =
          unbounded - (high === Infinity ? 1 : 0) > 0 ? Infinity : highSum - (high === Infinity ? 0 : high)
        tighten(key, totalLow - othersHigh, totalHigh - (lowSum - low))
      })
    }
    for (const { lower, upper } of orderings) {
      const [lowerLow] = of(lower)
      const [, upperHigh] = of(upper)
      tighten(lower, 0, upperHigh)
      tighten(upper, lowerLow, Infinity)
    }
  }
  return bounds
}

/**
 * Controls counts published together with totals of them (`margins`), keyed
 * by cell: each alone as `controlCount` does, then secondary (complementary)
 * suppression, so that no suppressed count can be worked out from the
 * totals and the counts shown beside it. Wherever a margin hides only one of
 * its counts (total included), or shows its total and hides counts that add
 * up to fewer than `suppressBelow` or to no more than one each (so the
 * margin would show how few they are), the next-smallest count it still
 * shows is suppressed too, never a 0; this repeats over every margin until
 * none needs another. Then the published figures are attacked as
 * `narrowedBounds` does, across every margin at once; a suppressed count it
 * pins to one value has the next-smallest shown count of each of its
 * margins suppressed, and all of it repeats until none is pinned. Ties go to
 * the first key, so the same counts are always hidden. `alsoHidden` are
 * counts to hide whatever their size (a figure hidden where it is published
 * again), their margins protected as any other's. `orderings` are counts
 * known to be no more than others (linked ≤ records): the attack uses them
 * too, and a count they pin has its partner suppressed as well. `derived`
 * are sums that no file prints but anyone can add up from the figures of
 * their margins (a category over every source, where only its per-source
 * rows tie it to anything): never shown or suppressed, known to the attack
 * only through those margins.
 */
export const controlLinkedCounts = (
  counts: ReadonlyMap<string, number>,
  margins: ReadonlyArray<Margin>,
  rules: DisclosureRules,
  {
    alsoHidden = new Set(),
    derived = new Set(),
    orderings = []
  }: {
    readonly alsoHidden?: ReadonlySet<string>
    readonly derived?: ReadonlySet<string>
    readonly orderings?: ReadonlyArray<Ordering>
  } = {}
): Map<string, ControlledCount> => {
  const countOf = (key: string) => counts.get(key) ?? 0
  const hidden = new Set(
    [...counts.keys()].filter(
      (key) => !derived.has(key) && (alsoHidden.has(key) || controlCount(countOf(key), rules).suppressed)
    )
  )
  const unknown = (key: string) => hidden.has(key) || derived.has(key)
  const exposes = (margin: Margin) => {
    const hiddenMembers = [margin.total, ...margin.cells].filter(unknown)
    if (hiddenMembers.length === 0) return false
    // A sum no file prints, alone unknown in its margin, is only what its cells add up to.
    if (hiddenMembers.length === 1) return !derived.has(hiddenMembers[0]!)
    if (unknown(margin.total)) return false
    // With its total shown, a margin gives away about how many its hidden cells hold together.
    const hiddenSum = hiddenMembers.reduce((sum, key) => sum + countOf(key), 0)
    return hiddenSum < rules.suppressBelow || hiddenSum <= hiddenMembers.length
  }
  /** Suppresses the margin's smallest shown count that is not 0; false when it shows none. */
  const hideNextSmallest = (margin: Margin) => {
    const next = [margin.total, ...margin.cells]
      .filter((key) => !unknown(key) && countOf(key) > 0)
      .sort((a, b) => countOf(a) - countOf(b) || (a < b ? -1 : a > b ? 1 : 0))[0]
    if (next !== undefined) hidden.add(next)
    return next !== undefined
  }
  /** Suppresses the count an ordering pairs with `key`, unless it is hidden already or 0. */
  const hidePartners = (key: string) => {
    const partners = orderings.flatMap(({ lower, upper }) => (lower === key ? [upper] : upper === key ? [lower] : []))
    const next = partners.filter((partner) => !unknown(partner) && countOf(partner) > 0)
    for (const partner of next) hidden.add(partner)
    return next.length > 0
  }
  const marginsOf = new Map<string, Array<Margin>>()
  for (const margin of margins) {
    for (const key of [margin.total, ...margin.cells]) marginsOf.set(key, [...(marginsOf.get(key) ?? []), margin])
  }
  const controlled = () =>
    new Map<string, ControlledCount>(
      [...counts.keys()].map((key) => [key, hidden.has(key) ? { suppressed: true } : controlCount(countOf(key), rules)])
    )
  for (;;) {
    for (let changed = true; changed;) {
      changed = false
      for (const margin of margins) if (exposes(margin) && hideNextSmallest(margin)) changed = true
    }
    const published = controlled()
    const shown = new Map([...published].map(([key, cell]) => [key, cell.suppressed ? null : cell.count]))
    const bounds = narrowedBounds(shown, margins, rules, orderings, derived)
    const pinned = [...hidden].filter((key) => {
      const range = bounds.get(key)
      return range !== undefined && range[0] === range[1]
    })
    let added = false
    for (const key of pinned.sort()) {
      if (hidePartners(key)) added = true
      // Its own margins first; where they show nothing more to hide, the margins of the figures in them, and
      // so on outwards: what pins it lies along those (a sum no file prints is known only through them).
      const reached = new Set([key])
      for (let ring = marginsOf.get(key) ?? []; ring.length > 0;) {
        let hid = false
        for (const margin of ring) if (hideNextSmallest(margin)) hid = true
        if (hid) {
          added = true
          break
        }
        const members = ring
          .flatMap((margin) => [margin.total, ...margin.cells])
          .filter((member) => !reached.has(member))
        for (const member of members) reached.add(member)
        ring = [...new Set(members.flatMap((member) => marginsOf.get(member) ?? []))]
      }
    }
    if (!added) return published
  }
}

/** The Wilson score interval of `part` out of `whole` at 95%: [low, high] as proportions. */
const wilson = (part: number, whole: number): readonly [number, number] => {
  const z = 1.959964
  const p = part / whole
  const centre = p + (z * z) / (2 * whole)
  const spread = z * Math.sqrt((p * (1 - p)) / whole + (z * z) / (4 * whole * whole))
  const denominator = 1 + (z * z) / whole
  return [(centre - spread) / denominator, (centre + spread) / denominator]
}

/**
 * A 95% interval for the percentage `part / whole` from published counts,
 * wide enough for both chance and the counts' rounding: from the Wilson
 * lower bound of the fewest linked out of the most records they can stand
 * for, to the upper bound of the most linked out of the fewest. Published
 * 20 of 25 (truly 22 of 23) gives 48–99%, not a gap at 80%. Null when either
 * count is suppressed or the whole is 0: too few to compare.
 */
export const controlledInterval = (
  part: number | null,
  whole: number | null,
  rules: DisclosureRules
): readonly [number, number] | null => {
  if (part === null || whole === null || whole === 0) return null
  const [partLow, partHigh] = countRange(part, rules)
  const [wholeLow, wholeHigh] = countRange(whole, rules)
  const low = wilson(Math.min(partLow, wholeHigh), wholeHigh)[0]
  const high = wilson(Math.min(partHigh, wholeLow), wholeLow)[1]
  return [Math.floor(low * 100), Math.min(100, Math.ceil(high * 100))]
}

/** How a share or rate in free text is published: from exact counts it would give them back. */
export const SHARE_WITHHELD = "[share withheld]"

/**
 * A figure standing alone in free text, with its percent sign: not a part of
 * a word, path, date, time, run id or version (`/data/2026`, `2026-11-19`,
 * `02:30`, `…Z-3f9a`, `v1`, `1.5.3`, `SHA-256`).
 */
const FIGURE_IN_TEXT = /(?<![\w./:-])\d+(?:\.\d+)?%?(?![\w/%-]|[.:]\d)/g

/**
 * Free text as published (a failure's reason, a source's message, a log
 * line): messages are written for the operator and quote exact counts
 * (`3 of 40 rows quarantined (7.5%)`), so each whole number is published as
 * its controlled count and each share or decimal withheld, since with the
 * counts beside it a share gives them back. The exact text stays in the
 * secure area.
 */
export const controlledText = (text: string, rules: DisclosureRules = DEFAULT_DISCLOSURE_RULES): string =>
  text.replace(FIGURE_IN_TEXT, (figure) =>
    /^\d+$/.test(figure) ? formatControlledCount(Number(figure), rules) : SHARE_WITHHELD
  )
