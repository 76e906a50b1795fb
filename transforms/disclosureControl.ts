/**
 * Statistical disclosure control for every aggregate that leaves the secure
 * step: the CSV outputs, the run report and its figures.
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

/** The count as published text: the rounded number, or `[suppressed]`. */
export const formatControlledCount = (count: number, rules: DisclosureRules = DEFAULT_DISCLOSURE_RULES): string => {
  const controlled = controlCount(count, rules)
  return controlled.suppressed ? "[suppressed]" : String(controlled.count)
}

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
