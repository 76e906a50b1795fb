/**
 * The release's copy of a run's log. The state area's log is for the
 * operator and keeps every figure exact (rows read, stage rows, people with
 * two dates of birth, residents); a release is read more widely, so its copy
 * is a view of each line with every count through `disclosureControl.ts`.
 *
 * Every whole number is taken for a count, and controlled, unless its field
 * is known to count no one (times, sizes in bytes, a process id): a new field
 * is controlled until someone decides otherwise. A rate of rows per second
 * gives back its rows with the elapsed time beside it, and any other
 * fraction may be a share of counts, so those are left out. Free text (a failure's
 * reason) goes through `controlledText`.
 */
import {
  controlledText,
  DEFAULT_DISCLOSURE_RULES,
  type DisclosureRules,
  markedCount,
  SUPPRESSED
} from "./disclosureControl.js"
import { parseJsonLines } from "./jsonLines.js"

/** Figures of a log line that count no one: durations, sizes, a share of bytes, a process id, attempts, days. */
const NOT_COUNTS = new Set([
  "ms",
  "elapsed_ms",
  "eta_s",
  "bytes",
  "total_bytes",
  "percent",
  "pid",
  "attempts",
  "age_days",
  "warn_after_days"
])

/** Rows per second: a count over a duration, which rounding does not hide (a tenth of a second gives 10 × rows). */
const RATES_OF_COUNTS = new Set(["rows_per_s"])

/**
 * How the view controls a line: by `rules`, and hiding the exact counts
 * `hidden` holds, which secondary suppression hid where lineage publishes
 * them (`ControlledRunCounts.hiddenExact`: a source's rows read, logged again here).
 */
export interface LogControl {
  readonly rules: DisclosureRules
  readonly hidden: ReadonlySet<number>
}

const DEFAULT_CONTROL: LogControl = { rules: DEFAULT_DISCLOSURE_RULES, hidden: new Set() }

const publishedValue = (key: string, value: unknown, control: LogControl): unknown => {
  if (RATES_OF_COUNTS.has(key)) return undefined
  if (typeof value === "number") {
    if (NOT_COUNTS.has(key)) return value
    if (!Number.isInteger(value) || value < 0) return undefined
    return control.hidden.has(value) ? SUPPRESSED : markedCount(value, control.rules)
  }
  if (typeof value === "string") return controlledText(value, control.rules)
  if (Array.isArray(value)) return value.map((item) => publishedValue(key, item, control))
  if (value !== null && typeof value === "object") return publishedLogLine(value as Record<string, unknown>, control)
  return value
}

/** One log line as the release publishes it; a figure left out is absent from it. */
export const publishedLogLine = (
  line: Readonly<Record<string, unknown>>,
  control: LogControl = DEFAULT_CONTROL
): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(line).flatMap(([key, value]) => {
      const published = publishedValue(key, value, control)
      return published === undefined ? [] : [[key, published]]
    })
  )

/** A log's JSON lines as the release publishes them; a last line cut short is left out. */
export const publishedLog = (text: string, control: LogControl = DEFAULT_CONTROL): string =>
  parseJsonLines<Record<string, unknown>>(text)
    .values.map((line) => `${JSON.stringify(publishedLogLine(line, control))}\n`)
    .join("")
