/**
 * Reading a warehouse on a PostgreSQL server (plain or Citus) the way the
 * end-to-end tests compare it with SQLite's: every base table's rows, in a
 * canonical form that leaves out what differs by nature between two runs.
 */
import pg from "pg"
import { unlinkedTable } from "../../pipelines/warehouse/citus.js"
import { numberTypes } from "../../pipelines/warehouse/postgres.js"

export type Rows = Array<Record<string, unknown>>

/** The record tables: a row per partner record, linked to a person or not. */
export const RECORD_TABLES = [
  "gp_event",
  "acute_activity",
  "community_contact",
  "adult_social_care_event",
  "childrens_social_care_episode",
  "housing_record",
  "benefit_claim",
  "education_record"
]

/** Tables whose rows depend on when and as which run they were made, compared without those columns. */
const RUN_COLUMNS = ["run_id", "duration_ms"]
/** The runs themselves and the migrator's bookkeeping differ by nature. */
export const NOT_COMPARED = new Set(["run", "kysely_migration", "kysely_migration_lock"])

/** Rows in a canonical order, run columns left out, floats to 12 significant digits (sums may add in another order). */
export const canonical = (rows: Rows): Array<string> =>
  rows
    .map((row) =>
      JSON.stringify(
        Object.fromEntries(
          Object.entries(row)
            .filter(([column]) => !RUN_COLUMNS.includes(column))
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([column, value]) => [
              column,
              typeof value === "number" && !Number.isInteger(value) ? Number(value.toPrecision(12)) : value
            ])
        )
      )
    )
    .sort()

export const withPostgres = async <A>(url: string, work: (client: pg.Client) => Promise<A>): Promise<A> => {
  const client = new pg.Client({ connectionString: url, types: numberTypes })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

export const postgresTables = (url: string, schema: string) =>
  withPostgres(url, async (client) => {
    const names = await client.query<{ table_name: string }>(
      // Tables, as the SQLite side lists them: a view (window_person) is read through its tables.
      "select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'",
      [schema]
    )
    const tables = new Map<string, Rows>()
    for (const { table_name } of names.rows) {
      tables.set(table_name, (await client.query(`select * from "${schema}"."${table_name}"`)).rows)
    }
    return tables
  })

/** Each record table's rows without a person as SQL reads them, `<table>_unlinked` (a view, or Citus's table). */
export const postgresUnlinked = (url: string, schema: string) =>
  withPostgres(url, async (client) => {
    const tables = new Map<string, Rows>()
    for (const table of RECORD_TABLES) {
      tables.set(table, (await client.query(`select * from "${schema}"."${unlinkedTable(table)}"`)).rows)
    }
    return tables
  })

export const schemasLike = (url: string, prefix: string) =>
  withPostgres(url, async (client) =>
    (
      await client.query<{ nspname: string }>(
        "select nspname from pg_namespace where starts_with(nspname, $1) order by nspname",
        [prefix]
      )
    ).rows.map((row) => row.nspname)
  )

export const publishedRunOf = (url: string, schema: string) =>
  withPostgres(
    url,
    async (client) =>
      (await client.query(`select max(run_id) as run_id from "${schema}".run where status = 'succeeded'`)).rows[0]
        ?.run_id as string
  )
