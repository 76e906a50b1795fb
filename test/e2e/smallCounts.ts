/**
 * A search of published lineage for exact small counts: every integer of 1–7
 * in a JSON value, by its path, except in the fields that count no one
 * (sizes in bytes, durations, ages in days, k, files, the log's own bytes and
 * entries, a run log's times, process id and delivery attempts) and in
 * shares and risks, which are proportions. Disclosure
 * control publishes a count as 0, a multiple of 5 of at least 10, or the
 * suppressed mark, so any other small integer is an exact count that leaked;
 * the same goes for a figure of 1–7 standing alone in free text (a failed
 * run's reason, a log line).
 */
const NOT_COUNTS_OF_PEOPLE = new Set([
  "bytes",
  "size",
  "duration_ms",
  "ms",
  "elapsed_ms",
  "eta_s",
  "total_bytes",
  "percent",
  "pid",
  "attempts",
  "warn_after_days",
  "age_days",
  "k",
  "fileCount",
  "bytes_removed",
  "index",
  // A group's label (IMD quintile "1"), not how many are in it.
  "category",
  "share_generalised",
  "share_suppressed",
  "share_unique_before",
  "share_unique_after",
  "risk_before",
  "risk_after"
])

/**
 * Configuration (thresholds, days to keep, the codes in each codelist) and the linkage
 * tier's settings and fitted probabilities are no figure about anyone.
 */
const SETTINGS = new Set(["config", "codelists", "linkage_model"])

/** A figure of 1–7 standing alone in text (`3 of 40 rows`), not part of a path, date, time, id or version. */
const SMALL_FIGURE_IN_TEXT = /(?<![\w./:-])[1-7](?![\w/%:-]|\.\d)/g

/** How the report's warnings mark a suppressed count (`1–7 (suppressed) of 35 rows`): the rule's range, not a count. */
const SUPPRESSION_MARK = /\b\d+–\d+ \(suppressed\)/g

export const smallCountsIn = (value: unknown, at = "$"): Array<string> => {
  if (Array.isArray(value)) return value.flatMap((item, i) => smallCountsIn(item, `${at}[${i}]`))
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) =>
      NOT_COUNTS_OF_PEOPLE.has(key) || SETTINGS.has(key) ? [] : smallCountsIn(item, `${at}.${key}`)
    )
  }
  if (typeof value === "string")
    return [...value.replace(SUPPRESSION_MARK, "").matchAll(SMALL_FIGURE_IN_TEXT)].map(
      (m) => `${at} ~ ${m[0]} in "${value}"`
    )
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 7 ? [`${at} = ${value}`] : []
}

/** One JSON value per line. */
export const jsonLinesIn = (text: string): Array<unknown> =>
  text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as unknown)
