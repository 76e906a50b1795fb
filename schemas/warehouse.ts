/**
 * The warehouse tables as Kysely sees them. The DDL lives in
 * `sql/migrations/`; this is its typed mirror, and the docs' data dictionary
 * describes each column.
 */
import type { SegmentCode } from "./segments.js"

/** How a record reached (or failed to reach) a resident. */
export type LinkStatus = "linked" | "not_resident" | "ambiguous" | "unmatched" | "no_nhs_number" | "invalid_nhs_number"

/** Columns every curated record table shares. */
export interface LinkedRecord {
  source_row: number
  person_id: string | null
  link_status: LinkStatus
  link_method: string | null
}

/** Council records, which may link by demographics: the probabilistic tier's match weight (bits), else null. */
export interface CouncilLinkedRecord extends LinkedRecord {
  match_weight: number | null
}

export interface PracticeTable {
  practice_code: string
  practice_name: string
  pcn: string
  locality: string
}

export interface PersonTable {
  person_id: string
  year_of_birth: number
  age_years: number
  age_band: string
  sex: string
  ethnic_category: string | null
  practice_code: string
  registration_date: string
  lsoa: string | null
  imd_decile: number | null
  postcode_district: string
  household_id: string | null
}

/** A resident during the window who died or deregistered before the as-of date (`transforms/spine.ts`). */
export interface WindowLeaverTable {
  person_id: string
  /** Age on the day they left. */
  age_years: number
  practice_code: string
  /** The first day they were not a resident: the date of death or of deregistration. */
  left_on: string
  reason: "died" | "deregistered"
}

export interface HouseholdTable {
  household_id: string
  residents: number
}

export interface GpEventTable extends LinkedRecord {
  practice_code: string | null
  snomed_code: string
  event_date: string
  value: number | null
}

export interface AcuteActivityTable extends LinkedRecord {
  provider_code: string | null
  activity_type: string
  admission_method: string | null
  admission_category: string | null
  start_date: string
  end_date: string | null
  bed_days: number | null
  primary_diagnosis: string | null
  discharge_destination: string | null
  cost_gbp: number | null
}

export interface CommunityContactTable extends LinkedRecord {
  provider_code: string | null
  service: string
  contact_date: string
}

export interface AdultSocialCareEventTable extends CouncilLinkedRecord {
  event_type: string
  service_type: string | null
  service_term: string | null
  primary_support_reason: string | null
  event_start: string
  event_end: string | null
  weekly_cost_gbp: number | null
  reablement_outcome_91d: string | null
}

export interface ChildrensSocialCareEpisodeTable extends CouncilLinkedRecord {
  status: string
  start_date: string
  end_date: string | null
}

export interface HousingRecordTable extends CouncilLinkedRecord {
  household_id: string | null
  tenure: string
  overcrowded: number | null
  notice_served: number | null
  start_date: string
  end_date: string | null
}

export interface BenefitClaimTable extends CouncilLinkedRecord {
  household_id: string | null
  role: string
  benefit_type: string
  universal_credit: number | null
  weekly_amount_gbp: number | null
  start_date: string
  end_date: string | null
}

export interface EducationRecordTable extends CouncilLinkedRecord {
  school_urn: string
  census_date: string
  sen_provision: string | null
  sen_primary_need: string | null
  fsm_eligible: number | null
  attendance_pct: number | null
  exclusions: number | null
}

export interface RunTable {
  run_id: string
  started_at: string
  finished_at: string | null
  status: string
  failure_reason: string | null
  as_of: string
  software_version: string
  config_version: string
  key_fingerprint: string | null
  lineage_json: string
}

export interface LineageInputTable {
  run_id: string
  source: string
  status: string
  path: string | null
  bytes: number | null
  sha256: string | null
  rows_read: number
  rows_accepted: number
  rows_quarantined: number
  invalid_nhs_numbers: number
  partial_demographics: number
  unknown_columns: string | null
}

export interface LineageQuarantineTable {
  run_id: string
  source: string
  field: string
  reason: string
  rows: number
}

export interface LineageLinkageTable {
  run_id: string
  source: string
  link_status: string
  link_method: string
  rows: number
}

export interface LineageLinkageEquityTable {
  run_id: string
  source: string
  dimension: string
  category: string
  records: number
  linked: number
}

export interface LineageStageTable {
  run_id: string
  stage: string
  rows_in: number
  rows_out: number
  duration_ms: number
}

export interface LineageExtractTable {
  at: string
  kind: string
  run_id: string
  operator: string
  host: string
  workstream: string | null
  practice: string | null
  purpose: string
  recipient: string
  profile_version: string
  /** Comma-separated, in the file's column order. */
  fields: string
  rows: number
  path: string
  sha256: string
  /** JSON: a workstream extract's k and re-identification figures; null for a re-identified list. */
  k_anonymity: string | null
  profiles_file: string | null
  profiles_sha256: string | null
}

/** The tariff's price per unit of each activity the shadow budget costs (`rules/tariff-v1.json`). */
export interface UnitCostTable {
  activity: string
  service_line: string
  unit: string
  gbp: number
}

export interface RuleParameterTable {
  name: string
  value: string
}

export interface CodelistCodeTable {
  condition: string
  kind: string
  code: string
}

export interface SegmentMembershipTable {
  person_id: string
  segment: SegmentCode
  reasons: string
  transition: number
  ltc: number
  risk_score: number
}

export interface RiskScoreTable {
  person_id: string
  age_points: number
  ltc_points: number
  non_elective_points: number
  ae_points: number
  social_care_points: number
  frailty_points: number
  housing_points: number
  living_alone_points: number
  total: number
}

/** Curated record tables, keyed by table name. */
export interface RecordTables {
  gp_event: GpEventTable
  acute_activity: AcuteActivityTable
  community_contact: CommunityContactTable
  adult_social_care_event: AdultSocialCareEventTable
  childrens_social_care_episode: ChildrensSocialCareEpisodeTable
  housing_record: HousingRecordTable
  benefit_claim: BenefitClaimTable
  education_record: EducationRecordTable
}

/** The optional per-LSOA reference figures (`lsoa_environment.csv`). */
export interface LsoaEnvironmentTable {
  lsoa: string
  pm25_ugm3: number | null
  crimes_per_1000: number | null
}

export interface WarehouseSchema extends RecordTables {
  practice: PracticeTable
  lsoa_environment: LsoaEnvironmentTable
  /** The spine as loaded, until the person model has built `person` from it (then dropped). */
  registered_person: PersonTable
  person: PersonTable
  window_leaver: WindowLeaverTable
  household: HouseholdTable
  run: RunTable
  lineage_input: LineageInputTable
  lineage_quarantine: LineageQuarantineTable
  lineage_linkage: LineageLinkageTable
  lineage_stage: LineageStageTable
  lineage_extract: LineageExtractTable
  lineage_linkage_equity: LineageLinkageEquityTable
  rule_parameter: RuleParameterTable
  unit_cost: UnitCostTable
  codelist_code: CodelistCodeTable
  segment_membership: SegmentMembershipTable
  risk_score: RiskScoreTable
}
