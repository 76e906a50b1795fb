/**
 * The Fellegi–Sunter model of a record and a resident being the same person.
 *
 * Each field is compared at a ladder of levels (exact, close spelling,
 * sounds alike, initial, …); the first that holds is the pair's level for
 * that field, or *missing* when either side has no value. A level carries
 * two probabilities: m, that a true pair agrees at it, and u, that two
 * different people do. The pair's evidence is the sum over fields of
 * log2(m/u); its match weight adds the prior log-odds, and its match
 * probability follows from the weight. Fields are assumed independent given
 * match status, as the model does.
 *
 * u comes from random pairs of residents (almost all different people); m is
 * estimated by expectation-maximisation on the night's own candidate pairs,
 * starting from, and held near, the prior below, so a night with few records
 * to link keeps sensible weights. A name agreeing exactly is weighed by how
 * common the name is (term-frequency adjustment): agreeing on "Khan" is
 * weaker evidence than agreeing on "Okonkwo".
 *
 * The UPRN is compared only where the postcodes agree in full, as the
 * address within the postcode: neighbours share a postcode, a household
 * shares a UPRN. Compared on its own it would count the postcode's agreement
 * twice, so its u is the chance that two different residents of one postcode
 * share a UPRN, counted exactly on the spine (random pairs almost never share
 * a postcode at all).
 *
 * Where the record's own address says nothing (the postcodes differ: the
 * person moved, or one side is out of date), the household may: the
 * candidate lives where the residents linked from the other records of its
 * tenancy or claim live. Its u is the chance that two residents share a UPRN.
 */
import type { Demographics } from "./demographicMatch.js"
import { ABSENT, CodedDemographics, DemographicCoding } from "./demographicCodes.js"
import { jaroWinkler } from "./personName.js"

/** Comparison levels per field, strongest agreement first; the last is disagreement. */
export const COMPARISONS = {
  given_name: ["exact", "variant", "jaro_winkler_92", "jaro_winkler_88", "phonetic", "initial", "different"],
  family_name: ["exact", "jaro_winkler_92", "jaro_winkler_88", "phonetic", "initial", "different"],
  date_of_birth: ["exact", "day_month_transposed", "year_within_one", "one_component", "different"],
  postcode: ["full", "sector", "district", "different"],
  sex: ["same", "different"],
  uprn: ["same", "different"],
  household: ["same", "different"]
} as const

export type Field = keyof typeof COMPARISONS
export const FIELDS = Object.keys(COMPARISONS) as ReadonlyArray<Field>
const LEVEL_COUNTS = FIELDS.map((field) => COMPARISONS[field].length)

/** A field's level index, or `MISSING` when either side has no value. */
export const MISSING = -1

/**
 * A pair's levels packed in one integer (one digit per field, in a base one
 * more than its level count, the extra digit for missing), so the night's
 * pairs reduce to counts of a few thousand possible patterns.
 */
export type Pattern = number

const RADIX = LEVEL_COUNTS.map((count) => count + 1)
const digit = (level: number) => (level === MISSING ? 0 : level + 1)

export const pattern = (levels: ReadonlyArray<number>): Pattern => {
  let packed = 0
  for (let f = FIELDS.length - 1; f >= 0; f--) packed = packed * RADIX[f]! + digit(levels[f]!)
  return packed
}

export const levelsOf = (packed: Pattern): Array<number> =>
  RADIX.map((radix) => {
    const digit = packed % radix
    packed = (packed - digit) / radix
    return digit - 1
  })

/** One field's level in a packed pattern, the others left packed (this runs per pair, where `levelsOf` would allocate). */
export const levelOf = (packed: Pattern, field: number): number => {
  for (let f = 0; f < field; f++) packed = Math.floor(packed / RADIX[f]!)
  return (packed % RADIX[field]!) - 1
}

const nameLevel = (coding: DemographicCoding, a: number, b: number, withVariant: boolean): number => {
  if (a === ABSENT || b === ABSENT) return MISSING
  if (a === b) return 0
  const offset = withVariant ? 1 : 0
  if (withVariant && coding.canonical[a] === coding.canonical[b]) return 1
  const similarity = jaroWinkler(coding.names[a]!, coding.names[b]!)
  if (similarity >= 0.92) return offset + 1
  if (similarity >= 0.88) return offset + 2
  const phonetic = coding.phonetic[a]!
  if (phonetic !== ABSENT && phonetic === coding.phonetic[b]) return offset + 3
  if (coding.initial[a] === coding.initial[b]) return offset + 4
  return offset + 5
}

