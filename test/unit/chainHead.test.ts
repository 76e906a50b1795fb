import { generateKeyPairSync } from "node:crypto"
import { describe, expect, it } from "vitest"
import { chainBreaksHead, type HeadFields, headSignature, publicKeyOf, signedHead } from "../../transforms/chainHead.js"

const { privateKey } = generateKeyPairSync("ed25519")
const key = { privateKey, publicKey: publicKeyOf(privateKey) }
const fields: HeadFields = {
  index: 2,
  sha256: "b".repeat(64),
  run_id: "20261120T020000000Z-0002",
  published_run: "20261120T020000000Z-0002",
  key_fingerprint: "0123456789abcdef"
}
const chain = [{ sha256: "a".repeat(64) }, { sha256: "b".repeat(64) }]

describe("signed chain heads", () => {
  it("verify with the public key they carry, and not once any signed field changes", () => {
    const head = signedHead(fields, key)
    expect(headSignature(head)).toBe("valid")
    for (const edit of [{ index: 1 }, { sha256: "c".repeat(64) }, { published_run: null }, { key_fingerprint: "f" }]) {
      expect(headSignature({ ...head, ...edit })).toBe("invalid")
    }
    const other = generateKeyPairSync("ed25519").privateKey
    expect(headSignature({ ...head, public_key: publicKeyOf(other) })).toBe("invalid")
    expect(headSignature(signedHead(fields, undefined))).toBe("unsigned")
  })

  it("say whether a chain still extends them: cut back, rewritten, or going on", () => {
    const head = signedHead(fields, undefined)
    expect(chainBreaksHead(chain, head, "the kept head")).toBeUndefined()
    expect(chainBreaksHead([...chain, { sha256: "c".repeat(64) }], head, "the kept head")).toBeUndefined()
    expect(chainBreaksHead(chain.slice(0, 1), head, "the kept head")).toBe(
      "holds 1 entry but the kept head is entry 2 (run 20261120T020000000Z-0002): entries were removed from its end"
    )
    expect(chainBreaksHead([chain[0]!, { sha256: "d".repeat(64) }], head, "the kept head")).toContain(
      "holds at entry 2 another entry than the kept head recorded"
    )
  })
})
