/**
 * The probabilistic tier: for records the deterministic ladder leaves
 * unmatched, the resident the Fellegi–Sunter model (`fellegiSunter.ts`) finds
 * clearly most likely, if any.
 *
 * Candidates come from blocking: residents sharing at least one blocking key
 * with the record, looked up in compact indexes (`keyIndex.ts`, a few
 * megabytes at 330,000 residents); no record is compared with every
 * resident. A hash collision only adds a candidate, which the model then
 * scores like any other.
 *
 * A record links only when its best candidate's match probability reaches
 * the threshold *and* beats the second best by the margin (in bits of match
 * weight); a record whose best candidate is likely but not clear enough is
 * left for clerical review with its candidates.
 */
import { latestBirthDateAtAge } from "../schemas/fields/extractDate.js"
import type { Demographics, ImpliedAge } from "./demographicMatch.js"
import {
  agreements,
  COMPARISONS,
  compareCoded,
  estimateU,
  type Field,
  type FittedModel,
  fitModel,
  type LevelProbabilities,
  levelOf,
  matchProbability,
  nameFrequencies,
  type Pattern,
  weigher
} from "./fellegiSunter.js"
import { ABSENT, CodedDemographics, DemographicCoding, dateCode } from "./demographicCodes.js"
import { indexByKey } from "./keyIndex.js"
import { phoneticCode } from "./personName.js"
import { SeededRandom } from "./seededRandom.js"

export interface BlockingRule {
  readonly name: string
  readonly description: string
  /** The fields its key is made of, which EM must not learn from the pairs it finds. */
  readonly fields: ReadonlyArray<Field>
  /** The same key is built for residents and records. */
  readonly key: (person: Demographics) => string | undefined
}

/** ISO dates: year at 0–3, month at 5–6, day at 8–9 (read by position: this runs for every resident). */
const unorderedDate = (iso: string) => {
  const month = iso.slice(5, 7)
  const day = iso.slice(8, 10)
  return month < day ? `${iso.slice(0, 4)}|${month}|${day}` : `${iso.slice(0, 4)}|${day}|${month}`
}

/**
 * A true pair escapes them all only when its date of birth (beyond a
 * day–month swap), one of its names and its postcode are all wrong; names
 * recorded the other way round count as one change, not two.
 */
export const BLOCKING_RULES: ReadonlyArray<BlockingRule> = [
  {
    name: "date_of_birth",
    description: "date of birth, day and month in either order",
    fields: ["date_of_birth"],
    key: (p) => (p.dateOfBirth === undefined ? undefined : unorderedDate(p.dateOfBirth))
  },
  {
    name: "names",
    description: "given and family name, either way round",
    fields: ["given_name", "family_name"],
    key: (p) => (p.givenName === "" || p.familyName === "" ? undefined : [p.givenName, p.familyName].sort().join("|"))
  },
  {
    name: "postcode_family_name",
    description: "postcode, and a family name that sounds the same",
    fields: ["postcode", "family_name"],
    key: (p) => (p.postcode === undefined ? undefined : `${p.postcode}|${phoneticCode(p.familyName)}`)
  },
  {
    name: "postcode_given_name",
    description: "postcode, and a given name with the same initial",
    fields: ["postcode", "given_name"],
    key: (p) => (p.postcode === undefined || p.givenName === "" ? undefined : `${p.postcode}|${p.givenName[0]}`)
  },
  {
    name: "postcode_initials",
    description: "postcode, and the initials of both names in either order (names recorded the other way round)",
    fields: ["postcode", "given_name", "family_name"],
    key: (p) =>
      p.postcode === undefined || p.givenName === ""
        ? undefined
        : `${p.postcode}|${[p.givenName[0], p.familyName[0]].sort().join("")}`
  }
]

export interface ProbabilisticSettings {
  /** The match probability a record's best candidate must reach to link. */
  readonly threshold: number
  /** Bits of match weight by which the best candidate must beat the second. */
  readonly margin: number
  /** Unlinked records whose best candidate reaches this probability go to clerical review. */
  readonly reviewFloor: number
}

