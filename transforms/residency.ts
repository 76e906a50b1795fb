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

export type LeavingReason = "died" | "deregistered"

export interface WindowLeaving<R extends Registration> {
  /** The first day the person was no longer a resident: the date of death, or of deregistration. */
  readonly leftOn: string
  readonly reason: LeavingReason
  /** The borough registration they left from. */
  readonly registration: R
}

/**
 * Whether a person who is not a resident on the as-of date was one at some
 * point in the window (`windowStart` to `asOf`, both included) and stopped
 * being one by dying or leaving the borough's practices. Their activity
 * before they left belongs to the window's figures, though they are no longer
 * anyone's patient to list. A person who moved between the borough's
 * practices left only when the last of those registrations ended.
 */
export const leftDuringWindow = <R extends Registration>(
  registrations: ReadonlyArray<R>,
  windowStart: string,
  asOf: string,
  coveredPractices: ReadonlySet<string>
): WindowLeaving<R> | undefined => {
  const deaths = registrations.flatMap((r) => (r.dateOfDeath === undefined ? [] : [r.dateOfDeath]))
  const died = deaths.length > 0 ? deaths.reduce((a, b) => (b < a ? b : a)) : undefined
  let leaving: WindowLeaving<R> | undefined
  for (const registration of registrations) {
    if (!coveredPractices.has(registration.practiceCode) || registration.registrationDate > asOf) continue
    const ended = registration.deregistrationDate
    // Resident up to the day before whichever came first, deregistration or death.
    const leftOn = died !== undefined && (ended === undefined || died <= ended) ? died : ended
    // Still registered on the as-of date: a resident, or someone who never left.
    if (leftOn === undefined || leftOn > asOf) return undefined
    if (leftOn <= registration.registrationDate) continue
    if (leaving === undefined || leftOn > leaving.leftOn) {
      leaving = { leftOn, reason: leftOn === died ? "died" : "deregistered", registration }
    }
  }
  return leaving !== undefined && leaving.leftOn > windowStart ? leaving : undefined
}
