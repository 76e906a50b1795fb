/**
 * The small coded vocabularies every source shares: sex, flags and money.
 *
 * Each parser returns undefined for a value outside the contract, so the
 * schema layer can quarantine the row with a precise reason.
 */

export type Sex = "male" | "female" | "indeterminate" | "not_known"

const SEX_CODES: Record<string, Sex> = {
  "1": "male",
  m: "male",
  male: "male",
  "2": "female",
  f: "female",
  female: "female",
  "9": "indeterminate",
  i: "indeterminate",
  x: "indeterminate",
  indeterminate: "indeterminate",
  "0": "not_known",
  u: "not_known",
  unknown: "not_known"
}

/** NHS Data Dictionary person stated gender codes and their common spellings. */
export const parseSex = (raw: string): Sex | undefined => SEX_CODES[raw.toLowerCase()]

const FLAG_VALUES: Record<string, boolean> = {
  y: true,
  "1": true,
  true: true,
  yes: true,
  n: false,
  "0": false,
  false: false,
  no: false
}

/** `Y`/`N`, `1`/`0`, `true`/`false` in any case. */
export const parseFlag = (raw: string): boolean | undefined => FLAG_VALUES[raw.toLowerCase()]

export type MoneyCheck =
  | { readonly valid: true; readonly pounds: number }
  | { readonly valid: false; readonly problem: "invalid_money" | "negative_money" | "out_of_range" }

const MONEY = /^(-?)£?(-?)(\d+(?:\.\d{1,2})?|\.\d{1,2})$/

/**
 * Decimal pounds with an optional leading `£`. Thousands separators are
 * tolerated (they arrive inside quoted cells); a negative amount is invalid.
 */
export const parseMoney = (raw: string): MoneyCheck => {
  const match = MONEY.exec(raw.replace(/,(?=\d{3}(\D|$))/g, ""))
  if (!match) return { valid: false, problem: "invalid_money" }
  if (match[1] === "-" || match[2] === "-") return { valid: false, problem: "negative_money" }
  const pounds = Number(match[3])
  // Hundreds of digits parse to Infinity, which no warehouse column can hold.
  return Number.isFinite(pounds) ? { valid: true, pounds } : { valid: false, problem: "out_of_range" }
}
