import { describe, expect, it } from "vitest"
import { checkNhsNumber, modulus11CheckDigit } from "../../schemas/fields/nhsNumber.js"

describe("NHS number (Modulus 11)", () => {
  it.each([
    ["9434765919", "9434765919"],
    ["943 476 5919", "9434765919"],
    ["943-476-5919", "9434765919"],
    ["4010232137", "4010232137"]
  ])("accepts %s as %s", (raw, expected) => {
    expect(checkNhsNumber(raw)).toEqual({ valid: true, nhsNumber: expected })
  })

  it.each([
    ["9434765918", "nhs_number_check_digit"],
    ["943476591", "nhs_number_format"],
    ["94347659190", "nhs_number_format"],
    ["94347A5919", "nhs_number_format"],
    ["", "nhs_number_format"],
    ["1111111111", "nhs_number_placeholder"],
    ["0000000000", "nhs_number_placeholder"]
  ])("rejects %s with %s", (raw, problem) => {
    expect(checkNhsNumber(raw)).toEqual({ valid: false, problem })
  })

  it("treats a remainder giving check value 10 as never issued", () => {
    // 1×10 + 1×2 = 12; 12 mod 11 = 1; 11 − 1 = 10: no check digit exists.
    expect(modulus11CheckDigit("100000001")).toBeUndefined()
    for (let last = 0; last <= 9; last++) {
      expect(checkNhsNumber(`100000001${last}`).valid).toBe(false)
    }
  })

  it("maps check value 11 to 0", () => {
    // 1×10 + 6×2 = 22; 22 mod 11 = 0; 11 − 0 = 11, written as 0.
    expect(modulus11CheckDigit("100000006")).toBe(0)
    expect(checkNhsNumber("1000000060")).toEqual({ valid: true, nhsNumber: "1000000060" })
    expect(checkNhsNumber("1000000061").valid).toBe(false)
  })
})
