import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type Demographics, indexSpine, MATCH_TIERS } from "../../transforms/demographicMatch.js"
import { canonicalGivenName, normaliseName } from "../../transforms/personName.js"

const givenNames = [
  "Peter",
  "Pete",
  "Daniel",
  "Dan",
  "David",
  "Joan",
  "Zainab",
  "Amir",
  "Mohammed",
  "Muhammad",
  "Siobhán",
  "Li"
]
const familyNames = [
  "Brennan",
  "Brenan",
  "Mensah",
  "Hussain",
  "Husain",
  "O'Connor",
  "OConnor",
  "Smith-Jones",
  "Whitfield"
]
const dates = ["1971-06-02", "1971-02-06", "2012-07-07", "1953-03-14", "1953-03-15"]
const postcodes = ["E3 2AB", "E3 2AD", "E1 6AN", "E2 9PL", undefined]

const person = fc.record({
  givenName: fc.constantFrom(...givenNames).map(normaliseName),
  familyName: fc.constantFrom(...familyNames).map(normaliseName),
  dateOfBirth: fc.constantFrom(...dates),
  postcode: fc.constantFrom(...postcodes)
}) satisfies fc.Arbitrary<Demographics>

describe("name normalisation", () => {
  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        expect(normaliseName(normaliseName(name))).toBe(normaliseName(name))
      })
    )
  })

  it("keeps only upper-case letters and digits", () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        expect(normaliseName(name)).toMatch(/^[A-Z0-9]*$/)
      })
    )
  })

  it("maps variants to one canonical given name, and canonical names to themselves", () => {
    fc.assert(
      fc.property(fc.constantFrom(...givenNames).map(normaliseName), (name) => {
        const canonical = canonicalGivenName(name)
        expect(canonicalGivenName(canonical)).toBe(canonical)
      })
    )
  })
})

describe("demographic matching", () => {
  it("links a record to a person only when no other person fits the tier that linked it", () => {
    fc.assert(
      fc.property(fc.array(person, { minLength: 1, maxLength: 25 }), person, (spinePeople, record) => {
        const residents = spinePeople.map((demographics, i) => ({ personId: `p${i}`, demographics }))
        const result = indexSpine(residents).match(record)
        if (result.outcome !== "linked") return
        const tier = MATCH_TIERS.find((t) => t.name === result.tier)!
        const recordKey = (tier.recordKey ?? tier.spineKey)(record)
        const fitting = residents.filter((r) => tier.spineKey(r.demographics) === recordKey)
        expect(fitting.map((r) => r.personId)).toEqual([result.personId])
      }),
      { numRuns: 300 }
    )
  })

  it("links every spine person's own demographics to that person (or finds them ambiguous)", () => {
    fc.assert(
      fc.property(fc.array(person, { minLength: 1, maxLength: 25 }), (spinePeople) => {
        const residents = spinePeople.map((demographics, i) => ({ personId: `p${i}`, demographics }))
        const index = indexSpine(residents)
        residents.forEach(({ demographics, personId }) => {
          const result = index.match(demographics)
          const twins = residents.filter((r) => JSON.stringify(r.demographics) === JSON.stringify(demographics))
          if (twins.length === 1 && demographics.postcode !== undefined)
            expect(result).toMatchObject({ outcome: "linked", personId })
          else expect(result.outcome).not.toBe("unmatched")
        })
      }),
      { numRuns: 200 }
    )
  })
})
