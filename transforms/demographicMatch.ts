/**
 * Demographic matching: linking a record that has no usable NHS number to a
 * resident by name, date of birth and postcode, in tiers from strict to loose.
 *
 * Each tier is a key built the same way from the spine and from the record;
 * the spine is indexed by every tier's key once, so matching a record costs a
 * few map look-ups whatever the borough's size (no pair of records is ever
 * compared directly). A tier accepts a match only when exactly one resident
 * has the key. When two or more do (twins, common names) the record is
 * *ambiguous* and the ladder stops there: a looser tier would only widen the
 * same doubt, and a guess is worse than no link.
 */
import { postcodeSector } from "../schemas/fields/postcode.js"
import { indexByKey } from "./keyIndex.js"
import { canonicalGivenName, normaliseName, phoneticCode } from "./personName.js"
import { canonicalUprn } from "./pseudonym.js"

/** Demographics as matching needs them; names already normalised. */
export interface Demographics {
  readonly givenName: string
  readonly familyName: string
  /** ISO date, when known. */
  readonly dateOfBirth: string | undefined
  /** Normalised postcode, when known. */
  readonly postcode: string | undefined
  /** `male`, `female`, `indeterminate` or `not_known`, when recorded. */
  readonly sex?: string | undefined
  /**
   * The address's UPRN without leading zeros, when the source has one: only
   * the probabilistic tier compares it, and it is never stored (the warehouse
   * holds its pseudonym, `household_id`).
   */
  readonly uprn?: string | undefined
  /**
   * For the probabilistic tier: the UPRNs of the residents that the other
   * records of this record's tenancy or claim linked to, where it has any.
   */
  readonly householdUprns?: ReadonlyArray<string> | undefined
  /**
   * The age the source implies its person has on a date (a pupil on census
   * day, a dependant child when the claim began), where it implies one: the
   * probabilistic tier does not consider a resident whose date of birth says
   * otherwise. Whole years, `atLeast` included and `under` not.
   */
  readonly impliedAge?: ImpliedAge | undefined
}

export interface ImpliedAge {
  readonly on: string
  readonly atLeast?: number
  readonly under?: number
}

/**
 * A record's demographics, or undefined when it has no family name. A record
 * missing its given name or date of birth is still matched, on what it has
 * (`givenName` empty, `dateOfBirth` undefined): only the probabilistic tier
 * can link it, and only if the rest is evidence enough.
 */
export const demographicsOf = (raw: {
  readonly given_name?: string | undefined
  readonly family_name?: string | undefined
  readonly date_of_birth?: string | undefined
  readonly postcode?: string | undefined
  readonly sex?: string | undefined
  readonly uprn?: string | undefined
}): Demographics | undefined => {
  const givenName = normaliseName(raw.given_name ?? "")
  const familyName = normaliseName(raw.family_name ?? "")
  if (familyName === "") return undefined
  const uprn = raw.uprn === undefined ? undefined : canonicalUprn(raw.uprn)
  return { givenName, familyName, dateOfBirth: raw.date_of_birth, postcode: raw.postcode, sex: raw.sex, uprn }
}

/** Demographics lacking a given name or a date of birth, counted per source in lineage. */
export const isPartial = (demographics: Demographics): boolean =>
  demographics.givenName === "" || demographics.dateOfBirth === undefined

/** `YYYY-MM-DD` with day and month swapped, when that is another real-looking date. */
const transposedDate = (iso: string | undefined): string | undefined => {
  if (iso === undefined) return undefined
  const [year, month, day] = iso.split("-")
  if (day === month || Number(day) > 12) return undefined
  return `${year}-${day}-${month}`
}

export interface MatchTier {
  /** Recorded on every link the tier makes (`link_method`). */
  readonly name: string
  readonly description: string
  /** The spine's key for a resident. */
  readonly spineKey: (person: Demographics) => string | undefined
  /** The key a record is looked up by; defaults to the spine's. */
  readonly recordKey?: (record: Demographics) => string | undefined
}

/** The parts joined, or undefined when one is missing (a loop, not `some`: this runs for every resident and tier). */
const key = (...parts: ReadonlyArray<string | undefined>): string | undefined => {
  for (const part of parts) if (part === undefined || part === "") return undefined
  return parts.join("|")
}

