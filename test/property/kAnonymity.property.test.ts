/**
 * k-anonymity tried on random members: whatever the rows and whichever
 * fields are quasi-identifiers, every combination of them an extract
 * publishes is shared by at least k rows, nothing else about a row changes,
 * and no more rows are left out than the suppression limit allows unless
 * every quasi-identifier has been withheld.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { CsvValue } from "../../transforms/spreadsheetSafety.js"
import { generalise, kAnonymise, levelsOf, MAX_SUPPRESSED_SHARE, WITHHELD } from "../../transforms/kAnonymity.js"

type Row = Readonly<Record<string, CsvValue>>

const PRACTICES = [
  { practice_code: "F1", pcn: "PCN 1", locality: "North" },
  { practice_code: "F2", pcn: "PCN 1", locality: "North" },
  { practice_code: "F3", pcn: "PCN 2", locality: "South" }
]
const QUASI_IDENTIFIERS = [
  "age_years",
  "sex",
  "practice_code",
  "imd_decile",
  "ethnic_category",
  "risk_score",
  "ltc_count",
  "acute_cost_gbp",
  "ltcs"
]

const member = fc.record({
  age_years: fc.integer({ min: 0, max: 105 }),
  sex: fc.constantFrom("female", "male"),
  practice: fc.constantFrom(...PRACTICES),
  imd_decile: fc.option(fc.integer({ min: 1, max: 10 })),
  ethnic_category: fc.option(fc.constantFrom("A", "C", "H", "K", "N", "S", "Z")),
  risk_score: fc.integer({ min: 0, max: 20 }),
  ltc_count: fc.integer({ min: 0, max: 6 }),
  acute_cost_gbp: fc.integer({ min: 0, max: 80_000 }),
  ltcs: fc.constantFrom("", "asthma", "copd;diabetes", "dementia"),
  dementia: fc.constantFrom(0, 1)
})
const members = fc
  .array(member, { maxLength: 120 })
  .map((rows) => rows.map(({ practice, ...row }, i) => ({ person_id: `p${i}`, ...practice, ...row })))
const quasiIdentifiers = fc.subarray(QUASI_IDENTIFIERS, { minLength: 1 })

describe("k-anonymous extracts", () => {
  it("publish only combinations of quasi-identifiers shared by at least k rows", () => {
    fc.assert(
      fc.property(members, quasiIdentifiers, fc.integer({ min: 2, max: 8 }), (rows, fields, k) => {
        const { rows: published, report } = kAnonymise(rows, fields, k)
        const sizes = new Map<string, number>()
        for (const row of published as ReadonlyArray<Row>) {
          const key = JSON.stringify(fields.map((field) => row[field]))
          sizes.set(key, (sizes.get(key) ?? 0) + 1)
        }
        for (const size of sizes.values()) expect(size).toBeGreaterThanOrEqual(k)
        expect(report.share_unique_after).toBe(0)
        expect(report.risk_after).toBeLessThanOrEqual(Number((1 / k).toFixed(4)))
        expect(report.members).toBe(rows.length)
        const allWithheld = Object.values(report.generalisation).every((level) => level === WITHHELD)
        if (!allWithheld) expect(rows.length - published.length).toBeLessThanOrEqual(MAX_SUPPRESSED_SHARE * rows.length)
      })
    )
  })

  it("change nothing but the quasi-identifiers, each to a step of its own hierarchy", () => {
    fc.assert(
      fc.property(members, quasiIdentifiers, (rows, fields) => {
        const { rows: published } = kAnonymise(rows, fields, 3)
        const original = new Map(rows.map((row) => [row.person_id, row]))
        for (const row of published) {
          const before: Row = original.get(row.person_id)!
          for (const [field, value] of Object.entries(row)) {
            if (!fields.includes(field)) expect(value).toEqual(before[field])
            else {
              const steps = Array.from({ length: levelsOf(field).length + 1 }, (_, level) =>
                generalise(before, field, level)
              )
              expect(steps).toContainEqual(value)
            }
          }
        }
      })
    )
  })

  it("generalise along hierarchies that nest: two values a step merges stay merged at every coarser step", () => {
    fc.assert(
      fc.property(member, member, fc.constantFrom(...QUASI_IDENTIFIERS, "age_band"), (a, b, field) => {
        const row = ({ practice, age_years, ...rest }: typeof a) => ({
          ...practice,
          ...rest,
          age_years,
          age_band:
            age_years >= 85
              ? "85+"
              : `${String(age_years - (age_years % 5)).padStart(2, "0")}-${String(age_years - (age_years % 5) + 4).padStart(2, "0")}`
        })
        const levels = levelsOf(field).length
        for (let level = 0; level < levels; level++) {
          if (generalise(row(a), field, level) === generalise(row(b), field, level))
            expect(generalise(row(a), field, level + 1)).toEqual(generalise(row(b), field, level + 1))
        }
      })
    )
  })
})
