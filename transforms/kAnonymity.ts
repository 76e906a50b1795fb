/**
 * k-anonymity for row-level extracts. Per-recipient pseudonyms stop two files
 * being joined on an identifier, but not on what the rows say: a child's age,
 * sex, practice and deprivation decile are unique to them as often as not,
 * so a row could be matched to another file carrying those values, or to a
 * person someone knows. An extract therefore generalises its
 * quasi-identifiers (the fields that, together, can single someone out)
 * step by step, along the fixed hierarchies below, until every combination
 * of them it publishes is shared by at least k rows; the few rows that
 * still cannot reach k are left out.
 *
 * Each step raises the quasi-identifier with the most distinct values, as
 * Datafly does (ties: the one leaving the fewest rows in combinations of
 * fewer than k, then the profile's order), and the steps stop once those
 * rows are at most `MAX_SUPPRESSED_SHARE` of all (or nothing more can be
 * raised); then every step that can be undone without breaking that is
 * undone, earlier quasi-identifiers in the profile first. The hierarchies nest: every band of a level lies inside one band
 * of the next, so a coarser file can always be matched against a finer one,
 * and k holds against both.
 */
import { ethnicGroupName } from "./ethnicCategory.js"
import type { CsvValue } from "./spreadsheetSafety.js"

/** What a quasi-identifier shows once it has been generalised as far as it goes. */
export const WITHHELD = "withheld"

/** The most the steps leave to suppression, as a share of the rows, before generalising further. */
export const MAX_SUPPRESSED_SHARE = 0.05

export const DEFAULT_K = 5

type Row = Readonly<Record<string, CsvValue>>

/**
 * One step of a field's hierarchy: what it is called in lineage and what it
 * makes of a row's value. Level 0 (the exact value) and the last level
 * (withheld) are implicit.
 */
interface Level {
  readonly name: string
  readonly of: (row: Row) => CsvValue
}

/**
 * Numeric bands starting at each of `edges` (the last open-ended), shown as
 * `lo-hi`, `lo+`, or the single value a one-wide band holds. `start` reads
 * the value's lower bound (an age band's first year). Null stays null: "not
 * recorded" is no more identifying banded than exact.
 */
const bands =
  (field: string, edges: ReadonlyArray<number>, pad = 0, start: (value: CsvValue) => number = Number) =>
  (row: Row): CsvValue => {
    const value = row[field]
    if (value === null || value === undefined) return null
    const at = start(value)
    const index = Math.max(
      0,
      edges.findLastIndex((edge) => edge <= at)
    )
    const low = edges[index]!
    const next = edges[index + 1]
    const show = (n: number) => String(n).padStart(pad, "0")
    if (next === undefined) return `${show(low)}+`
    return next === low + 1 ? show(low) : `${show(low)}-${show(next - 1)}`
  }

const bandLevels = (
  field: string,
  steps: ReadonlyArray<readonly [string, ReadonlyArray<number>]>,
  pad = 0,
  start?: (value: CsvValue) => number
): Array<Level> => steps.map(([name, edges]) => ({ name, of: bands(field, edges, pad, start) }))

const everyYears = (years: number, last: number) =>
  Array.from({ length: Math.floor(last / years) + 1 }, (_, i) => i * years)

const AGE_STEPS: ReadonlyArray<readonly [string, ReadonlyArray<number>]> = [
  ["5-year bands", everyYears(5, 85)],
  ["10-year bands", everyYears(10, 80)],
  ["20-year bands", everyYears(20, 60)]
]

/** An age band such as `70-74` or `85+`, by its first year. */
const firstYear = (value: CsvValue) => Number.parseInt(String(value), 10)

const COUNT_STEPS: ReadonlyArray<readonly [string, ReadonlyArray<number>]> = [
  ["0, 1, 2, 3-4, 5+", [0, 1, 2, 3, 5]],
  ["0, 1-2, 3+", [0, 1, 3]],
  ["0, 1+", [0, 1]]
]

const MANY_STEPS: ReadonlyArray<readonly [string, ReadonlyArray<number>]> = [
  ["0, 1-4, 5-9, 10-19, 20-49, 50+", [0, 1, 5, 10, 20, 50]],
  ["0, 1-9, 10+", [0, 1, 10]],
  ["0, 1+", [0, 1]]
]

const COST_STEPS: ReadonlyArray<readonly [string, ReadonlyArray<number>]> = [
  ["£0, then bands at £1k, £2k, £5k, £10k, £20k, £50k", [0, 1, 1000, 2000, 5000, 10000, 20000, 50000]],
  ["£0, then bands at £2k, £10k", [0, 1, 2000, 10000]],
  ["£0, £1+", [0, 1]]
]

const WEEKLY_COST_STEPS: ReadonlyArray<readonly [string, ReadonlyArray<number>]> = [
  ["£0, then bands at £100, £200, £500, £1,000 a week", [0, 1, 100, 200, 500, 1000]],
  ["£0, then bands at £500 a week", [0, 1, 500]],
  ["£0, £1+ a week", [0, 1]]
]