export interface ReviewCandidate {
  readonly personId: string
  readonly weight: number
  /** Fields that agreed, with the level (`family_name:jaro_winkler_92`). */
  readonly agreed: ReadonlyArray<string>
}

export type ProbabilisticMatch =
  | { readonly outcome: "linked"; readonly personId: string; readonly weight: number }
  | {
      readonly outcome: "ambiguous" | "unmatched"
      /** Candidates reaching the review floor, best first: non-empty puts the record in the grey zone. */
      readonly review: ReadonlyArray<ReviewCandidate>
    }

/**
 * A grey-zone record as the clerical review queue holds it: where it is in
 * the partner's extract, what became of it, and its likely residents by
 * pseudonym. Never a name, date of birth or postcode.
 */
export interface ReviewEntry {
  readonly source: string
  /** The record's row in the partner's file (header = row 1). */
  readonly row: number
  readonly link_status: "ambiguous" | "unmatched"
  readonly candidates: ReadonlyArray<{
    readonly person_id: string
    readonly match_weight: number
    readonly match_probability: number
    readonly agreed: ReadonlyArray<string>
  }>
}

/** The review entry of a record the tier did not link, or undefined when no candidate was likely. */
export const reviewEntry = (source: string, row: number, match: ProbabilisticMatch): ReviewEntry | undefined =>
  match.outcome === "linked" || match.review.length === 0
    ? undefined
    : {
        source,
        row,
        link_status: match.outcome,
        candidates: match.review.map(({ agreed, personId, weight }) => ({
          person_id: personId,
          match_weight: Math.round(weight * 100) / 100,
          match_probability: Math.round(matchProbability(weight) * 10_000) / 10_000,
          agreed
        }))
      }

export interface ProbabilisticIndex {
  /**
   * Fits the model on the candidate pairs of `records` and of `alsoFitOn`
   * (records the ladder linked, so the model sees true pairs of every kind)
   * and links `records`: one match per record, in order, and the fitted
   * model, which lineage records. `households`, per record, are the
   * residents (by pseudonym) the other records of its tenancy or claim
   * linked to: where they live is evidence of where the record's person does.
   */
  readonly link: (
    records: ReadonlyArray<Demographics>,
    alsoFitOn: ReadonlyArray<Demographics>,
    settings: ProbabilisticSettings,
    households?: ReadonlyArray<ReadonlyArray<string>>
  ) => { readonly matches: ReadonlyArray<ProbabilisticMatch>; readonly model: FittedModel }
}

/** Random resident pairs u is estimated from; fixed seed, so u is the same for the same spine. */
const U_PAIRS = 200_000
const U_SEED = 20
/** Candidates kept per record for clerical review. */
const REVIEW_CANDIDATES = 3

/**
 * Whether a coded date of birth fits the age a source implies (an unknown
 * one does), as bounds on the date computed once per record: this runs for
 * every candidate.
 */
const fitsImpliedAge = (age: ImpliedAge): ((dateOfBirth: number) => boolean) => {
  const latest = age.atLeast === undefined ? Infinity : dateCode(latestBirthDateAtAge(age.on, age.atLeast))
  const tooOld = age.under === undefined ? -Infinity : dateCode(latestBirthDateAtAge(age.on, age.under))
  return (dateOfBirth) => dateOfBirth === ABSENT || (dateOfBirth <= latest && dateOfBirth > tooOld)
}

const GIVEN_INITIAL = COMPARISONS.given_name.indexOf("initial")
const FAMILY_INITIAL = COMPARISONS.family_name.indexOf("initial")

/** Neither name agrees even phonetically: the pair is worth comparing with the record's names swapped. */
const namesDisagree = (packed: Pattern) => {
  const given = levelOf(packed, 0)
  return given >= GIVEN_INITIAL && levelOf(packed, 1) >= FAMILY_INITIAL
}

const grown = <A extends Int32Array | Uint8Array>(array: A): A => {
  const larger = new (array.constructor as new (length: number) => A)(array.length * 2)
  larger.set(array)
  return larger
}

/**
 * Candidate pairs, flat in typed arrays: a night holds over a million, which
 * as objects would be traced by every collection while they are scored.
 * A pattern fits in 32 bits (the product of the fields' radices is 45,360).
 */
