/**
 * A warehouse filled from rows written inline in a spec, the way a run fills
 * it: residents become GP registrations that the real spine turns into
 * `person` rows (leaving out whoever opted out), records link to them by NHS
 * number through the real linkage index, and the real migrations, rules,
 * codelists and SQL models run over the result. Person ids in a spec are the
 * pseudonyms, so expectations can name people.
 */
import { Effect, Layer } from "effect"
import type {
  AcuteActivityTable,
  AdultSocialCareEventTable,
  BenefitClaimTable,
  ChildrensSocialCareEpisodeTable,
  CommunityContactTable,
  EducationRecordTable,
  GpEventTable,
  HousingRecordTable,
  LinkedRecord
} from "../../schemas/warehouse.js"
import type { Sex } from "../../schemas/fields/codedValues.js"
import { modulus11CheckDigit } from "../../schemas/fields/nhsNumber.js"
import type { GpRegistration } from "../../schemas/sources/gpRegistrations.js"
import { buildModels as runModelsStep } from "../../pipelines/nightly/buildModels.js"
import { RunStages } from "../../pipelines/nightly/runStages.js"
import { Progress } from "../../pipelines/services/progress.js"
import { RunLog } from "../../pipelines/services/runLog.js"
import { loadRules } from "../../pipelines/nightly/segmentationRules.js"
import { loadTariff } from "../../pipelines/nightly/tariff.js"
import type { Engine } from "../../pipelines/warehouse/engines.js"
import { sqliteEngine } from "../../pipelines/warehouse/sqlite.js"
import { discardBuild, insertRows, openWarehouse, type WarehouseDb } from "../../pipelines/warehouse/warehouse.js"
import { linkageIndex } from "../../transforms/linkageContext.js"
import { linkByNhsNumber } from "../../transforms/recordLinkage.js"
import { type AreaOfPostcode, buildSpine } from "../../transforms/spine.js"

export const AS_OF = "2026-11-20"
/** The first day of the rules' 365-day window ending on the as-of date. */
export const WINDOW_START = "2025-11-21"

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

/** `n` rows made from their position: the many alike residents or records a count needs. */
export const times = <T>(n: number, make: (i: number) => T): Array<T> => Array.from({ length: n }, (_, i) => make(i))

export interface Resident {
  readonly id: string
  readonly age: number
  readonly sex?: Sex
  readonly practice?: string
  /** The registration's address; a household of their own unless given (null: the registration has no UPRN). */
  readonly household?: string | null
  /** The deprivation decile of the resident's postcode; any resident having one means a lookup was supplied. */
  readonly imdDecile?: number
  /** The NHS ethnic category letter on their registration. */
  readonly ethnicCategory?: string
  /** The date of death on their registration: from then on no longer a resident. */
  readonly died?: string
  /** The date their registration ended, with no other one after it. */
  readonly deregistered?: string
}

export interface SpecInput {
  readonly residents: ReadonlyArray<Resident>
  /** Residents who objected to secondary use (the `opt_outs` extract). */
  readonly optOuts?: ReadonlyArray<string>
  /** [practice code, PCN, locality]; a practice not listed is in PCN `PCN`, locality `North`. */
  readonly practices?: ReadonlyArray<readonly [code: string, pcn: string, locality: string]>
  readonly gpEvents?: ReadonlyArray<readonly [id: string, code: string, date?: string]>
  /** [id, activity type, start date, admission method, end date (the start unless given; null: not yet discharged)]; each costs £100. */
  readonly acute?: ReadonlyArray<
    readonly [id: string, type: "AE" | "APC" | "OP", start: string, method?: string, end?: string | null]
  >
  /** [id, service type, start, end, 91-day reablement outcome]; each costs £100 a week. */
  readonly socialCare?: ReadonlyArray<
    readonly [id: string, service: string, start: string, end?: string, reablementOutcome?: string]
  >
  readonly childrensSocialCare?: ReadonlyArray<readonly [id: string, status: string]>
  /** [id, SEN provision, free school meals, attendance %] from a census of 2026-10-01. */
  readonly education?: ReadonlyArray<
    readonly [id: string, senProvision: string, fsmEligible?: boolean, attendancePct?: number]
  >
  /** [id, tenure, notice served, household, start, overcrowded] */
  readonly housing?: ReadonlyArray<
    readonly [
      id: string,
      tenure: string,
      noticeServed?: boolean,
      household?: string,
      start?: string,
      overcrowded?: boolean
    ]
  >
  /** [id, service, contact date] */
  readonly community?: ReadonlyArray<readonly [id: string, service: string, date: string]>
  /** `lsoa_environment.csv`: [LSOA, PM2.5, crimes per 1,000]; a resident with deprivation decile d lives in `E0100${d}`. */
  readonly environment?: ReadonlyArray<readonly [lsoa: string, pm25?: number, crimesPer1000?: number]>
  /** [id, Universal Credit]: a council tax reduction claim running since 2025-01-01. */
  readonly benefits?: ReadonlyArray<readonly [id: string, universalCredit: boolean]>
}

