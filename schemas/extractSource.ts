/**
 * What every source definition has in common: its row schema, the columns the
 * contract names, which are required, and how a decode failure becomes the
 * field-by-field reasons a quarantine record carries.
 */
import { Result, Schema, type SchemaAST, type SchemaIssue } from "effect"
import { cellParser, type Parsed } from "./fields/fieldTypes.js"

export interface FieldProblem {
  readonly field: string
  readonly reason: string
}

export interface ExtractSource<Row> {
  /** The source name, also the file name (`<name>.csv`) in the inbox. */
  readonly name: string
  /** Every column the contract defines, in contract order. */
  readonly columns: ReadonlyArray<string>
  /** Columns whose absence from the header fails the source. */
  readonly requiredColumns: ReadonlyArray<string>
  /**
   * A row records an event that can happen twice in a day with nothing to tell
   * the two apart (a district nurse's morning and evening visit): a row equal
   * to an earlier one is loaded and counted. Elsewhere it is a copy, and
   * quarantined as `row/duplicate_record`.
   */
  readonly identicalRowsRecur: boolean
  /** Decodes one row (trimmed cells, empty cells absent) or lists every problem. */
  readonly decodeRow: (cells: Readonly<Record<string, string>>) => Result.Result<Row, ReadonlyArray<FieldProblem>>
  /** The same decode, always through the schema: what `decodeRow` must agree with. */
  readonly decodeRowWithSchema: (
    cells: Readonly<Record<string, string>>
  ) => Result.Result<Row, ReadonlyArray<FieldProblem>>
}

const isOptionalField = (field: Schema.Top): boolean => field.ast.context?.isOptional === true

/** Walks a decode issue down to its leaves, naming the field each belongs to. */
export const fieldProblems = (issue: SchemaIssue.Issue, field = "row"): Array<FieldProblem> => {
  switch (issue._tag) {
    case "Pointer":
      return fieldProblems(issue.issue, String(issue.path[0] ?? field))
    case "Composite":
    case "AnyOf":
      return issue.issues.flatMap((inner) => fieldProblems(inner, field))
    case "Filter":
    case "Encoding":
      return fieldProblems(issue.issue, field)
    case "MissingKey":
      return [{ field, reason: "missing_required" }]
    case "InvalidValue":
      return [
        { field, reason: typeof issue.annotations?.message === "string" ? issue.annotations.message : "invalid_value" }
      ]
    default:
      return [{ field, reason: "invalid_value" }]
  }
}

/**
 * A rule across a row's fields: the schema filter that reports a breach, and
 * the same test as a plain predicate for rows decoded without the schema.
 */
export interface RowRule {
  readonly filter: SchemaAST.Filter<never>
  readonly holds: (row: Readonly<Record<string, unknown>>) => boolean
}

/**
 * A row-level rule that an end date must not precede its start date; the
 * problem is reported against the end date, the cell a partner must fix.
 */
export const endNotBeforeStart = (start: string, end: string): RowRule => {
  const holds = (row: Readonly<Record<string, unknown>>) => {
    const from = row[start]
    const to = row[end]
    return from === undefined || to === undefined || (to as string) >= (from as string)
  }
  return {
    holds,
    filter: Schema.makeFilter((row: Readonly<Record<string, unknown>>) =>
      holds(row) ? undefined : { path: [end], issue: "end_before_start" }
    ) as SchemaAST.Filter<never>
  }
}

export type RowOf<Fields extends Schema.Struct.Fields> = Schema.Struct.Type<Fields>

interface CellDecoder {
  readonly column: string
  readonly optional: boolean
  readonly parse: (raw: string) => Parsed<unknown>
}

/**
 * Decodes a row with each field type's parser and the rules' predicates,
 * giving up (undefined) at the first cell or rule that fails. It produces what
 * the schema would for a good row at a fraction of the cost; only the rows it
 * gives up on pay for the schema, which names every problem.
 */
const plainDecoder = (fields: Schema.Struct.Fields, rowRules: ReadonlyArray<RowRule>) => {
  const cells: Array<CellDecoder> = []
  for (const [column, constraint] of Object.entries(fields)) {
    const field = constraint as Schema.Top
    const optional = isOptionalField(field)
    const parse = cellParser(optional ? (field as unknown as { readonly schema: Schema.Top }).schema : field)
    if (parse === undefined) return undefined
    cells.push({ column, optional, parse })
  }
  return (values: Readonly<Record<string, string>>): Record<string, unknown> | undefined => {
    const row: Record<string, unknown> = {}
    for (const { column, optional, parse } of cells) {
      const raw = values[column]
      if (raw === undefined) {
        if (optional) continue
        return undefined
      }
      const parsed = parse(raw)
      if (!parsed.ok) return undefined
      row[column] = parsed.value
    }
    for (const rule of rowRules) if (!rule.holds(row)) return undefined
    return row
  }
}

/** A source from its fields (contract order), any row-level rules, and whether identical rows recur. */
export const defineSource = <const Fields extends Schema.Struct.Fields>(
  name: string,
  fields: Fields,
  rowRules: ReadonlyArray<RowRule> = [],
  options: { readonly identicalRowsRecur?: boolean } = {}
): ExtractSource<RowOf<Fields>> => {
  const struct = Schema.Struct(fields)
  const filters = rowRules.map((rule) => rule.filter as SchemaAST.Filter<RowOf<Fields>>)
  const row = filters.length === 0 ? struct : struct.check(...(filters as [SchemaAST.Filter<RowOf<Fields>>]))
  const decode = Schema.decodeUnknownResult(row as unknown as Schema.Decoder<RowOf<Fields>>, { errors: "all" })
  const withSchema = (cells: Readonly<Record<string, string>>) =>
    Result.mapError(decode(cells), (error) => fieldProblems(error.issue))
  const plain = plainDecoder(fields, rowRules)
  const columns = Object.keys(fields)
  return {
    name,
    columns,
    requiredColumns: columns.filter((column) => !isOptionalField(fields[column] as Schema.Top)),
    identicalRowsRecur: options.identicalRowsRecur ?? false,
    decodeRow:
      plain === undefined
        ? withSchema
        : (cells) => {
            const decoded = plain(cells)
            return decoded === undefined ? withSchema(cells) : Result.succeed(decoded as RowOf<Fields>)
          },
    decodeRowWithSchema: withSchema
  }
}

/** The decoded row type of a source. */
export type SourceRow<S> = S extends ExtractSource<infer Row> ? Row : never