/** Dates coded as YYYYMMDD. */
const dateLevel = (a: number, b: number): number => {
  if (a === ABSENT || b === ABSENT) return MISSING
  if (a === b) return 0
  const yearA = Math.floor(a / 10_000)
  const yearB = Math.floor(b / 10_000)
  const monthA = Math.floor(a / 100) % 100
  const monthB = Math.floor(b / 100) % 100
  const dayA = a % 100
  const dayB = b % 100
  const year = yearA === yearB
  const month = monthA === monthB
  const day = dayA === dayB
  if (year && monthA === dayB && dayA === monthB) return 1
  if (month && day && Math.abs(yearA - yearB) === 1) return 2
  if ((year ? 1 : 0) + (month ? 1 : 0) + (day ? 1 : 0) === 2) return 3
  return 4
}

/** Postcodes agree in full, within a sector or within a district (`DemographicCoding.postcode`). */
const postcodeLevel = (coding: DemographicCoding, a: number, b: number): number => {
  if (a === ABSENT || b === ABSENT) return MISSING
  if (a === b) return 0
  const { district, sector } = coding
  if (sector[a] === sector[b]) return 1
  if (district[a] !== ABSENT && district[a] === district[b]) return 2
  return 3
}

const sexLevel = (a: number, b: number): number => (a === 0 || b === 0 ? MISSING : a === b ? 0 : 1)

/** The address within an agreeing postcode: missing unless the postcodes agree in full and both have a UPRN. */
const uprnLevel = (records: CodedDemographics, r: number, people: CodedDemographics, p: number): number => {
  const a = records.uprn[r]!
  const b = people.uprn[p]!
  if (a === ABSENT || b === ABSENT || records.postcode[r] !== people.postcode[p]) return MISSING
  return a === b ? 0 : 1
}

/** Whether the candidate lives with the record's household: missing where the UPRN itself is compared, or unknown. */
const householdLevel = (records: CodedDemographics, r: number, people: CodedDemographics, p: number): number => {
  const uprns = records.households[r]
  const uprn = people.uprn[p]!
  if (uprns === undefined || uprn === ABSENT || uprnLevel(records, r, people, p) !== MISSING) return MISSING
  return uprns.includes(uprn) ? 0 : 1
}

/**
 * The levels of record `r` against resident `p`, packed as `pattern` packs
 * them (inline: this runs per pair); `swapped` compares the record's names
 * the other way round. Both tables must share one coding.
 */
export const compareCoded = (
  records: CodedDemographics,
  r: number,
  people: CodedDemographics,
  p: number,
  swapped = false
): Pattern => {
  const coding = people.coding
  const given = swapped ? records.family[r]! : records.given[r]!
  const family = swapped ? records.given[r]! : records.family[r]!
  return (
    digit(nameLevel(coding, given, people.given[p]!, true)) +
    RADIX[0]! *
      (digit(nameLevel(coding, family, people.family[p]!, false)) +
        RADIX[1]! *
          (digit(dateLevel(records.dateOfBirth[r]!, people.dateOfBirth[p]!)) +
            RADIX[2]! *
              (digit(postcodeLevel(coding, records.postcode[r]!, people.postcode[p]!)) +
                RADIX[3]! *
                  (digit(sexLevel(records.sex[r]!, people.sex[p]!)) +
                    RADIX[4]! *
                      (digit(uprnLevel(records, r, people, p)) +
                        RADIX[5]! * digit(householdLevel(records, r, people, p)))))))
  )
}

/** The levels of one record against one resident: `compareCoded` for a single pair. */
export const compare = (record: Demographics, person: Demographics): Pattern => {
  const coding = new DemographicCoding()
  return compareCoded(new CodedDemographics(coding, [record]), 0, new CodedDemographics(coding, [person]), 0)
}

/** Per field, per level: a probability. */
export type LevelProbabilities = ReadonlyArray<ReadonlyArray<number>>

/**
 * Where EM starts and what it is held near: what a true pair looks like in
 * partners' records (most fields agree exactly; typos, variants, moves and
 * transpositions account for a few per cent each).
 */
const PRIOR_M: LevelProbabilities = [
  [0.86, 0.04, 0.03, 0.02, 0.01, 0.02, 0.02],
  [0.9, 0.03, 0.02, 0.02, 0.01, 0.02],
  [0.9, 0.02, 0.02, 0.04, 0.02],
  [0.85, 0.03, 0.04, 0.08],
  [0.98, 0.02],
  [0.95, 0.05],
  [0.9, 0.1]
]

/** EM's prior counts per field: its estimates move away from `PRIOR_M` only as the night's evidence outweighs them. */
const PRIOR_PAIRS = 50
const EM_ITERATIONS = 40

const UPRN = FIELDS.indexOf("uprn")
const HOUSEHOLD = FIELDS.indexOf("household")

/**
 * Of the ordered pairs of different residents with a UPRN, the share at the
 * same UPRN: among residents of one postcode (the UPRN's u) and among all
 * (the household's). One more of each kind, as for the other fields' counts,
 * so that a spine without UPRNs still gives a u.
 */
