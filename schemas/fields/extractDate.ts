/**
 * Dates as partners send them, and ages derived from them.
 *
 * The extract contract accepts `YYYY-MM-DD` and `DD/MM/YYYY` and nothing else;
 * a date that does not exist on the calendar (31/02/2024) is invalid. Dates are
 * carried through the pipeline as ISO `YYYY-MM-DD` strings, which sort and
 * compare correctly as text and need no time zone.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/
const UK = /^(\d{2})\/(\d{2})\/(\d{4})$/

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0

// Arithmetic rather than a Date per call: every date cell of every extract comes here.
const isRealDate = (year: number, month: number, day: number): boolean => {
  if (month < 1 || month > 12 || day < 1) return false
  return day <= (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!)
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0")

/** The ISO form of a date in either accepted format, or undefined if it is not one. */
export const parseExtractDate = (raw: string): string | undefined => {
  let year: number, month: number, day: number
  const iso = ISO.exec(raw)
  if (iso) {
    year = Number(iso[1])
    month = Number(iso[2])
    day = Number(iso[3])
  } else {
    const uk = UK.exec(raw)
    if (!uk) return undefined
    day = Number(uk[1])
    month = Number(uk[2])
    year = Number(uk[3])
  }
  if (year < 1800 || !isRealDate(year, month, day)) return undefined
  // An ISO cell that names a real date is already in its ISO form.
  if (iso) return raw
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`
}

/** Whole years between an ISO birth date and an ISO reference date. */
export const ageInYears = (dateOfBirth: string, onDate: string): number => {
  // Fixed-width ISO fields read by position: this runs for every row with a date of birth.
  const by = Number(dateOfBirth.slice(0, 4))
  const bm = Number(dateOfBirth.slice(5, 7))
  const bd = Number(dateOfBirth.slice(8, 10))
  const y = Number(onDate.slice(0, 4))
  const m = Number(onDate.slice(5, 7))
  const d = Number(onDate.slice(8, 10))
  const hadBirthday = m > bm || (m === bm && d >= bd)
  return y - by - (hadBirthday ? 0 : 1)
}

/**
 * The latest ISO birth date of someone at least `years` old on `onDate`: the
 * same month and day, `years` earlier. Age is at least `years` exactly when
 * the birth date is at or before it, compared as strings (fixed-width ISO
 * dates order as they read), so a check per candidate needs no date
 * arithmetic. The bound itself need not be a real date (29 February).
 */
export const latestBirthDateAtAge = (onDate: string, years: number): string =>
  `${pad(Number(onDate.slice(0, 4)) - years, 4)}${onDate.slice(4, 10)}`

/** Days from `from` to `to` (ISO dates); negative when `to` is earlier. */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)

/** The ISO date `days` days after `date` (or before, when negative). */
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

/** Five-year age bands up to 85+, the bands used in every count we publish. */
export const ageBand = (age: number): string => {
  if (age >= 85) return "85+"
  const low = Math.floor(age / 5) * 5
  return `${pad(low, 2)}-${pad(low + 4, 2)}`
}
