/**
 * NHS number validation (NHS Data Dictionary: Modulus 11).
 *
 * A usable NHS number is ten digits once spaces and hyphens are removed, whose
 * tenth digit is the Modulus 11 check digit of the first nine. A remainder
 * giving check value 10 can never be issued, and ten identical digits are
 * placeholders that some systems use for "unknown": both are invalid.
 */

/** Why a value is not a usable NHS number; used as quarantine reason codes. */
export type NhsNumberProblem = "nhs_number_format" | "nhs_number_check_digit" | "nhs_number_placeholder"

export type NhsNumberCheck =
  { readonly valid: true; readonly nhsNumber: string } | { readonly valid: false; readonly problem: NhsNumberProblem }

const SEPARATORS = /[ -]/g
const TEN_DIGITS = /^\d{10}$/
const PLACEHOLDER = /^(\d)\1{9}$/

/** The Modulus 11 check digit for nine digits, or undefined when it would be 10. */
export const modulus11CheckDigit = (firstNine: string): number | undefined => {
  let sum = 0
  for (let i = 0; i < 9; i++) sum += Number(firstNine.charCodeAt(i) - 48) * (10 - i)
  const check = 11 - (sum % 11)
  if (check === 11) return 0
  if (check === 10) return undefined
  return check
}

export const checkNhsNumber = (raw: string): NhsNumberCheck => {
  const digits = raw.replace(SEPARATORS, "")
  if (!TEN_DIGITS.test(digits)) return { valid: false, problem: "nhs_number_format" }
  if (PLACEHOLDER.test(digits)) return { valid: false, problem: "nhs_number_placeholder" }
  if (modulus11CheckDigit(digits.slice(0, 9)) !== Number(digits[9])) {
    return { valid: false, problem: "nhs_number_check_digit" }
  }
  return { valid: true, nhsNumber: digits }
}
