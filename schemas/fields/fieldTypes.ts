/**
 * The shared field types of the extract contract (`extracts.md`, "Shared field
 * types") as Effect schemas from a trimmed CSV cell to a typed value.
 *
 * Every failure carries a reason code as its message (`nhs_number_check_digit`,
 * `invalid_date`, …): the reader turns those into quarantine records naming
 * the field, so a partner learns exactly what to fix.
 */
import { Schema, SchemaTransformation } from "effect"
import { parseFlag, parseMoney, parseSex, type Sex } from "./codedValues.js"
import { parseExtractDate } from "./extractDate.js"
import { checkNhsNumber } from "./nhsNumber.js"
import { normalisePostcode } from "./postcode.js"

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string }

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason })
const orFail = <T>(value: T | undefined, reason: string): Parsed<T> => (value === undefined ? fail(reason) : ok(value))

/**
 * The pure parser behind each field type, so that a source can decode a row
 * with plain function calls and keep the schema (which produces the same
 * value, and every reason) for rows that fail.
 */
const parsers = new WeakMap<Schema.Top, (raw: string) => Parsed<unknown>>()

/** The parser a field type decodes a cell with, if it is one of this module's. */
export const cellParser = (schema: Schema.Top): ((raw: string) => Parsed<unknown>) | undefined => parsers.get(schema)

const registered = <S extends Schema.Top>(schema: S, parse: (raw: string) => Parsed<S["Type"]>): S => {
  parsers.set(schema, parse)
  return schema
}

/**
 * A cell decoded by a pure parser: the check reports the parser's reason code,
 * the transformation keeps its normalised value.
 */
const cell = <S extends Schema.Top>(target: S, parse: (raw: string) => Parsed<S["Type"]>) =>
  registered(
    Schema.String.pipe(
      Schema.check(
        Schema.makeFilter((raw: string) => {
          const parsed = parse(raw)
          return parsed.ok ? undefined : parsed.reason
        })
      ),
      Schema.decodeTo(
        target,
        SchemaTransformation.transform({
          decode: (raw: string) => (parse(raw) as { readonly value: S["Type"] }).value,
          encode: (value: S["Type"]) => String(value)
        })
      )
    ),
    parse
  )

export const NhsNumber = cell(Schema.String, (raw) => {
  const checked = checkNhsNumber(raw)
  return checked.valid ? ok(checked.nhsNumber) : fail(checked.problem)
})

/**
 * An NHS number in a column where it is optional (hospital A&E, social care):
 * an invalid value does not quarantine the row, it is kept as a finding so the
 * record can fall back to demographic matching and be counted.
 */
export const NhsNumberIfValid = cell(
  Schema.Union([
    Schema.Struct({ valid: Schema.Literal(true), nhsNumber: Schema.String }),
    Schema.Struct({
      valid: Schema.Literal(false),
      problem: Schema.Literals(["nhs_number_format", "nhs_number_check_digit", "nhs_number_placeholder"])
    })
  ]),
  (raw) => ok(checkNhsNumber(raw))
)

export const ExtractDate = cell(Schema.String, (raw) => orFail(parseExtractDate(raw), "invalid_date"))

export const SexCode = cell(Schema.Literals(["male", "female", "indeterminate", "not_known"]), (raw) =>
  orFail<Sex>(parseSex(raw), "invalid_sex")
)

export const Postcode = cell(Schema.String, (raw) => orFail(normalisePostcode(raw), "invalid_postcode"))

export const Uprn = cell(Schema.String, (raw) => (/^\d{1,12}$/.test(raw) ? ok(raw) : fail("invalid_uprn")))

export const PracticeCode = cell(Schema.String, (raw) =>
  /^[A-Za-z][A-Za-z0-9]{5}$/.test(raw) ? ok(raw.toUpperCase()) : fail("invalid_practice_code")
)

export const SnomedCode = cell(Schema.String, (raw) => (/^\d{6,18}$/.test(raw) ? ok(raw) : fail("invalid_snomed_code")))

export const Flag = cell(Schema.Boolean, (raw) => orFail(parseFlag(raw), "invalid_flag"))

export const Money = cell(Schema.Number, (raw) => {
  const money = parseMoney(raw)
  return money.valid ? ok(money.pounds) : fail(money.problem)
})

/** A decimal number, optionally bounded (inclusive). */
export const Decimal = (bounds: { readonly min?: number; readonly max?: number } = {}) =>
  cell(Schema.Number, (raw) => {
    if (!/^-?(\d+(\.\d+)?|\.\d+)$/.test(raw)) return fail("invalid_number")
    const value = Number(raw)
    if (
      !Number.isFinite(value) ||
      (bounds.min !== undefined && value < bounds.min) ||
      (bounds.max !== undefined && value > bounds.max)
    ) {
      return fail("out_of_range")
    }
    return ok(value)
  })

/** The largest whole number a warehouse `integer` column holds (PostgreSQL's is 32 bits). */
export const MAX_COUNT = 2_147_483_647

/** A non-negative whole number, up to `MAX_COUNT`. */
export const Count = cell(Schema.Number, (raw) => {
  if (!/^\d+$/.test(raw)) return fail("invalid_number")
  const value = Number(raw)
  return value <= MAX_COUNT ? ok(value) : fail("out_of_range")
})

/**
 * One of a fixed list of codes, matched case-insensitively and returned in the
 * spelling the contract uses.
 */
export const Code = <const L extends ReadonlyArray<string>>(codes: L) => {
  const byLowerCase = new Map(codes.map((code) => [code.toLowerCase(), code] as const))
  return cell(Schema.Literals(codes), (raw) =>
    orFail(byLowerCase.get(raw.toLowerCase()) as L[number] | undefined, "unknown_code")
  )
}

/** A code matching a pattern, upper-cased (ICD-10 diagnoses, ODS codes, school URNs). */
export const PatternCode = (pattern: RegExp) =>
  cell(Schema.String, (raw) => (pattern.test(raw) ? ok(raw.toUpperCase()) : fail("invalid_code")))

/**
 * The name of a place or an organisation in reference data (a practice, its
 * network, its locality), which is stored and published: at most 100
 * characters, no run of six digits and no `@`, so that no phone number, NHS
 * number or e-mail address passes as a name.
 */
export const ReferenceName = cell(Schema.String, (raw) =>
  raw.length <= 100 && !/\d{6}/.test(raw) && !raw.includes("@") ? ok(raw) : fail("invalid_name")
)

/** Free text such as a resident's name or a council record id: present and not blank; never stored. */
export const Text = registered(Schema.String, ok)