const uprnAgreement = (people: CodedDemographics) => {
  const codes = (values: Int32Array) => new Int32Array(values.reduce((max, code) => Math.max(max, code), ABSENT) + 1)
  const atPostcode = codes(people.postcode)
  // Per UPRN: its residents, and those of them under the postcode it was first seen with.
  const UNSEEN = ABSENT - 1
  const postcodeOf = codes(people.uprn).fill(UNSEEN)
  const atUprn = codes(people.uprn)
  const atAddress = codes(people.uprn)
  let withUprn = 0
  for (let i = 0; i < people.uprn.length; i++) {
    const uprn = people.uprn[i]!
    if (uprn === ABSENT) continue
    withUprn++
    const postcode = people.postcode[i]!
    if (postcodeOf[uprn] === UNSEEN) postcodeOf[uprn] = postcode
    atUprn[uprn]!++
    if (postcode === ABSENT) continue
    atPostcode[postcode]!++
    if (postcode === postcodeOf[uprn]) atAddress[uprn]!++
  }
  const pairs = (counts: Int32Array) => counts.reduce((sum, n) => sum + n * (n - 1), 0)
  return {
    withinPostcode: (pairs(atAddress) + 1) / (pairs(atPostcode) + 2),
    anywhere: (pairs(atUprn) + 1) / (withUprn * (withUprn - 1) + 2)
  }
}

/**
 * How often two different people agree at each level, from pairs of
 * residents drawn at random; the UPRN's, among residents of one postcode.
 */
export const estimateU = (people: CodedDemographics, pairs: number, next: () => number): LevelProbabilities => {
  const counts = LEVEL_COUNTS.map((count) => new Array<number>(count).fill(1))
  const size = people.given.length
  for (let drawn = 0; drawn < pairs && size > 1; drawn++) {
    const i = Math.floor(next() * size)
    const j = Math.floor(next() * size)
    if (i === j) continue
    let packed = compareCoded(people, i, people, j)
    for (let f = 0; f < RADIX.length; f++) {
      const digit = packed % RADIX[f]!
      packed = (packed - digit) / RADIX[f]!
      if (digit !== 0) counts[f]![digit - 1]!++
    }
  }
  const sameUprn = uprnAgreement(people)
  return counts.map((field, f) => {
    if (f === UPRN) return [sameUprn.withinPostcode, 1 - sameUprn.withinPostcode]
    if (f === HOUSEHOLD) return [sameUprn.anywhere, 1 - sameUprn.anywhere]
    const total = field.reduce((sum, n) => sum + n, 0)
    return field.map((n) => n / total)
  })
}

export interface FittedModel {
  readonly m: LevelProbabilities
  readonly u: LevelProbabilities
}

/**
 * The pairs one blocking rule found, as pattern counts. Its pairs agree on
 * the rule's fields by construction, far more often than u (random pairs)
 * says: counted, that agreement would make every candidate look like a match
 * and EM would put them all in the match class. So a session estimates m for
 * the other fields only, as splink does.
 */
export interface EmSession {
  readonly patterns: ReadonlyMap<Pattern, number>
  readonly blockedOn: ReadonlyArray<Field>
}

const entriesOf = (patterns: ReadonlyMap<Pattern, number>, ignored: ReadonlySet<number>) =>
  [...patterns]
    .sort(([a], [b]) => a - b)
    .map(([p, n]) => [levelsOf(p).map((level, f) => (ignored.has(f) ? MISSING : level)), n] as const)

/** One E-step: each pattern's expected share of matches, given m, u and the prior. */
const matchShares = (
  entries: ReadonlyArray<readonly [ReadonlyArray<number>, number]>,
  m: LevelProbabilities,
  u: LevelProbabilities,
  lambda: number
) =>
  entries.map(([levels, n]) => {
    let pm = lambda
    let pu = 1 - lambda
    levels.forEach((level, f) => {
      if (level === MISSING) return
      pm *= m[f]![level]!
      pu *= u[f]![level]!
    })
    return (n * pm) / (pm + pu)
  })

const clampShare = (share: number) => Math.min(Math.max(share, 1e-6), 1 - 1e-6)

/** m for the fields a session's rule did not block on, by EM from the prior. */
const emSession = (session: EmSession, u: LevelProbabilities): LevelProbabilities => {
  const blocked = new Set(session.blockedOn.map((field) => FIELDS.indexOf(field)))
  const entries = entriesOf(session.patterns, blocked)
  const total = entries.reduce((sum, [, n]) => sum + n, 0)
  let m = PRIOR_M
  let lambda = 0.1
  for (let iteration = 0; iteration < EM_ITERATIONS && total > 0; iteration++) {
    const agreed = PRIOR_M.map((field) => field.map((p) => p * PRIOR_PAIRS))
    const compared = PRIOR_M.map(() => PRIOR_PAIRS)
    const shares = matchShares(entries, m, u, lambda)
    entries.forEach(([levels], i) =>
      levels.forEach((level, f) => {
        if (level === MISSING) return
        agreed[f]![level]! += shares[i]!
        compared[f]! += shares[i]!
      })
    )
    m = agreed.map((field, f) => field.map((count) => count / compared[f]!))
    lambda = clampShare(shares.reduce((sum, share) => sum + share, 0) / total)
  }
  return m
}

