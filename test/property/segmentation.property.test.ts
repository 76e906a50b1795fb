import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { CODES, segment } from "../spec/specWarehouse.js"

const codes = Object.values(CODES)

describe("segmentation properties", () => {
  it("puts every resident in exactly one segment, with at least one reason", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ age: fc.integer({ min: 0, max: 105 }), practice: fc.constantFrom("F84003", "F84004") }), {
          minLength: 1,
          maxLength: 40
        }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...codes)), { maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom("AE" as const, "APC" as const)), { maxLength: 60 }),
        async (people, events, activity) => {
          const residents = people.map((p, i) => ({ id: `p${String(i).padStart(3, "0")}`, ...p }))
          const idOf = (n: number) => residents[n % residents.length]!.id
          const { membership } = await segment({
            residents,
            gpEvents: events.map(([n, code]) => [idOf(n), code] as const),
            acute: activity.map(
              ([n, type]) => [idOf(n), type, "2026-05-05", type === "APC" ? "21" : undefined] as const
            )
          })
          expect(Object.keys(membership).sort()).toEqual(residents.map((r) => r.id))
          for (const resident of residents) {
            const m = membership[resident.id]!
            expect(["BWGW", "PI", "LW"]).toContain(m.segment)
            expect(m.reasons.length).toBeGreaterThan(0)
            expect(m.segment === "BWGW").toBe(resident.age < 18)
          }
        }
      ),
      { numRuns: 25 }
    )
  })
})