class CandidateList {
  people = new Int32Array(1024)
  patterns = new Int32Array(1024)
  rules = new Uint8Array(1024)
  length = 0

  push(person: number, pattern: Pattern, rules: number) {
    if (this.length === this.people.length) {
      this.people = grown(this.people)
      this.patterns = grown(this.patterns)
      this.rules = grown(this.rules)
    }
    this.people[this.length] = person
    this.patterns[this.length] = pattern
    this.rules[this.length++] = rules
  }
}

interface Scored {
  readonly person: number
  readonly pattern: Pattern
  readonly weight: number
}

/** A record's best few candidates, heaviest first and, at equal weight, by resident number: all scoring needs of them. */
class TopCandidates {
  readonly ranked: Array<Scored> = []
  constructor(private readonly size: number) {}

  offer(person: number, pattern: Pattern, weight: number) {
    const { ranked } = this
    const last = ranked[ranked.length - 1]
    if (ranked.length === this.size && !ranksBefore(weight, person, last!)) return
    let at = ranked.length
    while (at > 0 && ranksBefore(weight, person, ranked[at - 1]!)) at--
    ranked.splice(at, 0, { person, pattern, weight })
    if (ranked.length > this.size) ranked.pop()
  }
}

const ranksBefore = (weight: number, person: number, other: Scored) =>
  weight > other.weight || (weight === other.weight && person < other.person)

