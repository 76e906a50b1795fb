/**
 * The dimensions aggregate outputs break residents down by, in the order they
 * are published, so that the cohort summary and the run report agree; the
 * segments and their order are `schemas/segments.ts`'s.
 */
import type { Sex } from "../schemas/fields/codedValues.js"
import { ageBand } from "../schemas/fields/extractDate.js"

/** 00-04 … 80-84, 85+. */
export const AGE_BANDS: ReadonlyArray<string> = Array.from({ length: 18 }, (_, i) => ageBand(i * 5))

export const SEXES: ReadonlyArray<Sex> = ["female", "male", "indeterminate", "not_known"]
