/**
 * A small night's uncontrolled counts for the report's unit tests: every
 * figure either side of the disclosure-control thresholds somewhere.
 */
import type { ReportCounts } from "../../transforms/reportFigures.js"

export const sampleRun = {
  run_id: "20261120T020000000Z-0001",
  as_of: "2026-11-20",
  started_at: "2026-11-20T02:00:00.000Z",
  rules_version: "segmentation-v1",
  software_version: "0.1.0"
}

export const sampleCounts: ReportCounts = {
  run: sampleRun,
  cohortCounts: [
    {
      segment: "BWGW",
      age_band: "05-09",
      sex: "female",
      practice_code: "F84001",
      locality: "North",
      imd_decile: "unknown",
      residents: 3
    },
    {
      segment: "LW",
      age_band: "30-34",
      sex: "female",
      practice_code: "F84001",
      locality: "North",
      imd_decile: "unknown",
      residents: 4
    },
    {
      segment: "LW",
      age_band: "30-34",
      sex: "female",
      practice_code: "F84002",
      locality: "South",
      imd_decile: "unknown",
      residents: 9
    },
    {
      segment: "LW",
      age_band: "40-44",
      sex: "male",
      practice_code: "F84002",
      locality: "South",
      imd_decile: "unknown",
      residents: 26
    },
    {
      segment: "PI",
      age_band: "85+",
      sex: "male",
      practice_code: "F84002",
      locality: "South",
      imd_decile: "unknown",
      residents: 12
    }
  ],
  // Counted apart from the cells above, either side of the threshold.
  transitionCounts: [
    { segment: "BWGW", residents: 13 },
    { segment: "LW", residents: 2 }
  ],
  utilisation: [
    { segment: "LW", ae_attendances: 23, non_elective_admissions: 2, bed_days: 0, adult_social_care_clients: 0 },
    { segment: "PI", ae_attendances: 31, non_elective_admissions: 18, bed_days: 140, adult_social_care_clients: 9 }
  ],
  shadowBudget: [
    { practice_code: "F84001", segment: "LW", service_line: "acute_ae", people: 5, cost_gbp: 4321.4 },
    { practice_code: "F84002", segment: "PI", service_line: "acute_ae", people: 11, cost_gbp: 20450.6 }
  ],
  practices: [
    { practice_code: "F84001", pcn: "North PCN", locality: "North" },
    { practice_code: "F84002", pcn: "South PCN", locality: "South" }
  ],
  bcf: [
    { metric: "non_elective_admissions_per_100000", numerator: 20, denominator: 54, per: 100000 },
    { metric: "still_at_home_91_days_after_reablement_65_plus_percent", numerator: 3, denominator: 4, per: 100 }
  ],
  inputs: [
    { source: "acute_activity", status: "loaded", rows_read: 121, rows_accepted: 118, rows_quarantined: 3 },
    { source: "housing", status: "missing", rows_read: 0, rows_accepted: 0, rows_quarantined: 0 }
  ],
  quarantine: [{ source: "acute_activity", field: "end_date", reason: "end_before_start", rows: 3 }],
  linkage: [
    { source: "acute_activity", link_status: "linked", link_method: "nhs_number", rows: 100 },
    { source: "acute_activity", link_status: "not_resident", link_method: "", rows: 12 },
    { source: "acute_activity", link_status: "opted_out", link_method: "", rows: 6 },
    { source: "benefits", link_status: "linked", link_method: "exact", rows: 9 }
  ],
  equity: [
    { source: "benefits", dimension: "imd_decile", category: "10", records: 6, linked: 6 },
    { source: "housing", dimension: "imd_decile", category: "10", records: 5, linked: 4 },
    { source: "benefits", dimension: "imd_decile", category: "2", records: 20, linked: 18 },
    { source: "benefits", dimension: "ethnic_category", category: "A", records: 3, linked: 3 }
  ],
  warnings: {
    inputs: [
      {
        source: "acute_activity",
        required: true,
        status: "loaded",
        rows_read: 121,
        rows_quarantined: 3,
        duplicate_rows: 12,
        unknown_columns: ["ward"],
        extract_date: "2026-11-15",
        age_days: 5
      },
      {
        source: "housing",
        required: false,
        status: "missing",
        rows_read: 0,
        rows_quarantined: 0,
        duplicate_rows: 0,
        unknown_columns: [],
        extract_date: null,
        age_days: null
      }
    ],
    freshnessWarnDays: 3,
    linkageWarnPercent: 95,
    conflictingDatesOfBirth: 2,
    keyRotated: false,
    acceptedVolumeChanges: []
  },
  sourceProfiles: [
    {
      source: "acute_activity",
      rows: 118,
      fields: [
        { field: "activity_type", non_null: 118 },
        { field: "discharge_destination", non_null: 59 },
        { field: "cost_gbp", non_null: 3 }
      ],
      months: [
        { month: "2026-10", records: 61 },
        { month: "2026-11", records: 4 }
      ]
    }
  ],
  window: { start: "2026-09-21", end: "2026-11-20" }
}