/** The steps each field can be generalised by, finest first; a field not named here can only be withheld. */
const HIERARCHIES: Readonly<Record<string, ReadonlyArray<Level>>> = {
  age_years: bandLevels("age_years", AGE_STEPS, 2),
  age_band: bandLevels("age_band", AGE_STEPS.slice(1), 2, firstYear),
  practice_code: [
    { name: "PCN", of: (row) => row["pcn"] },
    { name: "locality", of: (row) => row["locality"] }
  ],
  pcn: [{ name: "locality", of: (row) => row["locality"] }],
  imd_decile: bandLevels("imd_decile", [
    ["quintiles", [1, 3, 5, 7, 9]],
    ["deciles 1-4, 5-8, 9-10", [1, 5, 9]]
  ]),
  ethnic_category: [
    {
      name: "broad groups",
      of: (row) => (row["ethnic_category"] == null ? null : ethnicGroupName(String(row["ethnic_category"])))
    }
  ],
  risk_score: bandLevels("risk_score", [
    ["0, 1, 2, 3-4, 5-6, 7-9, 10+", [0, 1, 2, 3, 5, 7, 10]],
    ["0, 1-2, 3-6, 7+", [0, 1, 3, 7]],
    ["0-2, 3+", [0, 3]]
  ]),
  ltc_count: bandLevels("ltc_count", COUNT_STEPS),
  ae_attendances: bandLevels("ae_attendances", COUNT_STEPS),
  non_elective_admissions: bandLevels("non_elective_admissions", COUNT_STEPS),
  elective_admissions: bandLevels("elective_admissions", COUNT_STEPS),
  outpatient_attendances: bandLevels("outpatient_attendances", MANY_STEPS),
  bed_days: bandLevels("bed_days", MANY_STEPS),
  community_contacts: bandLevels("community_contacts", MANY_STEPS),
  household_size: bandLevels("household_size", [
    ["1, 2, 3, 4-5, 6+", [1, 2, 3, 4, 6]],
    ["1, 2-3, 4+", [1, 2, 4]]
  ]),
  attendance_pct: bandLevels("attendance_pct", [
    ["whole percent below 50, 50-79, 80-89, 90-94, 95+", [0, 50, 80, 90, 95]],
    ["below 90, 90+", [0, 90]]
  ]),
  acute_cost_gbp: bandLevels("acute_cost_gbp", COST_STEPS),
  asc_weekly_cost_gbp: bandLevels("asc_weekly_cost_gbp", WEEKLY_COST_STEPS)
}

/** The generalisations of `field`, finest first, ending with withholding it. */
export const levelsOf = (field: string): ReadonlyArray<Level> => [
  ...(HIERARCHIES[field] ?? []),
  { name: WITHHELD, of: () => WITHHELD }
]

/** The value `field` of `row` shows at `level` (0: exact). */
export const generalise = (row: Row, field: string, level: number): CsvValue =>
  level === 0 ? row[field] : levelsOf(field)[level - 1]!.of(row)

/**
 * Fields that can be worked out from others: an age band from an age, a PCN
 * or locality from a practice, a count of conditions from their list, the
 * transitions list's reason codes from an EHC plan, a children's social care
 * status or a condition, and the transition flag from being on that list at
 * all. Two files can be joined on such a pair as well as on one field both
 * carry.
 */
const DERIVED_FROM: Readonly<Record<string, ReadonlyArray<string>>> = {
  age_band: ["age_years"],
  pcn: ["practice_code"],
  locality: ["practice_code", "pcn"],
  ltc_count: ["ltcs"],
  ltc: ["ltc_count", "ltcs"],
  transition_reasons: ["sen_provision", "csc_status", "ltc_count", "ltcs"],
  transition: ["transition_reasons"]
}

/** Whether a file carrying `others` carries `field`, something worked out from it, or something it is worked out from. */
export const joinableOn = (others: ReadonlyArray<string>, field: string): boolean =>
  others.some(
    (other) =>
      other === field || (DERIVED_FROM[field] ?? []).includes(other) || (DERIVED_FROM[other] ?? []).includes(field)
  )

/** Re-identification figures of one extract, for lineage (shares of the workstream's members, to 4 places). */
export interface KAnonymityReport {
  readonly k: number
  readonly quasi_identifiers: ReadonlyArray<string>
  /** How far each quasi-identifier was generalised: `exact`, a hierarchy step, or `withheld`. */
  readonly generalisation: Readonly<Record<string, string>>
  readonly members: number
  /** Members published with at least one quasi-identifier coarser than its exact value. */
  readonly share_generalised: number
  /** Members left out because their combination could not reach k. */
  readonly share_suppressed: number
  /** Rows unique on the quasi-identifiers: among the members' exact values, and among the published rows. */
  readonly share_unique_before: number
  readonly share_unique_after: number
  /**
   * The expected share of rows re-identified by someone who knows a person's
   * quasi-identifiers and matches them at random among the rows sharing
   * them (the mean of 1 / the size of each row's combination, as sdcMicro's
   * global risk): before, on exact values; after, on the published rows.
   */
  readonly risk_before: number
  readonly risk_after: number
}

