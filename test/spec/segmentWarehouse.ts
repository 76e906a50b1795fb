/**
 * A warehouse (SQLite in memory, or a PostgreSQL schema) filled from rows
 * written inline in a spec, with the real migrations, rules, codelists and
 * SQL models run over it.
 */
import { Effect } from "effect"
import type {
  AcuteActivityTable,
  AdultSocialCareEventTable,
  ChildrensSocialCareEpisodeTable,
  EducationRecordTable,
  GpEventTable,
  HousingRecordTable,
  PersonTable
} from "../../schemas/warehouse.js"
import { buildFeatures, buildHouseholds, segmentResidents } from "../../pipelines/nightly/segmentation.js"
import { loadRules } from "../../pipelines/nightly/segmentationRules.js"
import {
  insertRows,
  openWarehouse,
  type WarehouseDb,
  type WarehouseLocation
} from "../../pipelines/warehouse/warehouse.js"
import { dropBuild } from "../../pipelines/warehouse/postgres.js"
import { ageBand } from "../../schemas/fields/extractDate.js"

export const AS_OF = "2026-11-20"

export const CODES = {
  copd: "13645005",
  depression: "231504006",
  diabetes: "190388001",
  hypertension: "59621000",
  dementia: "101421000119107",
  palliativeCare: "1025611000000105",
  severeFrailty: "1129391000000100",
  moderateFrailty: "1129381000000102",
  housebound: "138079003",
  careHome: "1025041000000100"
} as const

export interface Resident {
  readonly id: string
  readonly age: number
  readonly practice?: string
  /** The registration's address; a household of their own unless given (null: the registration has no UPRN). */
  readonly household?: string | null
}

export interface SpecInput {
  readonly residents: ReadonlyArray<Resident>
  readonly gpEvents?: ReadonlyArray<readonly [id: string, code: string, date?: string]>
  /** [id, activity type, start date, admission method] */
  readonly acute?: ReadonlyArray<readonly [id: string, type: "AE" | "APC" | "OP", start: string, method?: string]>
  /** [id, service type, start, end] */
  readonly socialCare?: ReadonlyArray<readonly [id: string, service: string, start: string, end?: string]>
  readonly childrensSocialCare?: ReadonlyArray<readonly [id: string, status: string]>
  readonly education?: ReadonlyArray<readonly [id: string, senProvision: string]>
  /** [id, tenure, notice served, household, start] */
  readonly housing?: ReadonlyArray<
    readonly [id: string, tenure: string, noticeServed?: boolean, household?: string, start?: string]
  >
}

export interface Membership {
  readonly segment: string
  readonly reasons: string
  readonly transition: number
  readonly ltc: number
  readonly risk_score: number
}

const linked = (id: string, row: number) => ({
  source_row: row,
  person_id: id,
  link_status: "linked" as const,
  link_method: "nhs_number"
})

const person = (resident: Resident): PersonTable => ({
  person_id: resident.id,
  year_of_birth: 2026 - resident.age,
  age_years: resident.age,
  age_band: ageBand(resident.age),
  sex: "female",
  ethnic_category: null,
  practice_code: resident.practice ?? "F84003",
  registration_date: "2000-01-01",
  lsoa: null,
  imd_decile: null,
  postcode_district: "E1",
  household_id: resident.household === undefined ? `h-${resident.id}` : resident.household
})

const RUN_ID = "spec"

/** A PostgreSQL build schema is dropped when the spec is done with it. */
const dropped = (location: WarehouseLocation) =>
  Effect.addFinalizer(() =>
    location.kind === "postgres" ? Effect.promise(() => dropBuild(location.server, RUN_ID)) : Effect.void
  )

/**
 * A new warehouse holding the spec's rows as a run loads them, before any
 * model has run; closed (and on PostgreSQL dropped) with the scope.
 */
