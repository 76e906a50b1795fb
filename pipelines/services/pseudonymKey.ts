/**
 * The pseudonymisation key: read from a file the operator controls, refused
 * when missing, too short or readable by anyone but its owner, and carried as
 * a `Redacted` value so that it never prints. Only its fingerprint is recorded.
 */
import { randomBytes } from "node:crypto"
import * as fs from "node:fs/promises"
import { Context, Effect, Layer, Redacted } from "effect"
import { keyFingerprint, MIN_KEY_BYTES, parseKeyText } from "../../transforms/pseudonym.js"
import { UsageError } from "../errors.js"

export interface PseudonymKeyMaterial {
  readonly key: Redacted.Redacted<Uint8Array>
  readonly fingerprint: string
}

export class PseudonymKey extends Context.Service<PseudonymKey, PseudonymKeyMaterial>()("wsd/pipelines/PseudonymKey") {
  /** The key in `path`, checked as the identifier policy requires. */
  static readonly fromFile = (path: string) => Layer.effect(PseudonymKey, loadKeyFile(path, "--key-file"))

  /** A fixed key for tests. */
  static readonly fromHex = (hex: string) => Layer.effect(PseudonymKey, keyFromText(hex, "test key", "--key-file"))
}

/** `flag` names the option the key was given with, so the message points at the right one. */
const keyFromText = (text: string, path: string, flag: string, label = "pseudonymisation key") => {
  const parsed = parseKeyText(text)
  if (!parsed.ok) {
    return Effect.fail(
      new UsageError({
        message:
          parsed.problem === "too_short"
            ? `key file ${path} holds fewer than ${MIN_KEY_BYTES} bytes`
            : `key file ${path} is not hexadecimal text`,
        nextAction: `generate a key with \`wsd keygen --out FILE\` and pass it with ${flag}`
      })
    )
  }
  return Effect.succeed({
    key: Redacted.make(parsed.key, { label }),
    fingerprint: keyFingerprint(parsed.key)
  })
}

/**
 * A secret file's text, refused when it is not a regular file or is readable
 * by anyone but its owner; `flag` names the option it was given with and
 * `create` how to make one, for the message.
 */
export const readOwnerOnlyFile = Effect.fn("readOwnerOnlyFile")(function* (path: string, flag: string, create: string) {
  const stat = yield* Effect.tryPromise({
    try: () => fs.stat(path),
    catch: () =>
      new UsageError({
        message: `key file ${path} cannot be read`,
        nextAction: `check ${flag}, or generate a key with \`${create}\``
      })
  })
  if (!stat.isFile()) {
    return yield* new UsageError({ message: `key file ${path} is not a regular file`, nextAction: `check ${flag}` })
  }
  if ((stat.mode & 0o077) !== 0) {
    return yield* new UsageError({
      message: `key file ${path} is readable by other users (mode ${(stat.mode & 0o777).toString(8)})`,
      nextAction: `restrict it with \`chmod 600 ${path}\``
    })
  }
  return yield* Effect.tryPromise({
    try: () => fs.readFile(path, "utf8"),
    catch: () =>
      new UsageError({ message: `key file ${path} cannot be read`, nextAction: "check its owner and permissions" })
  })
})

/**
 * A key file, checked as the identifier policy requires; `flag` names the option it was given
 * with (`--key-file`, `--reid-key-file`) and `label` the key if it is ever printed.
 */
export const loadKeyFile = Effect.fn("loadKeyFile")(function* (path: string, flag: string, label?: string) {
  const text = yield* readOwnerOnlyFile(path, flag, "wsd keygen --out FILE")
  return yield* keyFromText(text, path, flag, label)
})

/** Creates `path` with `text` and `mode`, never over an existing file (a key is never overwritten). */
export const writeNewKeyFile = Effect.fn("writeNewKeyFile")(function* (path: string, text: string, mode: number) {
  yield* Effect.tryPromise({
    try: () => fs.writeFile(path, text, { mode, flag: "wx" }),
    catch: (error) =>
      new UsageError({
        message:
          (error as NodeJS.ErrnoException).code === "EEXIST"
            ? `${path} already exists; a key is never overwritten`
            : `cannot write key file ${path}`,
        nextAction: "choose a new path with --out"
      })
  })
  const stat = yield* Effect.promise(() => fs.stat(path))
  return { path, mode: stat.mode & 0o777 }
})

/** Writes a new random key as hex, owner-readable only; never overwrites a key. */
export const generateKeyFile = (path: string) =>
  writeNewKeyFile(path, `${randomBytes(MIN_KEY_BYTES).toString("hex")}\n`, 0o600)
