/**
 * The warehouse on Citus (distributed PostgreSQL): the PostgreSQL engine's
 * schemas, migrations, models and publication, with the tables laid out so
 * that the models run shard by shard on the workers.
 *
 * Once the migrations have created a build's tables (still empty):
 *  - every table with a `person_id` is distributed by it, all co-located with
 *    `person`, so the joins by person the models make stay on one worker;
 *  - a record table (`gp_event`, `acute_activity`, …) holds records that
 *    linked to nobody with a null `person_id`, and Citus refuses a null
 *    distribution column: those rows go to a table of their own,
 *    `<table>_unlinked` (same columns, `person_id` always null), distributed
 *    by `source_row`, which replaces the view of that name the migrations
 *    create on every engine (`sql/migrations/0019_unlinked_records.sql`); the
 *    record table itself holds only rows with a person. SQL reads the records
 *    without a person as `<table>_unlinked` and those with one as
 *    `<table> where person_id is not null`, the same text and rows on every
 *    engine: the shadow budget costs the former as `unattributed`, and the
 *    report profiles every record of a source;
 *  - every other table (practices, households, rules, code lists, runs and
 *    lineage) is a reference table, copied to every node, so that any shard
 *    joins it where it lies.
 * The models run as they are written, but for two things that only order or
 * fence a query on one server and make Citus gather a model's rows on the
 * coordinator: a CTE marked `materialized` (a fence for PostgreSQL's
 * planner) is inlined, and the final `order by` (the order rows go into a
 * table, which no reader sees on a server) is left off. The joins by person
 * then run on the workers shard by shard, and the rows go from worker to
 * worker into the model's table (`INSERT/SELECT method: repartition`). Two
 * models still gather on the coordinator by nature: `household` (a reference
 * table) and `segment_reason` (the discretionary places are ranked per
 * practice, across people).
 *
 * A schema rename, and so the atomic publication, is propagated to the
 * workers by Citus within the same transaction.
 */
import type pg from "pg"
import type { Row } from "./dialect.js"

/** Whether the database a client is connected to has the Citus extension. */
export const hasCitus = async (client: pg.ClientBase): Promise<boolean> =>
  (await client.query("select 1 from pg_extension where extname = 'citus'")).rowCount !== 0

/** Where a record table's rows without a person are read: a view of them, or on Citus the table they go to. */
export const unlinkedTable = (table: string): string => `${table}_unlinked`

/** Tables the migrator keeps its own bookkeeping in: local to the coordinator. */
const isMigratorTable = (table: string): boolean => table.startsWith("kysely_")

export interface TableLayout {
  /** Record tables, whose rows without a person load into `<table>_unlinked`. */
  readonly recordTables: ReadonlySet<string>
  /** Tables copied to every node. */
  readonly referenceTables: ReadonlySet<string>
}

/** Distributes the empty tables of `schema` as above; returns how it laid them out. */
export const distributeTables = async (client: pg.ClientBase, schema: string): Promise<TableLayout> => {
  const { rows } = await client.query<{ table_name: string; person_nullable: boolean | null }>(
    `select t.table_name, c.is_nullable = 'YES' as person_nullable
     from information_schema.tables t
     left join information_schema.columns c
       on c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'person_id'
     where t.table_schema = $1 and t.table_type = 'BASE TABLE'
     order by t.table_name collate "C"`,
    [schema]
  )
  const tables = rows.filter((row) => !isMigratorTable(row.table_name))
  const qualified = (table: string) => `"${schema}"."${table}"`
  const referenceTables = new Set(tables.filter((row) => row.person_nullable === null).map((row) => row.table_name))
  // Reference tables first: the distributed ones hold foreign keys to them (practice).
  for (const table of referenceTables) {
    await client.query("select create_reference_table($1)", [qualified(table)])
  }
  const byPerson = tables.filter((row) => row.person_nullable !== null).map((row) => row.table_name)
  const recordTables = new Set(tables.filter((row) => row.person_nullable === true).map((row) => row.table_name))
  // `person` first: the others are co-located with it.
  for (const table of ["person", ...byPerson.filter((name) => name !== "person")]) {
    if (recordTables.has(table)) {
      await client.query(`drop view ${qualified(unlinkedTable(table))}`)
      await client.query(`create table ${qualified(unlinkedTable(table))} (like ${qualified(table)} including all)`)
      await client.query("select create_distributed_table($1, 'source_row')", [qualified(unlinkedTable(table))])
      await client.query(`alter table ${qualified(table)} alter column person_id set not null`)
    }
    await client.query(
      table === "person"
        ? "select create_distributed_table($1, 'person_id')"
        : "select create_distributed_table($1, 'person_id', colocate_with => $2)",
      table === "person" ? [qualified(table)] : [qualified(table), qualified("person")]
    )
  }
  return { recordTables, referenceTables }
}

/** A load's rows split by where they go: the record table, and `<table>_unlinked` for rows without a person. */
export const loadTargets = (
  table: string,
  rows: ReadonlyArray<Row>,
  recordTables: ReadonlySet<string>
): ReadonlyArray<readonly [string, ReadonlyArray<Row>]> => {
  if (!recordTables.has(table)) return [[table, rows]]
  const withPerson = (row: Row) => row["person_id"] !== null && row["person_id"] !== undefined
  const targets: ReadonlyArray<readonly [string, ReadonlyArray<Row>]> = [
    [table, rows.filter(withPerson)],
    [unlinkedTable(table), rows.filter((row) => !withPerson(row))]
  ]
  return targets.filter(([, part]) => part.length > 0)
}

/** A model's select as Citus runs it well: `materialized` CTEs inlined and the final `order by` left off. */
export const distributedModel = (select: string): string =>
  select.replace(/\bas\s+materialized\s*\(/gi, "as (").replace(/\s+order\s+by\s+[\w\s,.]*$/i, "")
