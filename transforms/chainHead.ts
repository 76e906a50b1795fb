/**
 * Signed heads of the lineage chain, in the manner of Certificate
 * Transparency's signed tree heads: after every entry, a statement that the
 * chain had that many entries and that the last one had that hash, signed
 * with Ed25519 by the lineage signing key that information governance holds.
 *
 * Since every entry carries its predecessor's hash, a head vouches for the
 * whole chain up to it: a chain that still holds the head's hash at the
 * head's index has not been rewritten or cut back since. A head kept outside
 * the state area (`wsd lineage head`) is what shows a chain deleted or
 * rewritten with recomputed hashes; the signature shows that the head was made
 * by a holder of the signing key, not typed in by whoever holds the state area.
 */
import { createHash, createPublicKey, type KeyObject, sign, verify } from "node:crypto"

export interface ChainHead {
  /** The entry's position in the chain, counted from 1 as `wsd lineage verify` counts. */
  readonly index: number
  readonly sha256: string
  /** The run the entry belongs to: a run's own, an extract's source run, the run that recorded a lineage event. */
  readonly run_id: string | null
  /**
   * The last run published up to this entry and its pseudonymisation key's
   * fingerprint, so the key-rotation guard has them even when the chain is gone.
   */
  readonly published_run: string | null
  readonly key_fingerprint: string | null
  /** The signing key's public half (base64 SPKI DER); null when the writer had no lineage signing key. */
  readonly public_key: string | null
  /** Ed25519 over `headStatement`, base64; null when unsigned. */
  readonly signature: string | null
}

export type HeadFields = Omit<ChainHead, "public_key" | "signature">

export interface LineageSigningKey {
  readonly privateKey: KeyObject
  /** base64 SPKI DER. */
  readonly publicKey: string
}

/** What the first entry of a chain follows. */
export const GENESIS = "0".repeat(64)

/**
 * The bytes signed: a domain label, then the fields in a fixed order, so no
 * other message can be taken for a head (or a published copy's statement for one).
 */
const statementBytes = ([label, ...fields]: readonly [string, ...ReadonlyArray<unknown>]): Buffer =>
  Buffer.from(`${label}\n${JSON.stringify(fields)}`)

const headStatement = (head: HeadFields) =>
  ["wsd lineage head v1", head.index, head.sha256, head.run_id, head.published_run, head.key_fingerprint] as const

/** A statement's signature with `key`, and the key's public half (both null without a key). */
export const signedStatement = (
  statement: readonly [string, ...ReadonlyArray<unknown>],
  key: LineageSigningKey | undefined
): { readonly public_key: string | null; readonly signature: string | null } => ({
  public_key: key?.publicKey ?? null,
  signature: key === undefined ? null : sign(null, statementBytes(statement), key.privateKey).toString("base64")
})

/** Whether a statement's signature verifies with the public key beside it. */
export const statementSignature = (
  statement: readonly [string, ...ReadonlyArray<unknown>],
  signed: { readonly public_key?: string | null; readonly signature?: string | null }
): "valid" | "unsigned" | "invalid" => {
  if (signed.signature == null || signed.public_key == null) return "unsigned"
  try {
    const key = createPublicKey({ key: Buffer.from(signed.public_key, "base64"), format: "der", type: "spki" })
    return verify(null, statementBytes(statement), key, Buffer.from(signed.signature, "base64")) ? "valid" : "invalid"
  } catch {
    return "invalid"
  }
}

export const publicKeyOf = (privateKey: KeyObject): string =>
  createPublicKey(privateKey).export({ type: "spki", format: "der" }).toString("base64")

/** A short name for a lineage signing key, from its public half: what IG compares. */
export const lineageKeyFingerprint = (publicKey: string): string =>
  createHash("sha256").update(Buffer.from(publicKey, "base64")).digest("hex").slice(0, 16)

export const signedHead = (fields: HeadFields, key: LineageSigningKey | undefined): ChainHead => ({
  ...fields,
  ...signedStatement(headStatement(fields), key)
})

/** Whether the head's signature verifies with the public key it names. */
export const headSignature = (head: ChainHead): "valid" | "unsigned" | "invalid" =>
  statementSignature(headStatement(head), head)

/** `entry 7 (run …)`: how a head names the entry it vouches for. */
export const describeHead = (head: ChainHead): string =>
  `entry ${head.index}${head.run_id === null ? "" : ` (run ${head.run_id})`}`

/**
 * Why a chain no longer extends `head`, or undefined when it does: cut back
 * below the head's entry, or holding another entry at its place. `witness`
 * names the head in the message (`its last signed head`, `the kept head`).
 */
export const chainBreaksHead = (
  chain: ReadonlyArray<{ readonly sha256: string }>,
  head: ChainHead,
  witness: string
): string | undefined => {
  if (chain.length < head.index) {
    return `holds ${chain.length} ${chain.length === 1 ? "entry" : "entries"} but ${witness} is ${describeHead(head)}: entries were removed from its end`
  }
  if (chain[head.index - 1]!.sha256 !== head.sha256) {
    return `holds at entry ${head.index} another entry than ${witness} recorded (run ${head.run_id}): the chain was rewritten at or before that entry`
  }
  return undefined
}
