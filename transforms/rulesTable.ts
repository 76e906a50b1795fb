/**
 * The segmentation rules as a table an analyst can read: segment → criterion →
 * codelist or field → threshold, in the order the rules are applied.
 */
import type { SegmentationRules } from "../schemas/segmentationRules.js"

export interface RuleRow {
  readonly segment: string
  readonly criterion: string
  readonly source: string
  readonly threshold: string
}

export const rulesTable = (rules: SegmentationRules): Array<RuleRow> => {
  const t = rules.thresholds
  const r = rules.riskPoints
  const codelist = (condition: string) => (rules.codelists[condition]?.files ?? []).join(" + ") || "(no codelist)"
  const ltcs = Object.entries(rules.codelists)
    .filter(([, list]) => list.kind === "ltc")
    .map(([condition]) => condition)
  return [
    { segment: "1. BWGW", criterion: "age_under_18", source: "person.age_years", threshold: `< ${t.childUnderAge}` },
    {
      segment: "1. BWGW (flag)",
      criterion: "transition",
      source: "age; education.sen_provision; childrens_social_care.status; LTCs",
      threshold: `age ${t.transitionMinAge}-${t.transitionMaxAge} and (EHC plan 'E', a CSC status, or 1+ LTC)`
    },
    {
      segment: "2. PI",
      criterion: "palliative_care",
      source: codelist("palliative_care"),
      threshold: "ever recorded, age 18+"
    },
    { segment: "2. PI", criterion: "dementia", source: codelist("dementia"), threshold: "ever recorded" },
    {
      segment: "2. PI",
      criterion: "care_home",
      source: `${codelist("care_home")}; adult_social_care residential/nursing today`,
      threshold: "recorded"
    },
    {
      segment: "2. PI",
      criterion: "severe_frailty",
      source: `${codelist("severe_frailty")} vs ${codelist("moderate_frailty")}`,
      threshold: "latest frailty record is severe"
    },
    { segment: "2. PI", criterion: "housebound", source: codelist("housebound"), threshold: "recorded" },
    {
      segment: "2. PI",
      criterion: "long_term_social_care",
      source: "adult_social_care.service_type",
      threshold: "long-term service running on the as-of date"
    },
    {
      segment: "2. PI",
      criterion: "complex_ltc",
      source: `LTCs (${ltcs.length} codelists); acute_activity`,
      threshold: `${t.complexLtcMinLtcs}+ LTCs and (${t.complexLtcMinNonElectiveAdmissions}+ non-elective admissions or ${t.complexLtcMinAeAttendances}+ A&E attendances) in ${rules.windowDays} days`
    },
    {
      segment: "2. PI",
      criterion: "discretionary",
      source: "risk_score.total per practice",
      threshold: `highest risk aged ${t.discretionaryMinAge}+, up to ${t.discretionarySharePercent}% of the practice's ${t.discretionaryMinAge}+ minus those already in PI; ties by person_id`
    },
    {
      segment: "3. LW",
      criterion: "adult",
      source: "person.age_years",
      threshold: `${t.childUnderAge}+ and not in PI`
    },
    { segment: "3. LW (flag)", criterion: "ltc", source: "LTCs", threshold: "1+ LTC" },
    ...ltcs.map((condition) => ({
      segment: "LTC",
      criterion: condition,
      source: codelist(condition),
      threshold: "ever recorded by the as-of date"
    })),
    {
      segment: "risk",
      criterion: "age",
      source: "person.age_years",
      threshold: `65-74: ${r.age65to74}, 75-84: ${r.age75to84}, 85+: ${r.age85plus}`
    },
    { segment: "risk", criterion: "ltc", source: "LTCs", threshold: `${r.perLtc} each, max ${r.maxLtcPoints}` },
    {
      segment: "risk",
      criterion: "non_elective",
      source: "acute_activity",
      threshold: `${r.perNonElectiveAdmission} each, max ${r.maxNonElectivePoints}`
    },
    {
      segment: "risk",
      criterion: "ae",
      source: "acute_activity",
      threshold: `${r.perAeAttendance} each, max ${r.maxAePoints}`
    },
    {
      segment: "risk",
      criterion: "long_term_social_care",
      source: "adult_social_care",
      threshold: String(r.longTermSocialCare)
    },
    {
      segment: "risk",
      criterion: "frailty",
      source: "frailty codelists",
      threshold: `moderate: ${r.moderateFrailty}, severe: ${r.severeFrailty}`
    },
    {
      segment: "risk",
      criterion: "housing",
      source: "housing (temporary, homeless, notice served)",
      threshold: String(r.housingRisk)
    },
    {
      segment: "risk",
      criterion: "aged_65_plus_living_alone",
      source: "household.residents = 1",
      threshold: String(r.aged65PlusLivingAlone)
    }
  ]
}

/** Fixed-width text for a terminal. */
export const formatRulesTable = (version: string, rows: ReadonlyArray<RuleRow>): string => {
  const header: RuleRow = {
    segment: "segment",
    criterion: "criterion",
    source: "codelist or field",
    threshold: "threshold"
  }
  const all = [header, ...rows]
  const width = (key: keyof RuleRow) => Math.max(...all.map((row) => row[key].length))
  const widths = { segment: width("segment"), criterion: width("criterion"), source: Math.min(width("source"), 70) }
  const line = (row: RuleRow) =>
    `${row.segment.padEnd(widths.segment)}  ${row.criterion.padEnd(widths.criterion)}  ${row.source.padEnd(widths.source)}  ${row.threshold}`
  return [
    `rules ${version} (applied in segment order; every resident in exactly one segment)`,
    line(header),
    ...rows.map(line)
  ].join("\n")
}
