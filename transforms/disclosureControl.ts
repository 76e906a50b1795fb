/**
 * Statistical disclosure control for counts that leave the secure step.
 *
 * Small counts can identify people, so a count of 1–7 is suppressed (and
 * marked as such, never shown as a silent zero), and every other count is
 * rounded to the nearest 5. Zero stays zero: it discloses nothing.
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

/** The count as published text: the rounded number, or `[suppressed]`. */
export const formatControlledCount = (count: number, rules: DisclosureRules = DEFAULT_DISCLOSURE_RULES): string => {
  const controlled = controlCount(count, rules)
  return controlled.suppressed ? "[suppressed]" : String(controlled.count)
}
