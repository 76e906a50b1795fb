/**
 * What every source definition has in common: its row schema, the columns the
 * contract names, which are required, and how a decode failure becomes the
 * field-by-field reasons a quarantine record carries.
 */
import { Result, Schema, type SchemaAST, type SchemaIssue } from "effect"

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
  /** Decodes one row (trimmed cells, empty cells absent) or lists every problem. */
  readonly decodeRow: (cells: Readonly<Record<string, string>>) => Result.Result<Row, ReadonlyArray<FieldProblem>>
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
 * A row-level rule that an end date must not precede its start date; the
 * problem is reported against the end date, the cell a partner must fix.
 */
export const endNotBeforeStart = <K extends string, J extends string>(start: K, end: J) =>
  Schema.makeFilter((row: { readonly [P in K | J]?: string | undefined }) => {
    const from = row[start]
    const to = row[end]
    return from !== undefined && to !== undefined && to < from ? { path: [end], issue: "end_before_start" } : undefined
  })

export type RowOf<Fields extends Schema.Struct.Fields> = Schema.Struct.Type<Fields>

/** A source from its fields (contract order) and any row-level rules. */
export const defineSource = <const Fields extends Schema.Struct.Fields>(
  name: string,
  fields: Fields,
  rowRules: ReadonlyArray<SchemaAST.Filter<RowOf<Fields>>> = []
): ExtractSource<RowOf<Fields>> => {
  const struct = Schema.Struct(fields)
  const row = rowRules.length === 0 ? struct : struct.check(...(rowRules as [SchemaAST.Filter<RowOf<Fields>>]))
  const decode = Schema.decodeUnknownResult(row as unknown as Schema.Decoder<RowOf<Fields>>, { errors: "all" })
  const columns = Object.keys(fields)
  return {
    name,
    columns,
    requiredColumns: columns.filter((column) => !isOptionalField(fields[column] as Schema.Top)),
    decodeRow: (cells) => Result.mapError(decode(cells), (error) => fieldProblems(error.issue))
  }
}

/** The decoded row type of a source. */
export type SourceRow<S> = S extends ExtractSource<infer Row> ? Row : never
