/**
 * The re-identification store: pseudonym → NHS number for the people a
 * direct-care list may name, sealed with AES-256-GCM under its own key (never
 * the pseudonymisation key), so whoever holds the warehouse and the
 * pseudonymisation key still cannot read it. The run id is authenticated with
 * the contents: a store cannot be passed off as another run's.
 */
import { createCipheriv, createDecipheriv, hkdfSync } from "node:crypto"

export const STORE_FORMAT = "wsd-reidentification-1"

export interface SealedStore {
  readonly format: typeof STORE_FORMAT
  readonly run_id: string
  readonly key_fingerprint: string
  readonly cipher: "aes-256-gcm"
  readonly iv: string
  readonly tag: string
  readonly ciphertext: string
}

/** The AES key, derived so that a key file longer than 32 bytes still gives exactly 256 bits. */
const storeKey = (key: Uint8Array): Uint8Array =>
  new Uint8Array(hkdfSync("sha256", key, "wsd-reidentification-store", STORE_FORMAT, 32))

/** Seals `nhsNumberOf` (person_id → NHS number); `iv` must be 12 fresh random bytes. */
export const sealStore = (
  key: Uint8Array,
  keyFingerprint: string,
  runId: string,
  nhsNumberOf: ReadonlyMap<string, string>,
  iv: Uint8Array
): SealedStore => {
  const cipher = createCipheriv("aes-256-gcm", storeKey(key), iv)
  cipher.setAAD(Buffer.from(runId, "utf8"))
  const plain = Buffer.from(JSON.stringify(Object.fromEntries(nhsNumberOf)), "utf8")
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()])
  return {
    format: STORE_FORMAT,
    run_id: runId,
    key_fingerprint: keyFingerprint,
    cipher: "aes-256-gcm",
    iv: Buffer.from(iv).toString("hex"),
    tag: cipher.getAuthTag().toString("hex"),
    ciphertext: ciphertext.toString("base64")
  }
}

/** Opens a store; undefined when the key is not the store's or the store was altered. */
export const openStore = (key: Uint8Array, store: SealedStore): ReadonlyMap<string, string> | undefined => {
  try {
    const decipher = createDecipheriv("aes-256-gcm", storeKey(key), Buffer.from(store.iv, "hex"))
    decipher.setAAD(Buffer.from(store.run_id, "utf8"))
    decipher.setAuthTag(Buffer.from(store.tag, "hex"))
    const plain = Buffer.concat([decipher.update(Buffer.from(store.ciphertext, "base64")), decipher.final()])
    return new Map(Object.entries(JSON.parse(plain.toString("utf8")) as Record<string, string>))
  } catch {
    return undefined
  }
}
