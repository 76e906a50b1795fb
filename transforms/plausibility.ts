/**
 * Checks that need the as-of date, applied to a row after it decodes: a date
 * of birth in the future, or one that makes a person older than 120, is a
 * data error to quarantine, not a person to count.
 */
import type { FieldProblem } from "../schemas/extractSource.js"
import { ageInYears } from "../schemas/fields/extractDate.js"

export const MAX_PLAUSIBLE_AGE = 120

export const implausibleDates = (
  row: { readonly date_of_birth?: unknown },
  asOf: string
): ReadonlyArray<FieldProblem> => {
  const dob = row.date_of_birth
  if (typeof dob !== "string") return []
  if (dob > asOf) return [{ field: "date_of_birth", reason: "future_date" }]
  if (ageInYears(dob, asOf) > MAX_PLAUSIBLE_AGE) return [{ field: "date_of_birth", reason: "age_over_120" }]
  return []
}
