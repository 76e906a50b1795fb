/**
 * A model's declared checks as queries: each counts the rows of the model's
 * table that break one check, so the check passes when the count is 0.
 *
 * The SQL keeps to what SQLite and PostgreSQL both accept, in shapes both
 * plan as one pass over each table with an index or hash lookup rather than
 * a scan per row: a reference joins the distinct values it may take
 * (`not exists` and `not in` scan per row on one database or the other), and
 * one row per resident joins the model's rows counted per value (a full join
 * would scan per row on SQLite). Names come from the checks file, whose schema
 * allows only plain identifiers; accepted values are written as literals.
 */
import type { ColumnCheck, ModelChecks } from "../schemas/modelChecks.js"

export interface CheckQuery {
  /** How messages name the check: the column and the check as the file declares them. */
  readonly check: string
  /** One row with `offending_rows`. */
  readonly sql: string
}

const literal = (value: string | number): string =>
  typeof value === "number" ? String(value) : `'${value.replace(/'/g, "''")}'`

const count = (from: string, where: string) => `select count(*) as offending_rows from ${from} where ${where}`

/** Rows sharing a key with another row; rows with a null in the key are not_null's to report. */
const uniqueKey = (model: string, columns: ReadonlyArray<string>, check: string): CheckQuery => ({
  check,
  sql:
    "select coalesce(sum(rows_sharing), 0) as offending_rows from (" +
    `select count(*) as rows_sharing from ${model} where ${columns.map((c) => `${c} is not null`).join(" and ")}` +
    ` group by ${columns.join(", ")} having count(*) > 1) as shared`
})

const columnCheck = (model: string, column: string, check: ColumnCheck): CheckQuery => {
  if (check === "not_null") return { check: `${column} not_null`, sql: count(model, `${column} is null`) }
  if (check === "unique") return uniqueKey(model, [column], `${column} unique`)
  if ("references" in check) {
    const [table, key] = check.references.split(".") as [string, string]
    return {
      check: `${column} references ${check.references}`,
      sql: count(
        `${model} left join (select distinct ${key} as value from ${table}) as parent on parent.value = ${model}.${column}`,
        `${model}.${column} is not null and parent.value is null`
      )
    }
  }
  if ("one_row_per" in check) {
    // Rows of that table without exactly one row here, plus rows here that match none of theirs.
    const [table, key] = check.one_row_per.split(".") as [string, string]
    return {
      check: `${column} one_row_per ${check.one_row_per}`,
      // The model's total is a table of its own beside the join, not a subquery in the select list,
      // which Citus cannot run on distributed tables.
      sql:
        "select matched.offending + total.model_rows - matched.model_rows as offending_rows from" +
        " (select coalesce(sum(case when here.model_rows is null or here.model_rows <> 1 then 1 else 0 end), 0)" +
        " as offending, coalesce(sum(here.model_rows), 0) as model_rows" +
        ` from ${table} as parent left join` +
        ` (select ${column} as value, count(*) as model_rows from ${model} group by ${column}) as here` +
        ` on here.value = parent.${key}) as matched,` +
        ` (select count(*) as model_rows from ${model}) as total`
    }
  }
  return {
    check: `${column} accepted_values`,
    sql: count(model, `${column} is not null and ${column} not in (${check.accepted_values.map(literal).join(", ")})`)
  }
}

export const checkQueries = (model: string, checks: ModelChecks): Array<CheckQuery> => [
  ...Object.entries(checks.columns).flatMap(([column, list]) => list.map((check) => columnCheck(model, column, check))),
  ...(checks.unique ?? []).map((columns) => uniqueKey(model, columns, `unique (${columns.join(", ")})`)),
  ...(checks.every_row ?? []).map((condition) => ({
    check: `every_row ${condition}`,
    sql: count(model, `case when (${condition}) then 0 else 1 end = 1`)
  }))
]
