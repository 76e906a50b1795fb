import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { checkNhsNumber, modulus11CheckDigit } from "../../schemas/fields/nhsNumber.js"

/** Valid NHS numbers: nine digits with an issuable check digit, not all one digit. */
const validNhsNumber = fc
  .stringMatching(/^\d{9}$/)
  .map((nine) => {
    const check = modulus11CheckDigit(nine)
    return check === undefined ? undefined : `${nine}${check}`
  })
  .filter((n): n is string => n !== undefined && !/^(\d)\1{9}$/.test(n))

describe("NHS number properties", () => {
  it("accepts every valid number, however it is spaced", () => {
    fc.assert(
      fc.property(validNhsNumber, (n) => {
        expect(checkNhsNumber(n)).toEqual({ valid: true, nhsNumber: n })
        expect(checkNhsNumber(`${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`)).toEqual({ valid: true, nhsNumber: n })
      })
    )
  })

  it("rejects every single-digit change of a valid number", () => {
    fc.assert(
      fc.property(
        validNhsNumber,
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (n, position, delta) => {
          const changed = n.slice(0, position) + String((Number(n[position]) + delta) % 10) + n.slice(position + 1)
          expect(checkNhsNumber(changed).valid).toBe(false)
        }
      )
    )
  })
})