/**
 * m by expectation-maximisation, one session per blocking rule, u held fixed:
 * each field's m is the mean of the sessions that estimated it (the prior's
 * when none did). Deterministic: the same counts give the same model.
 */
export const fitModel = (sessions: ReadonlyArray<EmSession>, u: LevelProbabilities): FittedModel => {
  const estimates = sessions.map((session) => ({ session, m: emSession(session, u) }))
  const m = PRIOR_M.map((prior, f) => {
    const from = estimates.filter(({ session }) => !session.blockedOn.includes(FIELDS[f]!))
    if (from.length === 0) return prior
    return prior.map((_, level) => from.reduce((sum, estimate) => sum + estimate.m[f]![level]!, 0) / from.length)
  })
  return { m, u }
}

/** How common each name is among residents, for the term-frequency adjustment. */
export interface NameFrequencies {
  readonly given: ReadonlyMap<string, number>
  readonly family: ReadonlyMap<string, number>
  readonly people: number
}

export const nameFrequencies = (people: ReadonlyArray<Demographics>): NameFrequencies => {
  const given = new Map<string, number>()
  const family = new Map<string, number>()
  for (const person of people) {
    given.set(person.givenName, (given.get(person.givenName) ?? 0) + 1)
    family.set(person.familyName, (family.get(person.familyName) ?? 0) + 1)
  }
  return { given, family, people: people.length }
}

/**
 * A scorer of compared pairs: the evidence, in bits (the sum of log2(m/u)
 * over fields), computed once per pattern, names' frequencies applied per pair.
 */
export const weigher = (model: FittedModel, frequencies: NameFrequencies) => {
  // A looser level never weighs more than a stricter one: random pairs almost
  // never have names a letter apart, so u alone would make a near miss
  // stronger evidence than an exact agreement.
  const levelWeights = model.m.map((m, f) => {
    let cap = Infinity
    return m.map((p, level) => (cap = Math.min(cap, Math.log2(p / model.u[f]![level]!))))
  })
  const cache = new Map<Pattern, number>()
  const patternWeight = (packed: Pattern) => {
    let weight = cache.get(packed)
    if (weight === undefined) {
      weight = 0
      levelsOf(packed).forEach((level, f) => {
        if (level !== MISSING) weight! += levelWeights[f]![level]!
      })
      cache.set(packed, weight)
    }
    return weight
  }
  /** log2(u/tf) for a name agreeing exactly: the average name's u replaced by this name's own frequency. */
  const frequencyAdjustment = (u: number, counts: ReadonlyMap<string, number>, name: string) =>
    Math.log2((u * frequencies.people) / Math.max(counts.get(name) ?? 1, 1))
  return (packed: Pattern, record: Demographics): number => {
    let weight = patternWeight(packed)
    if (levelOf(packed, 0) === 0) weight += frequencyAdjustment(model.u[0]![0]!, frequencies.given, record.givenName)
    if (levelOf(packed, 1) === 0) weight += frequencyAdjustment(model.u[1]![0]!, frequencies.family, record.familyName)
    return weight
  }
}

export const matchProbability = (weight: number): number => 1 / (1 + 2 ** -weight)

/** A fitted model as lineage records it: per field, its levels with m and u (to six decimal places). */
export type ModelSummary = Readonly<
  Record<Field, ReadonlyArray<{ readonly level: string; readonly m: number; readonly u: number }>>
>

export const modelSummary = (model: FittedModel): ModelSummary => {
  const rounded = (p: number) => Math.round(p * 1e6) / 1e6
  const field = (f: number) =>
    COMPARISONS[FIELDS[f]!].map((level, l) => ({ level, m: rounded(model.m[f]![l]!), u: rounded(model.u[f]![l]!) }))
  return {
    given_name: field(0),
    family_name: field(1),
    date_of_birth: field(2),
    postcode: field(3),
    sex: field(4),
    uprn: field(5),
    household: field(6)
  }
}

/** The fields that agreed, with their level (`date_of_birth:exact`), for clerical review. */
export const agreements = (packed: Pattern): Array<string> =>
  levelsOf(packed).flatMap((level, f) => {
    const levels: ReadonlyArray<string> = COMPARISONS[FIELDS[f]!]
    return level === MISSING || level === levels.length - 1 ? [] : [`${FIELDS[f]}:${levels[level]}`]
  })