export const specWarehouse = (input: SpecInput, location: WarehouseLocation) =>
  Effect.gen(function* () {
    yield* dropped(location)
    const db = yield* openWarehouse(location, RUN_ID)
    const practices = [...new Set(input.residents.map((r) => r.practice ?? "F84003"))]
    yield* insertRows(
      db,
      "practice",
      practices.map((code) => ({ practice_code: code, practice_name: code, pcn: "PCN", locality: "North" }))
    )
    yield* insertRows(db, "registered_person", input.residents.map(person))
    yield* insertRows(
      db,
      "gp_event",
      (input.gpEvents ?? []).map(([id, code, date], i): GpEventTable => ({
        ...linked(id, i),
        practice_code: null,
        snomed_code: code,
        event_date: date ?? "2015-01-01",
        value: null
      }))
    )
    yield* insertRows(
      db,
      "acute_activity",
      (input.acute ?? []).map(([id, type, start, method], i): AcuteActivityTable => ({
        ...linked(id, i),
        provider_code: null,
        activity_type: type,
        admission_method: method ?? null,
        admission_category: method === undefined ? null : method.startsWith("2") ? "non_elective" : "elective",
        start_date: start,
        end_date: start,
        bed_days: type === "APC" ? 1 : null,
        primary_diagnosis: null,
        discharge_destination: null,
        cost_gbp: 100
      }))
    )
    yield* insertRows(
      db,
      "adult_social_care_event",
      (input.socialCare ?? []).map(([id, service, start, end], i): AdultSocialCareEventTable => ({
        ...linked(id, i),
        event_type: "service",
        service_type: service,
        service_term: ["residential_care", "nursing_care", "home_care", "direct_payment", "day_care"].includes(service)
          ? "long_term"
          : "short_term",
        primary_support_reason: null,
        event_start: start,
        event_end: end ?? null,
        weekly_cost_gbp: 100,
        reablement_outcome_91d: null
      }))
    )
    yield* insertRows(
      db,
      "childrens_social_care_episode",
      (input.childrensSocialCare ?? []).map(([id, status], i): ChildrensSocialCareEpisodeTable => ({
        ...linked(id, i),
        status,
        start_date: "2026-01-01",
        end_date: null
      }))
    )
    yield* insertRows(
      db,
      "education_record",
      (input.education ?? []).map(([id, sen], i): EducationRecordTable => ({
        ...linked(id, i),
        school_urn: "100945",
        census_date: "2026-10-01",
        sen_provision: sen,
        sen_primary_need: null,
        fsm_eligible: null,
        attendance_pct: null,
        exclusions: null
      }))
    )
    yield* insertRows(
      db,
      "housing_record",
      (input.housing ?? []).map(([id, tenure, notice, household, start], i): HousingRecordTable => ({
        ...linked(id, i),
        household_id: household ?? null,
        tenure,
        overcrowded: 0,
        notice_served: notice ? 1 : 0,
        start_date: start ?? "2025-01-01",
        end_date: null
      }))
    )
    return db
  })

/** Every model, in the order a run builds them (each checked as it is built). */
export const buildModels = (db: WarehouseDb) =>
  Effect.gen(function* () {
    yield* buildHouseholds(db)
    yield* buildFeatures(db, yield* loadRules(), AS_OF)
    yield* segmentResidents(db)
  })

/**
 * Runs the models over the spec's rows in a new warehouse (SQLite in memory
 * unless told otherwise); memberships and risk components by person.
 */
export const segment = (input: SpecInput, location: WarehouseLocation = { kind: "sqlite", file: ":memory:" }) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const db = yield* specWarehouse(input, location)
        yield* buildModels(db)
        const memberships = yield* Effect.promise(() => db.selectFrom("segment_membership").selectAll().execute())
        const risks = yield* Effect.promise(() => db.selectFrom("risk_score").selectAll().execute())
        return {
          membership: Object.fromEntries(memberships.map(({ person_id, ...rest }) => [person_id, rest as Membership])),
          risk: Object.fromEntries(risks.map(({ person_id, ...rest }) => [person_id, rest]))
        }
      })
    )
  )
