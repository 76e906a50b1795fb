/**
 * The segmentation rules file (`rules/segmentation-v1.json`): which codelist
 * defines each condition, and every threshold and risk point of the rules
 * version. Analysts change these numbers here, not in code.
 */
import { Schema } from "effect"

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
