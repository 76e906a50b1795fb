/**
 * The segmentation rules as a table an analyst can read: segment → criterion →
 * codelist or field → threshold, in the order the rules are applied.
 *
 * Everything that can change lives elsewhere and is read from there: the
 * segments, their priority, reason codes and flags from `schemas/segments.ts`; the
 * codelists, thresholds and risk points from the rules file. What is written
 * here is how the SQL models use them, one entry per reason code and flag, so
 * a reason or flag added to a segment does not compile until it is described.
 */
import type { SegmentationRules } from "../schemas/segmentationRules.js"
import {
  COMPLEX_COHORT_SEGMENT,
  type SegmentFlag,
  type SegmentReason,
  SEGMENTS_BY_PRIORITY,
  TRANSITION_REASONS,
  type TransitionReason
} from "../schemas/segments.js"

export interface RuleRow {
  readonly segment: string
  readonly criterion: string
  readonly source: string
  readonly threshold: string
}

type Criterion = (rules: SegmentationRules) => Pick<RuleRow, "source" | "threshold">

const codelist = (rules: SegmentationRules, condition: string) =>
  (rules.codelists[condition]?.files ?? []).join(" + ") || "(no codelist)"

const ltcsOf = (rules: SegmentationRules) =>
  Object.entries(rules.codelists)
    .filter(([, list]) => list.kind === "ltc")
    .map(([condition]) => condition)

/** What puts a resident in their segment, by reason code (`segment_reason.reason`). */
const REASONS: Record<SegmentReason, Criterion> = {
  age_under_18: ({ thresholds }) => ({ source: "person.age_years", threshold: `< ${thresholds.childUnderAge}` }),
  palliative_care: (rules) => ({
    source: codelist(rules, "palliative_care"),
    threshold: `ever recorded, age ${rules.thresholds.childUnderAge}+`
  }),
  dementia: (rules) => ({ source: codelist(rules, "dementia"), threshold: "ever recorded" }),
  care_home: (rules) => ({
    source: `${codelist(rules, "care_home")}; adult_social_care residential/nursing today`,
    threshold: "recorded"
  }),
  severe_frailty: (rules) => ({
    source: `${codelist(rules, "severe_frailty")} vs ${codelist(rules, "moderate_frailty")}`,
    threshold: "latest frailty record is severe"
  }),
  housebound: (rules) => ({ source: codelist(rules, "housebound"), threshold: "recorded" }),
  long_term_social_care: () => ({
    source: "adult_social_care.service_type",
    threshold: "long-term service running on the as-of date"
  }),
  complex_ltc: (rules) => {
    const t = rules.thresholds
    return {
      source: `LTCs (${ltcsOf(rules).length} codelists); acute_activity`,
      threshold: `${t.complexLtcMinLtcs}+ LTCs and (${t.complexLtcMinNonElectiveAdmissions}+ non-elective admissions or ${t.complexLtcMinAeAttendances}+ A&E attendances) in ${rules.windowDays} days`
    }
  },
  discretionary: ({ thresholds: t, discretionaryMandatoryReasons: mandatory }) => ({
    source: "risk_score.total per practice",
    threshold: `highest risk aged ${t.discretionaryMinAge}+ not in ${COMPLEX_COHORT_SEGMENT}, up to ${t.discretionarySharePercent}% of the practice's ${t.discretionaryMinAge}+ minus its ${t.discretionaryMinAge}+ with ${mandatory.join("/") || "(no mandatory reason)"}; ties by person_id`
  }),
  adult: ({ thresholds }) => ({
    source: "person.age_years",
    threshold: `${thresholds.childUnderAge}+ and not in ${COMPLEX_COHORT_SEGMENT}`
  })
}

/** What each transition reason code stands for, so the table shows the codes the transitions list carries. */
const TRANSITION_CRITERIA: Record<TransitionReason, string> = {
  ehc_plan: "EHC plan 'E'",
  childrens_social_care: "a CSC status",
  ltc: "1+ LTC"
}

/** What sets each flag of `segment_membership`. */
const FLAGS: Record<SegmentFlag, Criterion> = {
  transition: ({ thresholds: t }) => ({
    source: "age; education.sen_provision; childrens_social_care.status; LTCs",
    threshold: `age ${t.transitionMinAge}-${t.transitionMaxAge} and any of ${TRANSITION_REASONS.map((reason) => `${reason} (${TRANSITION_CRITERIA[reason]})`).join(", ")}`
  }),
  ltc: () => ({ source: "LTCs", threshold: "1+ LTC" })
}

export const rulesTable = (rules: SegmentationRules): Array<RuleRow> => {
  const r = rules.riskPoints
  return [
    ...SEGMENTS_BY_PRIORITY.flatMap((segment) => {
      const label = `${segment.priority}. ${segment.code}`
      return [
        ...segment.reasons.map((reason) => ({ segment: label, criterion: reason, ...REASONS[reason](rules) })),
        ...segment.flags.map((flag) => ({ segment: `${label} (flag)`, criterion: flag, ...FLAGS[flag](rules) }))
      ]
    }),
    ...ltcsOf(rules).map((condition) => ({
      segment: "LTC",
      criterion: condition,
      source: codelist(rules, condition),
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
    },
    // Not segmentation, but the same file's numbers: the BCF metrics' local choices (docs/outputs.md).
    {
      segment: "BCF",
      criterion: "permanent_admission",
      source: "adult_social_care residential_care, nursing_care",
      threshold: `placement not ended within ${rules.bcf.shortStayMaxDays} days, or ended by death`
    },
    {
      segment: "BCF",
      criterion: "discharged_into_reablement",
      source: "acute_activity APC end_date; adult_social_care reablement",
      threshold: `reablement starting 0-${rules.bcf.reablementStartWithinDays} days after discharge`
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
