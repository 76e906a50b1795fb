/**
 * Each record source's profile for the run report (rows, the rows where each
 * kept field is not empty, records per month of the window), tallied from
 * the records as they are loaded. Every record passes through the load once
 * anyway; counting there spares the report reading every table again, which
 * at millions of GP events meant sorting them all by month.
 */
import { SOURCE_PROFILES } from "../schemas/sourceProfiles.js"
import type { RecordTables } from "../schemas/warehouse.js"
import type { SourceProfileCounts } from "./reportSources.js"

export interface ReportWindow {
  /** The first and last day of the window, ISO dates, both included. */
  readonly start: string
  readonly end: string
}

/** A source's profile as the tally reads it (`SOURCE_PROFILES` checks each against its table). */
interface ProfiledSource {
  readonly source: string
  readonly table: keyof RecordTables
  readonly date: string
  readonly fields: Readonly<Record<string, true>>
}

export class SourceProfileTally {
  private rows = 0
  private readonly fields: ReadonlyArray<string>
  private readonly nonNull: Array<number>
  private readonly months = new Map<string, number>()

  constructor(
    private readonly profile: ProfiledSource,
    private readonly window: ReportWindow
  ) {
    this.fields = Object.keys(profile.fields)
    this.nonNull = this.fields.map(() => 0)
  }

  /** A record as the warehouse stores it: a missing field is stored as null. */
  observe(record: object): void {
    const fields = record as Readonly<Record<string, unknown>>
    this.rows++
    for (let i = 0; i < this.fields.length; i++) {
      const value = fields[this.fields[i]!]
      if (value !== null && value !== undefined) this.nonNull[i]!++
    }
    const date = fields[this.profile.date]
    if (typeof date === "string" && date >= this.window.start && date <= this.window.end) {
      const month = date.slice(0, 7)
      this.months.set(month, (this.months.get(month) ?? 0) + 1)
    }
  }

  counts(): SourceProfileCounts {
    return {
      source: this.profile.source,
      rows: this.rows,
      fields: this.fields.map((field, i) => ({ field, non_null: this.nonNull[i]! })),
      months: [...this.months].sort(([a], [b]) => (a < b ? -1 : 1)).map(([month, records]) => ({ month, records }))
    }
  }
}

/** A tally per profiled source, given back in the report's order of sources. */
export const sourceProfileTallies = (window: ReportWindow) => {
  const tallies = new Map<keyof RecordTables, SourceProfileTally>(
    SOURCE_PROFILES.map((profile: ProfiledSource) => [profile.table, new SourceProfileTally(profile, window)])
  )
  return {
    tallyOf: (table: keyof RecordTables): SourceProfileTally | undefined => tallies.get(table),
    counts: (): Array<SourceProfileCounts> => [...tallies.values()].map((tally) => tally.counts())
  }
}
