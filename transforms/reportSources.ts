/**
 * The report's figures per source, as a data-quality page shows them: how
 * complete each field the warehouse keeps is (its non-empty share), and how
 * many records fall in each month of the window, so a month an extract lost
 * shows as a dip. Counts are controlled before any share is worked out.
 */
import { controlledRate, type DisclosureRules, publishedCount } from "./disclosureControl.js"

/** One source's uncontrolled counts, from its warehouse table. */
export interface SourceProfileCounts {
  readonly source: string
  readonly rows: number
  /** Per field kept, the rows where it is not empty. */
  readonly fields: ReadonlyArray<{ readonly field: string; readonly non_null: number }>
  /** Records per `YYYY-MM` of the window, by the source's own date; months without records may be absent. */
  readonly months: ReadonlyArray<{ readonly month: string; readonly records: number }>
}

export interface FieldCompleteness {
  readonly source: string
  readonly field: string
  readonly rows: number | null
  readonly non_null: number | null
  readonly percent: number | null
}

export interface MonthRecords {
  readonly source: string
  readonly month: string
  readonly records: number | null
}

/** Every `YYYY-MM` from the month of `start` to that of `end`, both ISO dates. */
export const monthsOfWindow = (start: string, end: string): Array<string> => {
  const months: Array<string> = []
  let year = Number(start.slice(0, 4))
  let month = Number(start.slice(5, 7))
  const last = end.slice(0, 7)
  for (;;) {
    const current = `${year}-${String(month).padStart(2, "0")}`
    if (current > last) return months
    months.push(current)
    month = month === 12 ? 1 : month + 1
    if (month === 1) year += 1
  }
}

export const fieldCompleteness = (
  profiles: ReadonlyArray<SourceProfileCounts>,
  rules: DisclosureRules
): Array<FieldCompleteness> =>
  profiles.flatMap((profile) => {
    const rows = publishedCount(profile.rows, rules)
    return profile.fields.map((field) => {
      const nonNull = publishedCount(field.non_null, rules)
      return {
        source: profile.source,
        field: field.field,
        rows,
        non_null: nonNull,
        percent: controlledRate(nonNull, rows, 100, rules)
      }
    })
  })

/** Every month of the window for every source, 0 where it had no records. */
export const recordsPerMonth = (
  profiles: ReadonlyArray<SourceProfileCounts>,
  months: ReadonlyArray<string>,
  rules: DisclosureRules
): Array<MonthRecords> =>
  profiles.flatMap((profile) => {
    const counted = new Map(profile.months.map((row) => [row.month, row.records]))
    return months.map((month) => ({
      source: profile.source,
      month,
      records: publishedCount(counted.get(month) ?? 0, rules)
    }))
  })
