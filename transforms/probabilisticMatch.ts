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
import { ageInYears } from "../schemas/fields/extractDate.js"
import type { Demographics, ImpliedAge } from "./demographicMatch.js"
import {
  agreements,
  COMPARISONS,
  compare,
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

const unorderedDate = (iso: string) => {
  const [year, month, day] = iso.split("-")
  return month! < day! ? `${year}|${month}|${day}` : `${year}|${day}|${month}`
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

/** Whether a date of birth fits the age a source implies (any does where it implies none, or either is unknown). */
const ofImpliedAge = (age: ImpliedAge | undefined, dateOfBirth: string | undefined) => {
  if (age === undefined || dateOfBirth === undefined) return true
  const years = ageInYears(dateOfBirth, age.on)
  return years >= (age.atLeast ?? -Infinity) && years < (age.under ?? Infinity)
}

const GIVEN_INITIAL = COMPARISONS.given_name.indexOf("initial")
const FAMILY_INITIAL = COMPARISONS.family_name.indexOf("initial")

/** Neither name agrees even phonetically: the pair is worth comparing with the record's names swapped. */
const namesDisagree = (packed: Pattern) => {
  const given = levelOf(packed, 0)
  return given >= GIVEN_INITIAL && levelOf(packed, 1) >= FAMILY_INITIAL
}

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
  const frequencies = nameFrequencies(people)
  const random = new SeededRandom(U_SEED)
  let u: LevelProbabilities | undefined
  // Which record last found each resident, so a resident in two of a record's blocks is compared once, and by which rules.
  const seen = new Int32Array(people.length).fill(-1)
  const foundBy = new Uint8Array(people.length)
  let stamp = 0

  /**
   * A record's candidates (resident numbers, ascending) and the pattern of
   * each pair. Not a candidate: a resident the source's implied age rules
   * out, or one another record of the same tenancy or claim (`taken`) is
   * already linked to, since a tenancy or claim lists each person once.
   */
  const candidatesOf = (record: Demographics, taken: ReadonlyArray<number> = []) => {
    stamp++
    for (const person of taken) seen[person] = stamp
    const found: Array<number> = []
    BLOCKING_RULES.forEach((rule, r) => {
      const key = rule.key(record)
      if (key === undefined) return
      blocks[r]!.forEachCandidate(key, (person) => {
        if (seen[person] === stamp) {
          foundBy[person]! |= 1 << r
          return
        }
        seen[person] = stamp
        if (!ofImpliedAge(record.impliedAge, people[person]!.dateOfBirth)) return
        foundBy[person] = 1 << r
        found.push(person)
      })
    })
    found.sort((a, b) => a - b)
    return {
      people: found,
      patterns: found.map((person) => compare(record, people[person]!)),
      rules: found.map((person) => foundBy[person]!)
    }
  }

  return {
    link: (given, alsoFitOn, settings, households = []) => {
      u ??= estimateU(people, U_PAIRS, () => random.next())
      const { members, records } = withHouseholds(given, households)
      const compared = records.map((record, i) => candidatesOf(record, members[i]))
      const byRule = BLOCKING_RULES.map(() => new Map<Pattern, number>())
      const tally = ({ patterns, rules }: ReturnType<typeof candidatesOf>) =>
        patterns.forEach((p, c) => {
          byRule.forEach((counts, r) => {
            if (rules[c]! & (1 << r)) counts.set(p, (counts.get(p) ?? 0) + 1)
          })
        })
      compared.forEach(tally)
      alsoFitOn.forEach((record) => tally(candidatesOf(record)))
      // The UPRN is compared only where the postcodes agree, as the rules on the postcode make every pair's do: there
      // a shared UPRN is what living together looks like, and counted it would teach EM that a household is a person.
      const sessions = BLOCKING_RULES.map((rule, r) => ({
        patterns: byRule[r]!,
        blockedOn: rule.fields.includes("postcode") ? [...rule.fields, "uprn" as const] : rule.fields
      }))
      const model = fitModel(sessions, u)
      const weigh = weigher(model, frequencies)
      const matches = records.map((record, i): ProbabilisticMatch => {
        const { patterns, people: candidates } = compared[i]!
        let swapped: Demographics | undefined
        // The prior odds that a given candidate is the record's resident: one in the number of candidates.
        const prior = -Math.log2(Math.max(candidates.length, 1))
        const scored = candidates
          .map((person, c) => {
            const straight = { person, pattern: patterns[c]!, weight: prior + weigh(patterns[c]!, record) }
            if (!namesDisagree(straight.pattern)) return straight
            // Given and family names recorded the other way round, perhaps with something else wrong too.
            swapped ??= { ...record, givenName: record.familyName, familyName: record.givenName }
            const other = compare(swapped, people[person]!)
            const weight = prior + weigh(other, swapped)
            return weight > straight.weight ? { person, pattern: other, weight } : straight
          })
          .sort((a, b) => b.weight - a.weight || a.person - b.person)
        const [best, second] = scored
        if (best !== undefined && matchProbability(best.weight) >= settings.threshold) {
          if (second === undefined || best.weight - second.weight >= settings.margin)
            return { outcome: "linked", personId: personIds[best.person]!, weight: best.weight }
        }
        const review = scored
          .filter(({ weight }) => matchProbability(weight) >= settings.reviewFloor)
          .slice(0, REVIEW_CANDIDATES)
          .map(({ pattern, person, weight }) => ({ personId: personIds[person]!, weight, agreed: agreements(pattern) }))
        const clearlyLikely = best !== undefined && matchProbability(best.weight) >= settings.threshold
        return { outcome: clearlyLikely ? "ambiguous" : "unmatched", review }
      })
      return { matches, model }
    }
  }
}