export interface KAnonymousRows<R extends Row> {
  /** The rows kept, with their quasi-identifiers generalised; every other field as it was. */
  readonly rows: ReadonlyArray<R>
  readonly report: KAnonymityReport
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : Number((part / whole).toFixed(4)))

/** For each row, how many rows (itself included) share its key. */
const classSizes = (keys: ReadonlyArray<string>): Array<number> => {
  const sizes = new Map<string, number>()
  for (const key of keys) sizes.set(key, (sizes.get(key) ?? 0) + 1)
  return keys.map((key) => sizes.get(key)!)
}

const uniqueAndRisk = (keys: ReadonlyArray<string>) => {
  const sizes = classSizes(keys)
  return {
    unique: share(sizes.filter((size) => size === 1).length, keys.length),
    risk: share(
      sizes.reduce((sum, size) => sum + 1 / size, 0),
      keys.length
    )
  }
}

/** Generalises `quasiIdentifiers` of `rows` until every published combination is shared by at least `k` rows. */
export const kAnonymise = <R extends Row>(
  rows: ReadonlyArray<R>,
  quasiIdentifiers: ReadonlyArray<string>,
  k: number,
  maxSuppressedShare: number = MAX_SUPPRESSED_SHARE
): KAnonymousRows<R> => {
  // Each field's value at each level, as a small number per row, so a combination is a short key.
  const codes = quasiIdentifiers.map((field) =>
    Array.from({ length: levelsOf(field).length + 1 }, (_, level) => {
      const numbering = new Map<string, number>()
      return rows.map((row) => {
        const value = JSON.stringify(generalise(row, field, level) ?? null)
        const code = numbering.get(value) ?? numbering.size
        numbering.set(value, code)
        return code
      })
    })
  )
  const distinct = (q: number, level: number) => new Set(codes[q]![level]).size
  const keysAt = (levels: ReadonlyArray<number>) =>
    rows.map((_, r) => levels.map((level, q) => codes[q]![level]![r]).join(","))
  const belowK = (levels: ReadonlyArray<number>) => classSizes(keysAt(levels)).filter((size) => size < k).length
  const allowed = Math.floor(maxSuppressedShare * rows.length)
  const levels = quasiIdentifiers.map(() => 0)
  for (let small = belowK(levels); small > allowed;) {
    const candidates = quasiIdentifiers
      .map((_, q) => q)
      .filter((q) => levels[q]! < codes[q]!.length - 1)
      .map((q) => {
        const raised = levels.map((level, i) => (i === q ? level + 1 : level))
        return { q, small: belowK(raised), distinct: distinct(q, levels[q]!) }
      })
      .sort((a, b) => b.distinct - a.distinct || a.small - b.small || a.q - b.q)
    const best = candidates[0]
    if (best === undefined) break
    levels[best.q]!++
    small = best.small
  }
  // Datafly overshoots: undo, in the profile's order, every step the result
  // can spare, until none can be (a locally minimal generalisation).
  for (let undone = true; undone;) {
    undone = false
    for (let q = 0; q < levels.length; q++) {
      if (levels[q] === 0) continue
      const lowered = levels.map((level, i) => (i === q ? level - 1 : level))
      if (belowK(lowered) <= allowed) {
        levels[q]!--
        undone = true
      }
    }
  }
  const sizes = classSizes(keysAt(levels))
  const keep = rows.map((_, r) => sizes[r]! >= k)
  const published = rows.flatMap((row, r) => {
    if (!keep[r]) return []
    const changed = Object.fromEntries(quasiIdentifiers.map((field, q) => [field, generalise(row, field, levels[q]!)]))
    return [{ ...row, ...changed } as R]
  })
  const generalised = rows.filter(
    (row, r) =>
      keep[r] && quasiIdentifiers.some((field, q) => String(generalise(row, field, levels[q]!)) !== String(row[field]))
  ).length
  const before = uniqueAndRisk(keysAt(quasiIdentifiers.map(() => 0)))
  const after = uniqueAndRisk(keysAt(levels).filter((_, r) => keep[r]))
  return {
    rows: published,
    report: {
      k,
      quasi_identifiers: quasiIdentifiers,
      generalisation: Object.fromEntries(
        quasiIdentifiers.map((field, q) => [field, levels[q] === 0 ? "exact" : levelsOf(field)[levels[q]! - 1]!.name])
      ),
      members: rows.length,
      share_generalised: share(generalised, rows.length),
      share_suppressed: share(rows.length - published.length, rows.length),
      share_unique_before: before.unique,
      share_unique_after: after.unique,
      risk_before: before.risk,
      risk_after: after.risk
    }
  }
}
