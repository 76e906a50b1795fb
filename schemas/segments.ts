/**
 * The three life-course workstreams every resident belongs to, defined once:
 * each segment's code (as the warehouse, the outputs, lineage, `wsd extract
 * --workstream` and the extract profiles write it), name (as the report and
 * the lists' recipients show it), its place in the rules' priority order, the
 * reason codes the segment models give its members and the flags of
 * `segment_membership` that describe its members.
 *
 * The list is in the order outputs publish segments: children, then adults.
 * The rules apply them in `priority` order instead, so that an adult who
 * qualifies for Promoting Independence is never in Living Well.
 */
export const SEGMENTS = [
  {
    code: "BWGW",
    name: "Born Well & Growing Well",
    priority: 1,
    reasons: ["age_under_18"],
    flags: ["transition"]
  },
  {
    code: "LW",
    name: "Living Well",
    priority: 3,
    reasons: ["adult"],
    flags: ["ltc"]
  },
  {
    code: "PI",
    name: "Promoting Independence",
    priority: 2,
    reasons: [
      "palliative_care",
      "dementia",
      "care_home",
      "severe_frailty",
      "housebound",
      "long_term_social_care",
      "complex_ltc",
      "discretionary"
    ],
    flags: []
  }
] as const

export type Segment = (typeof SEGMENTS)[number]
export type SegmentCode = Segment["code"]
export type SegmentReason = Segment["reasons"][number]
export type SegmentFlag = Segment["flags"][number]

/** The codes in publication order. */
export const SEGMENT_CODES: ReadonlyArray<SegmentCode> = SEGMENTS.map((segment) => segment.code)

/** Names by code; looked up with the text a warehouse row carries. */
export const SEGMENT_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  SEGMENTS.map((segment) => [segment.code, segment.name])
)

/**
 * The workstream names `wsd extract --workstream` took before it took the
 * segment codes: still accepted there, with a message naming the code.
 */
export const DEPRECATED_WORKSTREAM_NAMES: Readonly<Record<string, SegmentCode>> = {
  "born-well": "BWGW",
  "living-well": "LW",
  "promoting-independence": "PI"
}

/** The segments in the order the rules apply them. */
export const SEGMENTS_BY_PRIORITY: ReadonlyArray<Segment> = [...SEGMENTS].sort((a, b) => a.priority - b.priority)

/**
 * Why a resident carries the `transition` flag, as the transitions list
 * names it (as many as apply): an EHC plan, a children's social care
 * status, a long-term condition.
 */
export const TRANSITION_REASONS = ["ehc_plan", "childrens_social_care", "ltc"] as const
export type TransitionReason = (typeof TRANSITION_REASONS)[number]

/**
 * The segments whose leads receive the transitions list: Born Well & Growing
 * Well, whose flag it is, and Promoting Independence, the adult services the
 * young people may move on to.
 */
export const TRANSITIONS_SEGMENTS: ReadonlyArray<SegmentCode> = ["BWGW", "PI"]

/** The segment whose members make up the complex-cohort lists and the direct-care re-identification store. */
export const COMPLEX_COHORT_SEGMENT: SegmentCode = "PI"

export const segmentOf = (code: SegmentCode): Segment => SEGMENTS.find((segment) => segment.code === code)!
