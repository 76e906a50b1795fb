/**
 * The lineage signing key: an Ed25519 key pair that information governance
 * creates with `wsd keygen --lineage` and holds apart from the operator's
 * pseudonymisation key. The private half (PKCS #8 PEM, owner-only) is given
 * to the run with `--lineage-key-file` to sign each new chain head; the
 * public half (`FILE.pub`) is all a reviewer needs to check a head.
 */
import { createPrivateKey, generateKeyPairSync } from "node:crypto"
import { Effect } from "effect"
import { type LineageSigningKey, lineageKeyFingerprint, publicKeyOf } from "../../transforms/chainHead.js"
import { UsageError } from "../errors.js"
import { readOwnerOnlyFile, writeNewKeyFile } from "./pseudonymKey.js"

const CREATE = "wsd keygen --lineage --out FILE"

/** Writes a new key pair: the private half at `out` (mode 0600), the public half at `out.pub` (0644). */
export const generateLineageKeyPair = Effect.fn("generateLineageKeyPair")(function* (out: string) {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519")
  const written = yield* writeNewKeyFile(out, privateKey.export({ type: "pkcs8", format: "pem" }).toString(), 0o600)
  const publicFile = `${out}.pub`
  yield* writeNewKeyFile(publicFile, publicKey.export({ type: "spki", format: "pem" }).toString(), 0o644)
  return { ...written, publicFile, fingerprint: lineageKeyFingerprint(publicKeyOf(privateKey)) }
})

/** The signing key in `file`, refused when readable by others or not an Ed25519 private key. */
export const loadLineageSigningKey = Effect.fn("loadLineageSigningKey")(function* (file: string) {
  const text = yield* readOwnerOnlyFile(file, "--lineage-key-file", CREATE)
  const privateKey = yield* Effect.try({
    try: () => createPrivateKey(text),
    catch: () =>
      new UsageError({
        message: `key file ${file} is not a lineage signing key (a PEM private key)`,
        nextAction: `pass the private half written by \`${CREATE}\` (not its .pub)`
      })
  })
  if (privateKey.asymmetricKeyType !== "ed25519") {
    return yield* new UsageError({
      message: `key file ${file} is a ${privateKey.asymmetricKeyType} key, not an Ed25519 lineage signing key`,
      nextAction: `create one with \`${CREATE}\``
    })
  }
  return { privateKey, publicKey: publicKeyOf(privateKey) } satisfies LineageSigningKey
})