export interface Membership {
  readonly segment: string
  readonly reasons: string
  readonly transition: number
  readonly ltc: number
  readonly risk_score: number
}

const DEFAULT_PRACTICE = "F84003"
const RUN_ID = "spec"

/** Valid NHS numbers (Modulus 11), one after another. */
function* nhsNumbers(): Generator<string, never> {
  for (let firstNine = 943_476_000; ; firstNine++) {
    const check = modulus11CheckDigit(String(firstNine))
    if (check !== undefined) yield `${firstNine}${check}`
  }
}

const postcodeOf = (resident: Resident) => (resident.imdDecile === undefined ? "E1 6AN" : `E1 ${resident.imdDecile}AA`)

/** Born on 1 January, so the age on the as-of date is the spec's age. */
const registration = (resident: Resident, nhsNumber: string): GpRegistration => ({
  nhs_number: nhsNumber,
  family_name: "Spec",
  given_name: resident.id,
  date_of_birth: `${Number(AS_OF.slice(0, 4)) - resident.age}-01-01`,
  sex: resident.sex ?? "female",
  ...(resident.ethnicCategory === undefined ? {} : { ethnic_category: resident.ethnicCategory }),
  postcode: postcodeOf(resident),
  ...(resident.household === null ? {} : { uprn: resident.household ?? `h-${resident.id}` }),
  practice_code: resident.practice ?? DEFAULT_PRACTICE,
  registration_date: "2000-01-01",
  ...(resident.died === undefined ? {} : { date_of_death: resident.died }),
  ...(resident.deregistered === undefined ? {} : { deregistration_date: resident.deregistered })
})

/**
 * Loads the spec's rows into a new warehouse on `engine`, as a run loads
 * them, before any model has run. The connection closes, and a PostgreSQL
 * build is dropped, with the scope. Returns the warehouse and the NHS number
 * of each person the spec names (by person id), which nothing published may contain.
 */
