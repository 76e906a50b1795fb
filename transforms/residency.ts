/**
 * Who is a resident on the as-of date, from the spine's registration rows.
 *
 * A person may have several registrations (moved practice, re-registered).
 * The registration current on the as-of date wins; otherwise the latest.
 * A resident is registered, on the as-of date, with a practice the partnership
 * covers, and alive. Conflicting dates of birth across one person's rows are a
 * data-quality finding, reported as a count.
 */

export interface Registration {
  readonly practiceCode: string
  readonly registrationDate: string
  readonly deregistrationDate?: string | undefined
  readonly dateOfDeath?: string | undefined
  readonly dateOfBirth: string
}

export type ResidencyStatus = "resident" | "deregistered" | "not_yet_registered" | "deceased" | "practice_not_covered"

export interface ResidencyDecision<R extends Registration> {
  readonly status: ResidencyStatus
  /** The registration that describes the person: current on the as-of date, else the latest. */
  readonly registration: R
  /** More than one date of birth across the person's rows. */
  readonly conflictingDateOfBirth: boolean
}

const isCurrent = (registration: Registration, asOf: string): boolean =>
  registration.registrationDate <= asOf &&
  (registration.deregistrationDate === undefined || registration.deregistrationDate > asOf)

const later = <R extends Registration>(a: R, b: R): R => (b.registrationDate > a.registrationDate ? b : a)

export const decideResidency = <R extends Registration>(
  registrations: ReadonlyArray<R>,
  asOf: string,
  coveredPractices: ReadonlySet<string>
): ResidencyDecision<R> => {
  const [first, ...rest] = registrations
  if (first === undefined) throw new Error("decideResidency needs at least one registration")
  const current = registrations.filter((r) => isCurrent(r, asOf))
  const chosen = current.length > 0 ? current.reduce(later) : rest.reduce(later, first)
  const conflictingDateOfBirth = registrations.some((r) => r.dateOfBirth !== first.dateOfBirth)
  const died = registrations.some((r) => r.dateOfDeath !== undefined && r.dateOfDeath <= asOf)
  const status: ResidencyStatus = died
    ? "deceased"
    : current.length === 0
      ? chosen.registrationDate > asOf
        ? "not_yet_registered"
        : "deregistered"
      : coveredPractices.has(chosen.practiceCode)
        ? "resident"
        : "practice_not_covered"
  return { status, registration: chosen, conflictingDateOfBirth }
}
