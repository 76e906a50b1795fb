/**
 * CSV cells that a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+1`,
 * `-2+3`, `@SUM(…)`, or a leading tab or carriage return) are neutralised by a
 * leading apostrophe, so opening an output can never execute anything. Numbers
 * are written as numbers and left alone.
 */

const FORMULA_START = /^[=+\-@\t\r]/

export const neutraliseCell = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text)

export type CsvValue = string | number | null | undefined

/** One RFC 4180 cell: neutralised when text, quoted when it holds a comma, quote or line break. */
export const csvCell = (value: CsvValue): string => {
  if (value === null || value === undefined) return ""
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : ""
  const safe = neutraliseCell(value)
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll("\"", "\"\"")}"` : safe
}

export const csvLine = (values: ReadonlyArray<CsvValue>): string => `${values.map(csvCell).join(",")}\r\n`
