import { describe, expect, it } from "vitest"
import { indexSpine } from "../../transforms/demographicMatch.js"
import { hashKey, indexByKey } from "../../transforms/keyIndex.js"

// Two full keys (given name, family name, date of birth, postcode) whose FNV-1a hashes collide.
const collidingGivenNames = ["ZVMHI", "EJDAP"] as const
const fullKey = (given: string) => `${given}|SMITH|1980-01-01|E1 6AN`

describe("the compact key index", () => {
  it("finds every item whose key hashes alike, in order, and none other", () => {
    const keys = ["b", "a", undefined, "b", "c"]
    const index = indexByKey(keys, (key) => key)
    const candidates = (key: string) => {
      const found: Array<number> = []
      index.forEachCandidate(key, (item) => found.push(item))
      return found
    }
    expect(candidates("b")).toEqual([0, 3])
    expect(candidates("a")).toEqual([1])
    expect(candidates("z")).toEqual([])
  })

  it("finds the same items as a map of keys would, in order, over more items than one sorting digit holds", () => {
    // 200,000 keys over 50,000 values: hashes differing only in their high bits are ordered by the second pass.
    const keys = Array.from({ length: 200_000 }, (_, i) => `key-${(i * 7919) % 50_000}`)
    const index = indexByKey(keys, (key) => key)
    const expected = new Map<string, Array<number>>()
    keys.forEach((key, i) => expected.set(key, [...(expected.get(key) ?? []), i]))
    for (const [key, items] of expected) {
      const found: Array<number> = []
      index.forEachCandidate(key, (item) => found.push(item))
      // A hash collision adds items of another key; never drops one of this key's or reorders them.
      expect(found.filter((item) => keys[item] === key)).toEqual(items)
      expect(found).toEqual([...found].sort((a, b) => a - b))
    }
  })

  it("returns both items of a hash collision, which the ladder tells apart by comparing keys", () => {
    expect(hashKey(fullKey(collidingGivenNames[0]))).toBe(hashKey(fullKey(collidingGivenNames[1])))
    const residents = collidingGivenNames.map((givenName, i) => ({
      personId: `p${i}`,
      demographics: { givenName, familyName: "SMITH", dateOfBirth: "1980-01-01", postcode: "E1 6AN" }
    }))
    const found: Array<number> = []
    indexByKey(residents, (r) => fullKey(r.demographics.givenName)).forEachCandidate(
      fullKey(collidingGivenNames[0]),
      (item) => found.push(item)
    )
    expect(found).toEqual([0, 1])
    // Not ambiguous: only one resident holds the record's key; the other only shares its hash.
    expect(indexSpine(residents).match(residents[1]!.demographics)).toEqual({
      outcome: "linked",
      personId: "p1",
      tier: "exact"
    })
  })
})
