/**
 * The dimensions aggregate outputs break residents down by, in the order they
 * are published, so that the cohort summary and the run report agree.
 */
import type { Sex } from "../schemas/fields/codedValues.js"
import { ageBand } from "../schemas/fields/extractDate.js"

/** The three workstreams, in the order the rules apply them to children, then adults. */
export const SEGMENTS = ["BWGW", "LW", "PI"] as const

export const SEGMENT_NAMES: Readonly<Record<string, string>> = {
  BWGW: "Born Well & Growing Well",
  LW: "Living Well",
  PI: "Promoting Independence"
}

/** 00-04 … 80-84, 85+. */
export const AGE_BANDS: ReadonlyArray<string> = Array.from({ length: 18 }, (_, i) => ageBand(i * 5))

export const SEXES: ReadonlyArray<Sex> = ["female", "male", "indeterminate", "not_known"]
