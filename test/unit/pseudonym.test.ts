import { describe, expect, it } from "vitest"
import {
  householdId,
  keyFingerprint,
  parseKeyText,
  personId,
  recipientKey,
  recipientPseudonym
} from "../../transforms/pseudonym.js"

const zeroKey = new Uint8Array(32)

describe("pseudonyms (interface.md)", () => {
  it("matches an independent HMAC-SHA-256 for person_id", () => {
    // printf 'nhs_number:9434765919' | openssl dgst -sha256 -mac HMAC -macopt hexkey:00…00 (64 zeros)
    expect(personId(zeroKey, "9434765919")).toBe("c7157bf56e9c245369f1cc866e173a24")
  })

  it("matches an independent HMAC-SHA-256 for household_id, ignoring leading zeros", () => {
    // printf 'uprn:100023000001' | openssl dgst -sha256 -mac HMAC -macopt hexkey:00…00
    expect(householdId(zeroKey, "100023000001")).toBe("8f3fa46cfdf52182c281516bfd665b3e")
    expect(householdId(zeroKey, "000100023000001")).toBe("8f3fa46cfdf52182c281516bfd665b3e")
  })

  it("separates domains, so a UPRN never collides with an NHS number", () => {
    expect(householdId(zeroKey, "9434765919")).not.toBe(personId(zeroKey, "9434765919"))
  })

  it("depends on the key", () => {
    const otherKey = new Uint8Array(32).fill(1)
    expect(personId(otherKey, "9434765919")).not.toBe(personId(zeroKey, "9434765919"))
    expect(keyFingerprint(otherKey)).not.toBe(keyFingerprint(zeroKey))
  })

  it("gives each recipient its own stable pseudonym for a person", () => {
    const person = personId(zeroKey, "9434765919")
    const forTeamA = recipientPseudonym(recipientKey(zeroKey, "team A"), person)
    expect(recipientPseudonym(recipientKey(zeroKey, "team A"), person)).toBe(forTeamA)
    expect(recipientPseudonym(recipientKey(zeroKey, "team B"), person)).not.toBe(forTeamA)
    expect(forTeamA).not.toBe(person)
    expect(forTeamA).toMatch(/^[0-9a-f]{32}$/)
  })

  it("reads hex key text, ignoring surrounding whitespace", () => {
    const parsed = parseKeyText(`  ${"ab".repeat(32)}\n`)
    expect(parsed.ok && parsed.key.length).toBe(32)
    expect(parseKeyText("ab".repeat(31))).toEqual({ ok: false, problem: "too_short" })
    expect(parseKeyText("zz".repeat(32))).toEqual({ ok: false, problem: "not_hex" })
  })
})
