/**
 * What the run report profiles of each record source: the warehouse table it
 * lands in, the date that places a record in a month of the window, and
 * every field the table keeps from the extract (not the linkage columns the
 * run adds), whose completeness the report shows. The field lists are
 * checked against the tables' types, so a column added to a table and not
 * here fails the build.
 */
import type { CouncilLinkedRecord, RecordTables } from "./warehouse.js"

type KeptField<Table extends keyof RecordTables> = Exclude<keyof RecordTables[Table], keyof CouncilLinkedRecord>

export interface SourceProfile<Table extends keyof RecordTables> {
  readonly source: string
  readonly table: Table
  readonly date: KeptField<Table> & string
  /** Every kept field, each once: an object so that the type names any left out. */
  readonly fields: Readonly<Record<KeptField<Table>, true>>
}

const profile = <Table extends keyof RecordTables>(definition: SourceProfile<Table>) => definition

export const SOURCE_PROFILES = [
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