export const loadedWarehouse = (input: SpecInput, engine: Engine) =>
  Effect.gen(function* () {
    // Residents first, then anyone else the records name (who links as not resident).
    const unused = nhsNumbers()
    const nhsNumberById = new Map<string, string>()
    const idByNhsNumber = new Map<string, string>()
    const nhsNumberOf = (id: string) => {
      let nhsNumber = nhsNumberById.get(id)
      if (nhsNumber === undefined) {
        nhsNumber = unused.next().value
        nhsNumberById.set(id, nhsNumber)
        idByNhsNumber.set(nhsNumber, id)
      }
      return nhsNumber
    }
    for (const resident of input.residents) nhsNumberOf(resident.id)
    const personIdOf = (nhsNumber: string) => idByNhsNumber.get(nhsNumber)!
    const optedOut = new Set((input.optOuts ?? []).map(nhsNumberOf))
    const practiceCodes = [...new Set(input.residents.map((r) => r.practice ?? DEFAULT_PRACTICE))].sort()
    const areaOfPostcode = new Map<string, AreaOfPostcode>(
      input.residents
        .filter((r) => r.imdDecile !== undefined)
        .map((r) => [postcodeOf(r), { lsoa: `E0100${r.imdDecile}`, imdDecile: r.imdDecile }])
    )
    const spine = buildSpine({
      registrations: new Map(input.residents.map((r) => [nhsNumberOf(r.id), [registration(r, nhsNumberOf(r.id))]])),
      coveredPractices: new Set(practiceCodes),
      optedOut,
      areaOfPostcode,
      asOf: AS_OF,
      windowStart: WINDOW_START,
      personIdOf,
      householdIdOf: (uprn) => uprn
    })
    const index = linkageIndex(spine, personIdOf, optedOut)
    /** The spec's rows of one table, linked as the run links them: an opted-out person's records are dropped. */
    const records = <Spec extends readonly [id: string, ...rest: Array<unknown>], Table>(
      rows: ReadonlyArray<Spec> | undefined,
      curate: (row: Spec, link: LinkedRecord) => Table
    ): Array<Table> =>
      (rows ?? []).flatMap((row, i) => {
        const link = linkByNhsNumber(index, nhsNumberOf(row[0]))
        if (link === "opted_out") return []
        const { link_method, link_status, person_id } = link
        return [curate(row, { source_row: i, person_id, link_status, link_method })]
      })

    // A PostgreSQL build schema is dropped when the spec is done with it.
    yield* Effect.addFinalizer(() => discardBuild(engine, RUN_ID))
    const db = yield* openWarehouse(engine, RUN_ID)
    const listed = new Map((input.practices ?? []).map(([code, pcn, locality]) => [code, { pcn, locality }]))
    yield* insertRows(
      db,
      "practice",
      practiceCodes.map((code) => ({
        practice_code: code,
        practice_name: code,
        ...(listed.get(code) ?? { pcn: "PCN", locality: "North" })
      }))
    )
    yield* insertRows(
      db,
      "lsoa_environment",
      (input.environment ?? []).map(([lsoa, pm25, crimes]) => ({
        lsoa,
        pm25_ugm3: pm25 ?? null,
        crimes_per_1000: crimes ?? null
      }))
    )
    yield* insertRows(
      db,
      "registered_person",
      spine.residents.map((resident) => resident.person)
    )
    yield* insertRows(db, "window_leaver", spine.windowLeavers)
    yield* insertRows(
      db,
      "gp_event",
      records(input.gpEvents, ([, code, date], link): GpEventTable => ({
        ...link,
        practice_code: null,
        snomed_code: code,
        event_date: date ?? "2015-01-01",
        value: null
      }))
    )
    yield* insertRows(
      db,
      "acute_activity",
      records(input.acute, ([, type, start, method, end], link): AcuteActivityTable => ({
        ...link,
        provider_code: null,
        activity_type: type,
        admission_method: method ?? null,
        admission_category: method === undefined ? null : method.startsWith("2") ? "non_elective" : "elective",
        start_date: start,
        end_date: end === undefined ? start : end,
        bed_days: type === "APC" ? 1 : null,
        primary_diagnosis: null,
        discharge_destination: null,
        cost_gbp: 100
      }))
    )
    yield* insertRows(
      db,
      "adult_social_care_event",
      records(input.socialCare, ([, service, start, end, outcome], link): AdultSocialCareEventTable => ({
        ...link,
        match_weight: null,
        event_type: "service",
        service_type: service,
        service_term: ["residential_care", "nursing_care", "home_care", "direct_payment", "day_care"].includes(service)
          ? "long_term"
          : "short_term",
        primary_support_reason: null,
        event_start: start,
        event_end: end ?? null,
        weekly_cost_gbp: 100,
        reablement_outcome_91d: outcome ?? null
      }))
    )
    yield* insertRows(
      db,
      "childrens_social_care_episode",
      records(input.childrensSocialCare, ([, status], link): ChildrensSocialCareEpisodeTable => ({
        ...link,
        match_weight: null,
        status,
        start_date: "2026-01-01",
        end_date: null
      }))
    )
    yield* insertRows(
      db,
      "education_record",
      records(input.education, ([, sen, fsm, attendance], link): EducationRecordTable => ({
        ...link,
        match_weight: null,
        school_urn: "100945",
        census_date: "2026-10-01",
        sen_provision: sen,
        sen_primary_need: null,
        fsm_eligible: fsm === undefined ? null : fsm ? 1 : 0,
        attendance_pct: attendance ?? null,
        exclusions: null
      }))
    )
    yield* insertRows(
      db,
      "housing_record",
      records(input.housing, ([, tenure, notice, household, start, overcrowded], link): HousingRecordTable => ({
        ...link,
        match_weight: null,
        household_id: household ?? null,
        tenure,
        overcrowded: overcrowded ? 1 : 0,
        notice_served: notice ? 1 : 0,
        start_date: start ?? "2025-01-01",
        end_date: null
      }))
    )
    yield* insertRows(
      db,
      "community_contact",
      records(input.community, ([, service, date], link): CommunityContactTable => ({
        ...link,
        provider_code: null,
        service,
        contact_date: date
      }))
    )
    yield* insertRows(
      db,
      "benefit_claim",
      records(input.benefits, ([, universalCredit], link): BenefitClaimTable => ({
        ...link,
        match_weight: null,
        household_id: null,
        role: "claimant",
        benefit_type: "council_tax_reduction",
        universal_credit: universalCredit ? 1 : 0,
        weekly_amount_gbp: null,
        start_date: "2025-01-01",
        end_date: null
      }))
    )
    return { db, nhsNumbers: nhsNumberById as ReadonlyMap<string, string>, residents: spine.residents.length }
  })

/** The models a run builds over its loaded records, built by the run's own models step, up to segment membership. */
export const buildModels = ({ db, residents }: { readonly db: WarehouseDb; readonly residents: number }) =>
  Effect.gen(function* () {
    yield* runModelsStep(db, yield* loadRules(), yield* loadTariff(), AS_OF, residents, Effect.void)
  }).pipe(Effect.provide(Layer.mergeAll(RunStages.layer, Progress.none, RunLog.memory([]))))

/** The spec's warehouse with every model built. */
export const specWarehouse = (input: SpecInput, engine: Engine) =>
  Effect.tap(loadedWarehouse(input, engine), buildModels)

/**
 * Runs the segmentation models over the spec's rows in a new warehouse
 * (SQLite in memory unless told otherwise); memberships and risk components by person.
 */
export const segment = (input: SpecInput, engine: Engine = sqliteEngine(":memory:")) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const { db } = yield* specWarehouse(input, engine)
        const memberships = yield* Effect.promise(() => db.selectFrom("segment_membership").selectAll().execute())
        const risks = yield* Effect.promise(() => db.selectFrom("risk_score").selectAll().execute())
        return {
          membership: Object.fromEntries(memberships.map(({ person_id, ...rest }) => [person_id, rest as Membership])),
          risk: Object.fromEntries(risks.map(({ person_id, ...rest }) => [person_id, rest]))
        }
      })
    )
  )
