import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { generateKeyFile, loadKeyFile } from "../../pipelines/services/pseudonymKey.js"

const keyDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "wsd-key-"))
const writeKey = (text: string, mode: number) => {
  const file = path.join(keyDir(), "key")
  fs.writeFileSync(file, text, { mode })
  fs.chmodSync(file, mode)
  return file
}

describe("the pseudonymisation key file", () => {
  it.effect("keygen writes 32 random bytes as hex, owner-only, and never overwrites", () =>
    Effect.gen(function* () {
      const file = path.join(keyDir(), "key")
      const { mode } = yield* generateKeyFile(file)
      assert.strictEqual(mode, 0o600)
      assert.match(fs.readFileSync(file, "utf8"), /^[0-9a-f]{64}\n$/)
      const loaded = yield* loadKeyFile(file, "--key-file")
      assert.strictEqual(Redacted.value(loaded.key).length, 32)
      const again = yield* Effect.flip(generateKeyFile(file))
      assert.include(again.message, "never overwritten")
    })
  )

  it.effect("refuses a missing key", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(loadKeyFile(path.join(keyDir(), "absent"), "--key-file"))
      assert.strictEqual(error._tag, "UsageError")
      assert.include(error.message, "cannot be read")
    })
  )

  it.effect("refuses a key readable by the group or others", () =>
    Effect.gen(function* () {
      for (const mode of [0o640, 0o604, 0o644]) {
        const error = yield* Effect.flip(loadKeyFile(writeKey("ab".repeat(32), mode), "--key-file"))
        assert.include(error.message, "readable by other users")
        assert.include(error.nextAction, "chmod 600")
      }
    })
  )

  it.effect("refuses a short key and text that is not hex", () =>
    Effect.gen(function* () {
      assert.include(
        (yield* Effect.flip(loadKeyFile(writeKey("ab".repeat(31), 0o600), "--key-file"))).message,
        "fewer than 32 bytes"
      )
      assert.include(
        (yield* Effect.flip(loadKeyFile(writeKey("not a key", 0o600), "--key-file"))).message,
        "not hexadecimal"
      )
    })
  )

  it.effect("never shows the key when printed", () =>
    Effect.gen(function* () {
      const hex = "cd".repeat(32)
      const loaded = yield* loadKeyFile(writeKey(hex, 0o600), "--key-file")
      assert.notInclude(String(loaded.key), "cdcd")
      assert.notInclude(JSON.stringify(loaded), "205,205")
      assert.strictEqual(loaded.fingerprint.length, 16)
    })
  )
})