/** Every part as recorded: the spine's key of three tiers, which differ in the record's key. */
const fullKey = (p: Demographics) => key(p.givenName, p.familyName, p.dateOfBirth, p.postcode)

/** The ladder, strictest first. Each tier relaxes one thing; the last two relax the postcode entirely. */
export const MATCH_TIERS: ReadonlyArray<MatchTier> = [
  {
    name: "exact",
    description: "given name, family name, date of birth and postcode all agree",
    spineKey: fullKey
  },
  {
    name: "given_name_variant",
    description: "a known variant of the given name (Pete for Peter, Muhammad for Mohammed)",
    spineKey: (p) => key(canonicalGivenName(p.givenName), p.familyName, p.dateOfBirth, p.postcode)
  },
  {
    name: "given_name_initial",
    description: "only the given name's initial agrees",
    spineKey: (p) => key(p.givenName.slice(0, 1), p.familyName, p.dateOfBirth, p.postcode)
  },
  {
    name: "postcode_sector",
    description: "the postcode differs within its sector (E1 6AN vs E1 6BX)",
    spineKey: (p) => key(p.givenName, p.familyName, p.dateOfBirth, p.postcode && postcodeSector(p.postcode))
  },
  {
    name: "phonetic_family_name",
    description: "the family name sounds the same (Double Metaphone), e.g. Husain for Hussain",
    spineKey: (p) => key(p.givenName, phoneticCode(p.familyName), p.dateOfBirth, p.postcode)
  },
  {
    name: "swapped_names",
    description: "given and family names recorded the other way round",
    spineKey: fullKey,
    recordKey: (r) => key(r.familyName, r.givenName, r.dateOfBirth, r.postcode)
  },
  {
    name: "transposed_date_of_birth",
    description: "day and month of birth transposed (05/03 for 03/05)",
    spineKey: fullKey,
    recordKey: (r) => key(r.givenName, r.familyName, transposedDate(r.dateOfBirth), r.postcode)
  },
  {
    name: "names_and_date_of_birth",
    description: "names (given-name variants allowed) and date of birth agree; the postcode is ignored (moved house)",
    spineKey: (p) => key(canonicalGivenName(p.givenName), p.familyName, p.dateOfBirth)
  }
]

export type DemographicMatch =
  | { readonly outcome: "linked"; readonly personId: string; readonly tier: string }
  | { readonly outcome: "ambiguous"; readonly tier: string }
  | { readonly outcome: "unmatched" }

export interface DemographicIndex {
  readonly match: (record: Demographics) => DemographicMatch
}

/**
 * Indexes residents by every tier's key; one pass over the spine per
 * distinct key (tiers with the same spine key differ only in the record's,
 * and share one index). The indexes hold key hashes (`keyIndex.ts`), so a
 * look-up compares the key of each resident it finds with the record's.
 */
export const indexSpine = (
  residents: ReadonlyArray<{ readonly personId: string; readonly demographics: Demographics }>,
  tiers: ReadonlyArray<MatchTier> = MATCH_TIERS
): DemographicIndex => {
  const spineKeys = [...new Set(tiers.map((tier) => tier.spineKey))]
  const indexes = spineKeys.map((spineKey) => indexByKey(residents, (resident) => spineKey(resident.demographics)))
  const byTier = tiers.map((tier) => indexes[spineKeys.indexOf(tier.spineKey)]!)
  return {
    match: (record) => {
      for (let i = 0; i < tiers.length; i++) {
        const tier = tiers[i]!
        const k = (tier.recordKey ?? tier.spineKey)(record)
        if (k === undefined) continue
        let found: string | undefined
        let shared = false
        byTier[i]!.forEachCandidate(k, (resident) => {
          const { demographics, personId } = residents[resident]!
          if (personId === found || tier.spineKey(demographics) !== k) return
          if (found === undefined) found = personId
          else shared = true
        })
        if (found === undefined) continue
        if (shared) return { outcome: "ambiguous", tier: tier.name }
        return { outcome: "linked", personId: found, tier: tier.name }
      }
      return { outcome: "unmatched" }
    }
  }
}
