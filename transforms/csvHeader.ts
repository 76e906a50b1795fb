/**
 * Matching a partner's header row to a source's columns.
 *
 * Header names are compared case-insensitively after trimming, with spaces
 * and hyphens counted as underscores, so `NHS Number` is `nhs_number`. Column
 * order does not matter and extra columns are ignored (but reported).
 */

export const canonicalColumnName = (header: string): string =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_")

export interface HeaderMapping {
  /** For each expected column present, its index in the file's rows. */
  readonly indexOf: ReadonlyMap<string, number>
  /** Columns in the file that the source does not define (canonical names). */
  readonly unknownColumns: ReadonlyArray<string>
  /** Required columns the file lacks. */
  readonly missingRequired: ReadonlyArray<string>
  /** Columns that appear more than once after canonicalisation. */
  readonly duplicated: ReadonlyArray<string>
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
    if (seen.has(name)) {
      duplicated.push(name)
      return
    }
    seen.add(name)
    if (known.has(name)) indexOf.set(name, index)
    else if (name !== "") unknownColumns.push(name)
  })
  const missingRequired = required.filter((column) => !indexOf.has(column))
  return { indexOf, unknownColumns, missingRequired, duplicated }
}
