/**
 * The data checks declared beside each SQL model
 * (`sql/models/<model>.checks.json`): what every row of the model's table
 * must satisfy before a run may publish it. Checks are listed per column, as
 * dbt declares them, with keys over several columns and conditions on whole
 * rows besides:
 *
 * ```json
 * {
 *   "columns": {
 *     "person_id": ["not_null", { "one_row_per": "person.person_id" }],
 *     "segment": [{ "accepted_values": ["BWGW", "LW", "PI"] }]
 *   },
 *   "unique": [["person_id", "reason"]],
 *   "every_row": ["first_recorded <= last_recorded"]
 * }
 * ```
 */
import { Schema } from "effect"

/** A table or column name as the SQL writes it unquoted. */
const Name = Schema.String.check(Schema.isPattern(/^[a-z_][a-z0-9_]*$/))

/** `table.column`. */
const ColumnOfTable = Schema.String.check(Schema.isPattern(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/))

export const ColumnCheck = Schema.Union([
  /** No row has a null here. */
  Schema.Literal("not_null"),
  /** No two rows share a (non-null) value here. */
  Schema.Literal("unique"),
  /** Every non-null value here is a value of that column (a foreign key: `person.person_id`). */
  Schema.Struct({ references: ColumnOfTable }),
  /**
   * Every row of that table (matched on its key, `person.person_id`) has exactly one row here, and every
   * row here is one of theirs: no resident left out, none twice, none for anyone else.
   */
  Schema.Struct({ one_row_per: ColumnOfTable }),
  /** Every non-null value here is one of these. */
  Schema.Struct({ accepted_values: Schema.NonEmptyArray(Schema.Union([Schema.String, Schema.Finite])) })
])
export type ColumnCheck = typeof ColumnCheck.Type

export const ModelChecks = Schema.Struct({
  columns: Schema.Record(Name, Schema.Array(ColumnCheck)),
  /** Keys of several columns that no two rows share. */
  unique: Schema.optionalKey(Schema.Array(Schema.NonEmptyArray(Name))),
  /** Conditions in SQL (what SQLite and PostgreSQL both accept) that every row meets; a null fails. */
  every_row: Schema.optionalKey(Schema.Array(Schema.NonEmptyString))
})
export type ModelChecks = typeof ModelChecks.Type
