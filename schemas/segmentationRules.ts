/**
 * The segmentation rules file (`rules/segmentation-v1.json`): which codelist
 * defines each condition, and every threshold and risk point of the rules
 * version. Analysts change these numbers here, not in code.
 */
import { Schema } from "effect"
import { SEGMENTS_BY_PRIORITY } from "./segments.js"

const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

export const SegmentationRules = Schema.Struct({
  version: Schema.String,
  windowDays: Schema.Int.check(Schema.isGreaterThan(0)),
  codelists: Schema.Record(
    Schema.String,
    Schema.Struct({
      /** ltc: a long-term condition; flag: ever recorded; frailty: the latest frailty record sets the level. */
      kind: Schema.Literals(["ltc", "flag", "frailty"]),
      files: Schema.Array(Schema.String)
    })
  ),
  thresholds: Schema.Struct({
    childUnderAge: Count,
    transitionMinAge: Count,
    transitionMaxAge: Count,
    complexLtcMinLtcs: Count,
    complexLtcMinNonElectiveAdmissions: Count,
    complexLtcMinAeAttendances: Count,
    discretionaryMinAge: Count,
    discretionarySharePercent: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100 }))
  }),
  /**
   * The complex-care reasons that count as mandatory: the practice's members
   * aged `discretionaryMinAge`+ with one of them, plus the discretionary
   * members, make up `discretionarySharePercent` of its residents of that age.
   * Members in PI for other reasons do not shrink the discretionary group.
   */
  discretionaryMandatoryReasons: Schema.Array(
    Schema.Literals(SEGMENTS_BY_PRIORITY.flatMap((segment) => segment.reasons))
  ),
  /** The numbers the Better Care Fund metrics' national definitions leave to local choice (`sql/outputs/bcf_metrics.sql`). */
  bcf: Schema.Struct({
    /** A residential or nursing placement that ended within this many days is respite or a short stay, not a permanent admission. */
    shortStayMaxDays: Count,
    /** A reablement service starting this many days after a hospital discharge, or fewer, is reablement the person was discharged into. */
    reablementStartWithinDays: Count
  }),
  riskPoints: Schema.Struct({
    age65to74: Count,
    age75to84: Count,
    age85plus: Count,
    perLtc: Count,
    maxLtcPoints: Count,
    perNonElectiveAdmission: Count,
    maxNonElectivePoints: Count,
    perAeAttendance: Count,
    maxAePoints: Count,
    longTermSocialCare: Count,
    moderateFrailty: Count,
    severeFrailty: Count,
    housingRisk: Count,
    aged65PlusLivingAlone: Count
  })
})
export type SegmentationRules = typeof SegmentationRules.Type
