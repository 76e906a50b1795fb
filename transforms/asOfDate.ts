/**
 * The as-of date a command is given: the night its extracts are for, and the
 * date every age, window and "running on" is measured against. Written
 * `YYYY-MM-DD` only (a `DD/MM/YYYY` cell is a partner's habit, a flag is
 * ours) and a real calendar date, so `20-11-2026`, `yesterday` or
 * `2026-13-45` never reach a reader that would take them for a date.
 */
import { parseExtractDate } from "../schemas/fields/extractDate.js"

const WRITTEN_AS_ISO = /^\d{4}-\d{2}-\d{2}$/

/** What is wrong with `raw` as an as-of date, or undefined when it is one. */
export const asOfProblem = (raw: string): string | undefined => {
  if (!WRITTEN_AS_ISO.test(raw)) return `--as-of ${raw} is not a date written YYYY-MM-DD`
  if (parseExtractDate(raw) !== raw) return `--as-of ${raw} is not a real calendar date`
  return undefined
}

/** What to do about a wrong as-of date. */
export const AS_OF_NEXT_ACTION = "pass a real date as --as-of YYYY-MM-DD, e.g. --as-of 2026-11-20"
