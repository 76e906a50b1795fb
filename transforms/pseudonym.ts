/**
 * Pseudonyms: keyed HMAC-SHA-256 of identifiers, as `interface.md` defines them
 * so that partners holding the key can reproduce them.
 *
 * A plain or salted hash of an NHS number is reversible by enumerating the
 * ~10^9 valid numbers; a keyed HMAC is not without the key. Each kind of
 * identifier has its own domain prefix so that, say, a UPRN can never collide
 * with an NHS number. 128 bits (32 hex digits) are kept.
 */
import { createHash, createHmac, hkdfSync } from "node:crypto"

export const MIN_KEY_BYTES = 32

const pseudonym = (key: Uint8Array, domain: string, value: string): string =>
  createHmac("sha256", key).update(`${domain}:${value}`, "utf8").digest("hex").slice(0, 32)

/** `person_id` from a validated 10-digit NHS number. */
export const personId = (key: Uint8Array, nhsNumber: string): string => pseudonym(key, "nhs_number", nhsNumber)

/** A UPRN as one address: leading zeros are not part of the identity. */
export const canonicalUprn = (uprn: string): string => uprn.replace(/^0+(?=\d)/, "")

/** `household_id` from a UPRN. */
export const householdId = (key: Uint8Array, uprn: string): string => pseudonym(key, "uprn", canonicalUprn(uprn))

/**
 * The key a recipient's pseudonyms are made with, derived from the
 * pseudonymisation key and the recipient's name: stable while the key stays,
 * different for every recipient, and nothing more to keep safe.
 */
export const recipientKey = (key: Uint8Array, recipient: string): Uint8Array =>
  new Uint8Array(hkdfSync("sha256", key, "wsd-recipient-pseudonym", recipient, 32))

/**
 * A recipient's own pseudonym for a person, from `person_id`: two recipients'
 * extracts share no identifier, so they cannot be joined without the pipeline.
 */
export const recipientPseudonym = (recipientKeyBytes: Uint8Array, personIdValue: string): string =>
  pseudonym(recipientKeyBytes, "person_id", personIdValue)

/**
 * A fingerprint that identifies a key without revealing it: lineage compares
 * fingerprints between runs to notice a changed key.
 */
export const keyFingerprint = (key: Uint8Array): string =>
  createHash("sha256").update("wsd-key-fingerprint:").update(key).digest("hex").slice(0, 16)

export type KeyTextProblem = "not_hex" | "too_short"

/** Decodes a key file's text: hexadecimal, surrounding whitespace ignored. */
export const parseKeyText = (
  text: string
): { readonly ok: true; readonly key: Uint8Array } | { readonly ok: false; readonly problem: KeyTextProblem } => {
  const hex = text.trim()
  if (!/^([0-9a-fA-F]{2})+$/.test(hex)) return { ok: false, problem: "not_hex" }
  if (hex.length < MIN_KEY_BYTES * 2) return { ok: false, problem: "too_short" }
  return { ok: true, key: Uint8Array.from(Buffer.from(hex, "hex")) }
}
