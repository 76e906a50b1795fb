/**
 * Demographics coded as numbers, for the probabilistic tier's comparisons.
 *
 * A night compares records with residents a few million times (candidates,
 * names the other way round, random pairs for u). Compared as strings, each
 * pair reads a resident's strings from all over the heap and looks up its
 * names' variants and phonetic codes. Coded, each distinct name, postcode,
 * postcode sector and district and UPRN is looked up once, with what a
 * comparison asks of a name (its given-name variant, its phonetic code, its
 * initial); a pair's levels are then integer comparisons on typed arrays,
 * and only names that differ are compared as text (Jaro-Winkler).
 *
 * Residents and records share one coding, so equal codes mean equal values
 * whichever table they are in.
 */
import type { Demographics } from "./demographicMatch.js"
import { canonicalGivenName, phoneticCode } from "./personName.js"

/** The code of a value a record or resident does not have. */
export const ABSENT = -1

/** Codes of distinct strings, in the order first seen. */
class Codebook {
  private readonly codes = new Map<string, number>()
  private next = 0

  code(value: string | undefined): number {
    if (value === undefined) return ABSENT
    let code = this.codes.get(value)
    if (code === undefined) {
      code = this.next++
      this.codes.set(value, code)
    }
    return code
  }
}

export class DemographicCoding {
  /** Per name code: the name, the code of its canonical given-name variant, of its phonetic code, and its initial. */
  readonly names: Array<string> = []
  readonly canonical: Array<number> = []
  readonly phonetic: Array<number> = []
  readonly initial: Array<number> = []
  private readonly nameCodes = new Map<string, number>()
  private readonly phoneticCodes = new Codebook()
  /** Per postcode code: the codes of its sector and district (`ABSENT` without a space). */
  readonly sector: Array<number> = []
  readonly district: Array<number> = []
  private readonly postcodeCodes = new Map<string, number>()
  /** Full postcodes' codes are their own; sectors and districts, each compared only with its own kind, share these. */
  private readonly areas = new Codebook()
  private readonly uprns = new Codebook()

  /** A normalised name's code, or `ABSENT` for no name. */
  name(value: string): number {
    if (value === "") return ABSENT
    let code = this.nameCodes.get(value)
    if (code !== undefined) return code
    code = this.names.length
    this.nameCodes.set(value, code)
    this.names.push(value)
    this.initial.push(value.charCodeAt(0))
    // The phonetic level needs two letters on each side: one letter sounds like too many names.
    this.phonetic.push(value.length > 1 ? this.phoneticCodes.code(phoneticCode(value)) : ABSENT)
    this.canonical.push(code)
    const canonical = canonicalGivenName(value)
    // A canonical name is its own canonical form, so this codes at most one more name.
    if (canonical !== value) this.canonical[code] = this.name(canonical)
    return code
  }

  /** A normalised postcode's code (`E1 6AN`), its sector all but the last two characters (`E1 6`), its district what comes before the space (`E1`). */
  postcode(value: string | undefined): number {
    if (value === undefined) return ABSENT
    let code = this.postcodeCodes.get(value)
    if (code !== undefined) return code
    code = this.sector.length
    this.postcodeCodes.set(value, code)
    this.sector.push(this.areas.code(value.slice(0, value.length - 2)))
    const space = value.indexOf(" ")
    this.district.push(space > 0 ? this.areas.code(value.slice(0, space)) : ABSENT)
    return code
  }

  uprn(value: string | undefined): number {
    return this.uprns.code(value)
  }
}

const SEX_CODES: Readonly<Record<string, number>> = { male: 1, female: 2 }

/** `YYYY-MM-DD` as the number YYYYMMDD, or `ABSENT`: coded dates order as the ISO strings do. */
export const dateCode = (iso: string | undefined): number =>
  iso === undefined
    ? ABSENT
    : Number(iso.slice(0, 4)) * 10_000 + Number(iso.slice(5, 7)) * 100 + Number(iso.slice(8, 10))

/** People (residents or records) coded for comparison, one typed array per field: person `i` is at index `i` of each. */
export class CodedDemographics {
  readonly given: Int32Array
  readonly family: Int32Array
  readonly dateOfBirth: Int32Array
  readonly postcode: Int32Array
  /** 1 male, 2 female, 0 anything else (not compared). */
  readonly sex: Int8Array
  readonly uprn: Int32Array
  /** Per record, the codes of its household's UPRNs, where it has any (`Demographics.householdUprns`). */
  readonly households: ReadonlyArray<Int32Array | undefined>

  constructor(
    readonly coding: DemographicCoding,
    people: ReadonlyArray<Demographics>
  ) {
    const n = people.length
    this.given = new Int32Array(n)
    this.family = new Int32Array(n)
    this.dateOfBirth = new Int32Array(n)
    this.postcode = new Int32Array(n)
    this.sex = new Int8Array(n)
    this.uprn = new Int32Array(n)
    const households = new Array<Int32Array | undefined>(n)
    people.forEach((person, i) => {
      this.given[i] = coding.name(person.givenName)
      this.family[i] = coding.name(person.familyName)
      this.dateOfBirth[i] = dateCode(person.dateOfBirth)
      this.postcode[i] = coding.postcode(person.postcode)
      this.sex[i] = SEX_CODES[person.sex ?? ""] ?? 0
      this.uprn[i] = coding.uprn(person.uprn)
      if (person.householdUprns !== undefined)
        households[i] = Int32Array.from(person.householdUprns, (uprn) => coding.uprn(uprn))
    })
    this.households = households
  }
}
