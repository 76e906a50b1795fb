/**
 * Checks that need the as-of date, applied to a row after it decodes: a date
 * that cannot be right on the night the extract is for is a data error to
 * quarantine, not a record to count.
 */
import type { FieldProblem } from "../schemas/extractSource.js"
import { ageInYears } from "../schemas/fields/extractDate.js"

export const MAX_PLAUSIBLE_AGE = 120

/**
 * Dates of what has already happened, by field (the contract gives each the
 * same name in every source): a birth, a death, a GP registration, a coded
 * entry, an attendance or admission, a contact, a council service, status,
 * tenancy or claim starting, a school census. Dated after the as-of date they
 * are not yet true, so the row is quarantined as `<field>/future_date`. End
 * dates are not here: a deregistration, placement, tenancy or claim may be
 * planned to end later, and such a record is running on the as-of date. Nor
 * is an opt-out's `recorded_date`: an objection is honoured whatever its date.
 */
export const DATES_NOT_AFTER_AS_OF: ReadonlyArray<string> = [
  "date_of_birth",
  "date_of_death",
  "registration_date",
  "event_date",
  "start_date",
  "contact_date",
  "event_start",
  "census_date"
]

export const implausibleDates = (row: Readonly<Record<string, unknown>>, asOf: string): ReadonlyArray<FieldProblem> => {
  const problems: Array<FieldProblem> = []
  for (const field of DATES_NOT_AFTER_AS_OF) {
    const date = row[field]
    if (typeof date === "string" && date > asOf) problems.push({ field, reason: "future_date" })
  }
  const dob = row["date_of_birth"]
  if (typeof dob === "string" && dob <= asOf && ageInYears(dob, asOf) > MAX_PLAUSIBLE_AGE) {
    problems.push({ field: "date_of_birth", reason: "age_over_120" })
  }
  return problems
}
