/**
 * Matching a partner's header row to a source's columns.
 *
 * Header names are compared case-insensitively after trimming, with spaces
 * and hyphens counted as underscores, so `NHS Number` is `nhs_number`. Column
 * order does not matter and extra columns are ignored (but reported).
 *
 * A header cell is a partner's text, and lineage, logs and messages travel
 * further than the secure area: an unknown column is reported by its name
 * only when that looks like a column name, otherwise by its position. A
 * header that looks like a record (an NHS number or a date among its cells:
 * the header's line break lost, or no header at all) is never echoed.
 */
import { parseExtractDate } from "../schemas/fields/extractDate.js"
import { checkNhsNumber } from "../schemas/fields/nhsNumber.js"

export const canonicalColumnName = (header: string): string =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_")

/** What a column name may look like to be repeated in lineage, logs and messages. */
const NAME_LIKE = /^[a-z][a-z0-9_]{0,62}$/
/** A run of digits as long as an identifier's (NHS number, UPRN, phone number) is not a column's name. */
const IDENTIFIER_DIGITS = /\d{6}/

/** How lineage and messages name a header cell: its canonical name, or its position (counting from 1). */
const reportedName = (name: string, index: number): string =>
  NAME_LIKE.test(name) && !IDENTIFIER_DIGITS.test(name) ? name : `an unnamed column at position ${index + 1}`

/** Whether a header cell holds a record's value: a valid NHS number or a date. */
const isRecordValue = (cell: string): boolean =>
  checkNhsNumber(cell).valid || parseExtractDate(cell.trim()) !== undefined

export interface HeaderMapping {
  /** For each expected column present, its index in the file's rows. */
  readonly indexOf: ReadonlyMap<string, number>
  /** Columns in the file that the source does not define, as they may be reported (see `reportedName`). */
  readonly unknownColumns: ReadonlyArray<string>
  /** Required columns the file lacks. */
  readonly missingRequired: ReadonlyArray<string>
  /** Columns that appear more than once after canonicalisation, as they may be reported. */
  readonly duplicated: ReadonlyArray<string>
  /** The header holds an NHS number or a date: it is a record, the header missing or glued to it. */
  readonly looksLikeRecord: boolean
}

export const mapHeader = (
  header: ReadonlyArray<string>,
  columns: ReadonlyArray<string>,
  required: ReadonlyArray<string>
): HeaderMapping => {
  const known = new Set(columns)
  const indexOf = new Map<string, number>()
  const unknownColumns: Array<string> = []
  const duplicated: Array<string> = []
  const seen = new Set<string>()
  header.forEach((raw, index) => {
    const name = canonicalColumnName(raw.replace(/^\uFEFF/, ""))
    // Empty header cells (trailing commas) are unnamed columns, not one column named twice.
    if (name !== "" && seen.has(name)) {
      duplicated.push(reportedName(name, index))
      return
    }
    seen.add(name)
    if (known.has(name)) indexOf.set(name, index)
    else unknownColumns.push(reportedName(name, index))
  })
  const missingRequired = required.filter((column) => !indexOf.has(column))
  return { indexOf, unknownColumns, missingRequired, duplicated, looksLikeRecord: header.some(isRecordValue) }
}
