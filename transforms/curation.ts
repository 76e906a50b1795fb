/**
 * From a decoded extract row to its curated warehouse row.
 *
 * This is where identifiers are dropped: a curated row carries the record's
 * link to a person (a pseudonym), the address as a `household_id`, and the
 * service facts, never the names, dates of birth, postcodes, UPRNs or council
 * record ids it arrived with. Each function lists exactly what it keeps.
 *
 * Rows are written as single object literals, link columns included: spreading
 * a shared link object into each row made V8 build a slow dictionary-mode
 * object per record, the costliest step of a load at millions of rows.
 */
import type { AcuteActivity } from "../schemas/sources/acuteActivity.js"
import type { AdultSocialCareEvent } from "../schemas/sources/adultSocialCare.js"
import type { BenefitClaim } from "../schemas/sources/benefits.js"
import type { ChildrensSocialCareEpisode } from "../schemas/sources/childrensSocialCare.js"
import type { CommunityContact } from "../schemas/sources/communityContacts.js"
import type { EducationRecord } from "../schemas/sources/education.js"
import type { GpEvent } from "../schemas/sources/gpEvents.js"
import type { HousingRecord } from "../schemas/sources/housing.js"
import type {
  AcuteActivityTable,
  AdultSocialCareEventTable,
  BenefitClaimTable,
  ChildrensSocialCareEpisodeTable,
  CommunityContactTable,
  EducationRecordTable,
  GpEventTable,
  HousingRecordTable
} from "../schemas/warehouse.js"
import { daysBetween } from "../schemas/fields/extractDate.js"
import type { Link } from "./recordLinkage.js"

/** What curation needs besides the row: its number, its link, and the address pseudonym. */
export interface CurationContext {
  readonly sourceRow: number
  readonly link: Link
  readonly householdIdOf: (uprn: string) => string
}

const flag = (value: boolean | undefined): number | null => (value === undefined ? null : value ? 1 : 0)

/** Admission method (APC) → elective, non-elective (emergency), maternity or other. */
export const admissionCategory = (method: string | undefined): string | null => {
  if (method === undefined) return null
  if (method.startsWith("1")) return "elective"
  if (method.startsWith("2")) return "non_elective"
  if (method.startsWith("3")) return "maternity"
  return "other"
}

/**
 * Long-term adult social care services, as ASC client level data counts them;
 * reablement, equipment and carer support are short-term or universal.
 */
export const LONG_TERM_ASC_SERVICES: ReadonlySet<string> = new Set([
  "residential_care",
  "nursing_care",
  "home_care",
  "direct_payment",
  "day_care"
])

export const curateGpEvent = (row: GpEvent, context: CurationContext): GpEventTable => ({
  source_row: context.sourceRow,
  person_id: context.link.person_id,
  link_status: context.link.link_status,
  link_method: context.link.link_method,
  practice_code: row.practice_code ?? null,
  snomed_code: row.snomed_code,
  event_date: row.event_date,
  value: row.value ?? null
})

export const curateAcuteActivity = (row: AcuteActivity, context: CurationContext): AcuteActivityTable => ({
  source_row: context.sourceRow,
  person_id: context.link.person_id,
  link_status: context.link.link_status,
  link_method: context.link.link_method,
  provider_code: row.provider_code ?? null,
  activity_type: row.activity_type,
  admission_method: row.activity_type === "APC" ? (row.admission_method ?? null) : null,
  admission_category: row.activity_type === "APC" ? admissionCategory(row.admission_method) : null,
  start_date: row.start_date,
  end_date: row.end_date ?? null,
  bed_days:
    row.activity_type === "APC" && row.end_date !== undefined ? daysBetween(row.start_date, row.end_date) : null,
  primary_diagnosis: row.primary_diagnosis ?? null,
  discharge_destination: row.discharge_destination ?? null,
  cost_gbp: row.cost ?? null
})

export const curateCommunityContact = (row: CommunityContact, context: CurationContext): CommunityContactTable => ({
  source_row: context.sourceRow,
  person_id: context.link.person_id,
  link_status: context.link.link_status,
  link_method: context.link.link_method,
  provider_code: row.provider_code ?? null,
  service: row.service,
  contact_date: row.contact_date
})

export const curateAdultSocialCare = (
  row: AdultSocialCareEvent,
  context: CurationContext
): AdultSocialCareEventTable => ({
  source_row: context.sourceRow,
  person_id: context.link.person_id,
  link_status: context.link.link_status,
  link_method: context.link.link_method,
  match_weight: context.link.match_weight,
  event_type: row.event_type,
  service_type: row.service_type ?? null,
  service_term:
    row.service_type === undefined ? null : LONG_TERM_ASC_SERVICES.has(row.service_type) ? "long_term" : "short_term",
  primary_support_reason: row.primary_support_reason ?? null,
  event_start: row.event_start,
  event_end: row.event_end ?? null,
  weekly_cost_gbp: row.weekly_cost ?? null,
  reablement_outcome_91d: row.reablement_outcome_91d ?? null
})

export const curateChildrensSocialCare = (
  row: ChildrensSocialCareEpisode,
  context: CurationContext
): ChildrensSocialCareEpisodeTable => ({
  source_row: context.sourceRow,
  person_id: context.link.person_id,
  link_status: context.link.link_status,
  link_method: context.link.link_method,
  match_weight: context.link.match_weight,
  status: row.status,
  start_date: row.start_date,
  end_date: row.end_date ?? null
})

export const curateHousing = (row: HousingRecord, context: CurationContext): HousingRecordTable => ({
  source_row: context.sourceRow,
  person_id: context.link.person_id,
  link_status: context.link.link_status,
  link_method: context.link.link_method,
  match_weight: context.link.match_weight,
  household_id: row.uprn === undefined ? null : context.householdIdOf(row.uprn),
  tenure: row.tenure,
  overcrowded: flag(row.overcrowded),
  notice_served: flag(row.notice_served),
  start_date: row.start_date,
  end_date: row.end_date ?? null
})

export const curateBenefitClaim = (row: BenefitClaim, context: CurationContext): BenefitClaimTable => ({
  source_row: context.sourceRow,
  person_id: context.link.person_id,
  link_status: context.link.link_status,
  link_method: context.link.link_method,
  match_weight: context.link.match_weight,
  household_id: row.uprn === undefined ? null : context.householdIdOf(row.uprn),
  role: row.role,
  benefit_type: row.benefit_type,
  universal_credit: flag(row.universal_credit),
  weekly_amount_gbp: row.weekly_amount ?? null,
  start_date: row.start_date,
  end_date: row.end_date ?? null
})

export const curateEducation = (row: EducationRecord, context: CurationContext): EducationRecordTable => ({
  source_row: context.sourceRow,
  person_id: context.link.person_id,
  link_status: context.link.link_status,
  link_method: context.link.link_method,
  match_weight: context.link.match_weight,
  school_urn: row.school_urn,
  census_date: row.census_date,
  sen_provision: row.sen_provision ?? null,
  sen_primary_need: row.sen_primary_need ?? null,
  fsm_eligible: flag(row.fsm_eligible),
  attendance_pct: row.attendance_pct ?? null,
  exclusions: row.exclusions ?? null
})