export const indexForProbabilisticMatch = (
  residents: ReadonlyArray<{ readonly personId: string; readonly demographics: Demographics }>
): ProbabilisticIndex => {
  const personIds = residents.map(({ personId }) => personId)
  const people = residents.map(({ demographics }) => demographics)
  /**
   * Per record, its household's residents (by number) and the record with
   * their UPRNs, where it has any. Only the residents some household names
   * are looked up: far fewer than the spine.
   */
  const withHouseholds = (records: ReadonlyArray<Demographics>, households: ReadonlyArray<ReadonlyArray<string>>) => {
    const numberOf = new Map<string, number>(households.flat().map((personId) => [personId, -1]))
    if (numberOf.size === 0) return { records, members: [] }
    personIds.forEach((personId, n) => {
      if (numberOf.has(personId)) numberOf.set(personId, n)
    })
    const members = records.map((_, i) => (households[i] ?? []).flatMap((personId) => numberOf.get(personId) ?? []))
    return {
      members,
      records: records.map((record, i) => {
        const uprns = [...new Set(members[i]!.flatMap((n) => people[n]!.uprn ?? []))].sort()
        return uprns.length === 0 ? record : { ...record, householdUprns: uprns }
      })
    }
  }
  const blocks = BLOCKING_RULES.map((rule) => indexByKey(people, rule.key))
  const coding = new DemographicCoding()
  const spine = new CodedDemographics(coding, people)
  const frequencies = nameFrequencies(people)
  const random = new SeededRandom(U_SEED)
  let u: LevelProbabilities | undefined
  // Which record last found each resident, so a resident in two of a record's blocks is compared once, and by which rules.
  const seen = new Int32Array(people.length).fill(-1)
  const foundBy = new Uint8Array(people.length)
  let stamp = 0
  let found = new Int32Array(256)

  /**
   * Appends a record's candidates (resident numbers, ascending) to `into`,
   * with the pattern of each pair and the rules that found it. Not a
   * candidate: a resident the source's implied age rules out, or one another
   * record of the same tenancy or claim (`taken`) is already linked to, since
   * a tenancy or claim lists each person once.
   */
  const candidatesOf = (
    records: ReadonlyArray<Demographics>,
    coded: CodedDemographics,
    r: number,
    into: CandidateList,
    taken: ReadonlyArray<number> = []
  ) => {
    const record = records[r]!
    stamp++
    for (const person of taken) seen[person] = stamp
    let count = 0
    const fits = record.impliedAge === undefined ? undefined : fitsImpliedAge(record.impliedAge)
    BLOCKING_RULES.forEach((rule, r) => {
      const key = rule.key(record)
      if (key === undefined) return
      blocks[r]!.forEachCandidate(key, (person) => {
        if (seen[person] === stamp) {
          foundBy[person]! |= 1 << r
          return
        }
        seen[person] = stamp
        if (fits !== undefined && !fits(spine.dateOfBirth[person]!)) return
        foundBy[person] = 1 << r
        if (count === found.length) found = grown(found)
        found[count++] = person
      })
    })
    const sorted = found.subarray(0, count).sort()
    for (const person of sorted) into.push(person, compareCoded(coded, r, spine, person), foundBy[person]!)
  }

  return {
    link: (given, alsoFitOn, settings, households = []) => {
      u ??= estimateU(spine, U_PAIRS, () => random.next())
      const { members, records } = withHouseholds(given, households)
      const byRule = BLOCKING_RULES.map(() => new Map<Pattern, number>())
      const tally = (list: CandidateList, from: number) => {
        for (let c = from; c < list.length; c++) {
          const p = list.patterns[c]!
          byRule.forEach((counts, r) => {
            if (list.rules[c]! & (1 << r)) counts.set(p, (counts.get(p) ?? 0) + 1)
          })
        }
      }
      // Record i's candidates are at `starts[i]` up to `starts[i + 1]`.
      const coded = new CodedDemographics(coding, records)
      const compared = new CandidateList()
      const starts = new Int32Array(records.length + 1)
      records.forEach((_, i) => {
        candidatesOf(records, coded, i, compared, members[i])
        starts[i + 1] = compared.length
      })
      tally(compared, 0)
      const codedFitting = new CodedDemographics(coding, alsoFitOn)
      const fitting = new CandidateList()
      alsoFitOn.forEach((_, i) => {
        fitting.length = 0
        candidatesOf(alsoFitOn, codedFitting, i, fitting)
        tally(fitting, 0)
      })
      // The UPRN is compared only where the postcodes agree, as the rules on the postcode make every pair's do: there
      // a shared UPRN is what living together looks like, and counted it would teach EM that a household is a person.
      const sessions = BLOCKING_RULES.map((rule, r) => ({
        patterns: byRule[r]!,
        blockedOn: rule.fields.includes("postcode") ? [...rule.fields, "uprn" as const] : rule.fields
      }))
      const model = fitModel(sessions, u)
      const weigh = weigher(model, frequencies)
      const matches = records.map((record, i): ProbabilisticMatch => {
        const from = starts[i]!
        const count = starts[i + 1]! - from
        let swapped: Demographics | undefined
        // The prior odds that a given candidate is the record's resident: one in the number of candidates.
        const prior = -Math.log2(Math.max(count, 1))
        const scored = new TopCandidates(REVIEW_CANDIDATES)
        for (let c = from; c < from + count; c++) {
          const person = compared.people[c]!
          const straight = compared.patterns[c]!
          const weight = prior + weigh(straight, record)
          if (!namesDisagree(straight)) {
            scored.offer(person, straight, weight)
            continue
          }
          // Given and family names recorded the other way round, perhaps with something else wrong too.
          swapped ??= { ...record, givenName: record.familyName, familyName: record.givenName }
          const other = compareCoded(coded, i, spine, person, true)
          const swappedWeight = prior + weigh(other, swapped)
          if (swappedWeight > weight) scored.offer(person, other, swappedWeight)
          else scored.offer(person, straight, weight)
        }
        const [best, second] = scored.ranked
        if (best !== undefined && matchProbability(best.weight) >= settings.threshold) {
          if (second === undefined || best.weight - second.weight >= settings.margin)
            return { outcome: "linked", personId: personIds[best.person]!, weight: best.weight }
        }
        const review = scored.ranked
          .filter(({ weight }) => matchProbability(weight) >= settings.reviewFloor)
          .map(({ pattern, person, weight }) => ({ personId: personIds[person]!, weight, agreed: agreements(pattern) }))
        const clearlyLikely = best !== undefined && matchProbability(best.weight) >= settings.threshold
        return { outcome: clearlyLikely ? "ambiguous" : "unmatched", review }
      })
      return { matches, model }
    }
  }
}
