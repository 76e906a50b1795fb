import { describe, expect, it } from "vitest"
import { parseFlag, parseMoney, parseSex } from "../../schemas/fields/codedValues.js"
import { normalisePostcode, postcodeDistrict, postcodeSector } from "../../schemas/fields/postcode.js"

describe("sex codes", () => {
  it.each([
    ["1", "male"],
    ["M", "male"],
    ["male", "male"],
    ["2", "female"],
    ["f", "female"],
    ["Female", "female"],
    ["9", "indeterminate"],
    ["I", "indeterminate"],
    ["X", "indeterminate"],
    ["Indeterminate", "indeterminate"],
    ["0", "not_known"],
    ["U", "not_known"],
    ["Unknown", "not_known"]
  ])("%s → %s", (raw, sex) => expect(parseSex(raw)).toBe(sex))

  it("rejects other values", () => expect(parseSex("3")).toBeUndefined())
})

describe("flags", () => {
  it.each([
    ["Y", true],
    ["y", true],
    ["1", true],
    ["TRUE", true],
    ["N", false],
    ["0", false],
    ["false", false]
  ])("%s → %s", (raw, value) => expect(parseFlag(raw)).toBe(value))
  it("rejects other values", () => expect(parseFlag("maybe")).toBeUndefined())
})

describe("money", () => {
  it.each([
    ["180", 180],
    ["£180.00", 180],
    ["4,250.00", 4250],
    ["£1,150.00", 1150],
    ["0.5", 0.5],
    [".75", 0.75]
  ])("%s → %s", (raw, pounds) => expect(parseMoney(raw)).toEqual({ valid: true, pounds }))
  it.each([
    ["-50.00", "negative_money"],
    ["£-5", "negative_money"],
    ["-£5", "negative_money"],
    ["ten", "invalid_money"],
    ["1.234", "invalid_money"],
    ["$5", "invalid_money"],
    ["9".repeat(400), "out_of_range"]
  ])("%s is %s", (raw, problem) => expect(parseMoney(raw)).toEqual({ valid: false, problem }))
})

describe("postcodes", () => {
  it.each([
    ["e16an", "E1 6AN"],
    [" E1  6AN ", "E1 6AN"],
    ["ec1a1bb", "EC1A 1BB"],
    ["w1a 0ax", "W1A 0AX"],
    ["m11ae", "M1 1AE"],
    ["gir0aa", "GIR 0AA"]
  ])("%s → %s", (raw, postcode) => expect(normalisePostcode(raw)).toBe(postcode))
  it.each(["E1", "1E 6AN", "E1 6A", "HELLO"])("rejects %s", (raw) => expect(normalisePostcode(raw)).toBeUndefined())
  it("derives district and sector", () => {
    expect(postcodeDistrict("EC1A 1BB")).toBe("EC1A")
    expect(postcodeSector("EC1A 1BB")).toBe("EC1A 1")
  })
})
