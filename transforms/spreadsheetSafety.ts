/**
 * CSV cells that a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+1`,
 * `-2+3`, `@SUM(…)`, or a leading tab or carriage return) are neutralised by a
 * leading apostrophe, so opening an output can never execute anything. Numbers
 * are written as numbers and left alone.
 */

const FORMULA_START = /^[=+\-@\t\r]/

export const neutraliseCell = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text)

export type CsvValue = string | number | null | undefined

/**
 * One RFC 4180 cell, quoted when it holds a comma, quote or line break, and
 * neutralised when it is text, unless writing raw data as a partner would send
 * it (the synthetic borough).
 */
export const csvCell = (value: CsvValue, neutralise = true): string => {
  if (value === null || value === undefined) return ""
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : ""
  const text = neutralise ? neutraliseCell(value) : value
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export const csvLine = (values: ReadonlyArray<CsvValue>, neutralise = true): string =>
  `${values.map((value) => csvCell(value, neutralise)).join(",")}\r\n`
