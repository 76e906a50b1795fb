/**
 * What the report profiles of each record source: the warehouse table it
 * lands in, the date that places a record in a month of the window, and
 * every field the table keeps from the extract (not the linkage columns the
 * run adds), whose completeness the report shows. The field lists are
 * checked against the tables' types, so a column added to a table and not
 * here fails the build.
 */
import { Effect } from "effect"
import { sql } from "kysely"
import type { CouncilLinkedRecord, RecordTables } from "../../schemas/warehouse.js"
import type { SourceProfileCounts } from "../../transforms/reportSources.js"
import { outputError } from "./outputFiles.js"
import { unlinkedTable } from "../warehouse/citus.js"
import type { WarehouseDb } from "../warehouse/warehouse.js"

type KeptField<Table extends keyof RecordTables> = Exclude<keyof RecordTables[Table], keyof CouncilLinkedRecord>

interface SourceProfile<Table extends keyof RecordTables> {
  readonly source: string
  readonly table: Table
  readonly date: KeptField<Table> & string
  /** Every kept field, each once: an object so that the type names any left out. */
  readonly fields: Readonly<Record<KeptField<Table>, true>>
}

const profile = <Table extends keyof RecordTables>(definition: SourceProfile<Table>) => definition

const SOURCE_PROFILES = [
  profile({
    source: "gp_events",
    table: "gp_event",
    date: "event_date",
    fields: { practice_code: true, snomed_code: true, event_date: true, value: true }
  }),
  profile({
    source: "acute_activity",
    table: "acute_activity",
    date: "start_date",
    fields: {
      provider_code: true,
      activity_type: true,
      admission_method: true,
      admission_category: true,
      start_date: true,
      end_date: true,
      bed_days: true,
      primary_diagnosis: true,
      discharge_destination: true,
      cost_gbp: true
    }
  }),
  profile({
    source: "community_contacts",
    table: "community_contact",
    date: "contact_date",
    fields: { provider_code: true, service: true, contact_date: true }
  }),
  profile({
    source: "adult_social_care",
    table: "adult_social_care_event",
    date: "event_start",
    fields: {
      event_type: true,
      service_type: true,
      service_term: true,
      primary_support_reason: true,
      event_start: true,
      event_end: true,
      weekly_cost_gbp: true,
      reablement_outcome_91d: true
    }
  }),
  profile({
    source: "childrens_social_care",
    table: "childrens_social_care_episode",
    date: "start_date",
    fields: { status: true, start_date: true, end_date: true }
  }),
  profile({
    source: "housing",
    table: "housing_record",
    date: "start_date",
    fields: {
      household_id: true,
      tenure: true,
      overcrowded: true,
      notice_served: true,
      start_date: true,
      end_date: true
    }
  }),
  profile({
    source: "benefits",
    table: "benefit_claim",
    date: "start_date",
    fields: {
      household_id: true,
      role: true,
      benefit_type: true,
      universal_credit: true,
      weekly_amount_gbp: true,
      start_date: true,
      end_date: true
    }
  }),
  profile({
    source: "education",
    table: "education_record",
    date: "census_date",
    fields: {
      school_urn: true,
      census_date: true,
      sen_provision: true,
      sen_primary_need: true,
      fsm_eligible: true,
      attendance_pct: true,
      exclusions: true
    }
  })
] as const

type Row = Readonly<Record<string, unknown>>

/**
 * Every record of a table, with a person or without (`<table>_unlinked`,
 * where Citus keeps them apart): the same rows on every engine.
 */
const everyRecord = (table: string) =>
  sql`(select * from ${sql.table(table)} where person_id is not null
    union all select * from ${sql.table(unlinkedTable(table))}) records`

/** One source's counts; its table is empty, not absent, when the source was missing. */
const profileCounts = (
  db: WarehouseDb,
  { source, table, date, fields }: SourceProfile<keyof RecordTables>,
  window: { readonly start: string; readonly end: string }
) =>
  Effect.tryPromise({
    try: async (): Promise<SourceProfileCounts> => {
      const names = Object.keys(fields)
      const counted = names.map((field) => sql`count(${sql.ref(field)}) as ${sql.ref(field)}`)
      const { rows: totals } =
        await sql<Row>`select count(*) as total_rows, ${sql.join(counted)} from ${everyRecord(table)}`.execute(db)
      const month = sql`substr(${sql.ref(date)}, 1, 7)`
      const { rows: months } = await sql<Row>`select ${month} as month, count(*) as records from ${everyRecord(table)}
        where ${sql.ref(date)} >= ${window.start} and ${sql.ref(date)} <= ${window.end}
        group by ${month} order by ${month}`.execute(db)
      const total = totals[0] ?? {}
      return {
        source,
        rows: Number(total["total_rows"] ?? 0),
        fields: names.map((field) => ({ field, non_null: Number(total[field] ?? 0) })),
        months: months.map((row) => ({ month: String(row["month"]), records: Number(row["records"]) }))
      }
    },
    catch: outputError(`cannot profile ${table} for the report`)
  })

/** Every record source's completeness per field and records per month of the window. */
export const sourceProfiles = (db: WarehouseDb, window: { readonly start: string; readonly end: string }) =>
  Effect.forEach(SOURCE_PROFILES, (definition) =>
    profileCounts(db, definition as SourceProfile<keyof RecordTables>, window)
  )
