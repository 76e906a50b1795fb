/**
 * Which key a run pseudonymises with, checked against the lineage: a new key
 * gives every resident a new pseudonym, breaking linkage with every earlier
 * run, so it is refused unless the rotation is declared; and the
 * re-identification key must be a key of its own.
 */
import { Effect, Redacted } from "effect"
import { UsageError } from "../errors.js"
import { lastPublishedOf } from "../governance/lineage.js"
import { LineageLog } from "../governance/lineageLog.js"
import { PseudonymKey, type PseudonymKeyMaterial } from "../services/pseudonymKey.js"

export interface KeyUse {
  readonly keyBytes: Uint8Array
  readonly fingerprint: string
  /** The key differs from the last published run's, as declared. */
  readonly rotated: boolean
}

export const checkKeyUse = Effect.fn("checkKeyUse")(function* (
  rotationDeclared: boolean,
  reidentificationKey: PseudonymKeyMaterial | undefined
) {
  const { fingerprint, key } = yield* PseudonymKey
  // From the chain, or from the re-initialisation that carried it over from the last head.
  const last = lastPublishedOf(yield* (yield* LineageLog).entries)
  const changed = last?.key_fingerprint != null && last.key_fingerprint !== fingerprint
  if (changed && !rotationDeclared) {
    return yield* new UsageError({
      message: `the key's fingerprint ${fingerprint} differs from ${last.key_fingerprint} used by run ${last.run_id}; every pseudonym would change`,
      nextAction: "use the previous key, or pass --rotate-key if the change is intended (it is recorded in lineage)"
    })
  }
  if (reidentificationKey?.fingerprint === fingerprint) {
    return yield* new UsageError({
      message: "the re-identification key is the pseudonymisation key",
      nextAction: "generate a separate key for re-identification with `wsd keygen --out FILE`"
    })
  }
  return { keyBytes: Redacted.value(key), fingerprint, rotated: changed } satisfies KeyUse
})
