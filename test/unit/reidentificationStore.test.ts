import { describe, expect, it } from "vitest"
import { openStore, sealStore } from "../../transforms/reidentificationStore.js"

const key = new Uint8Array(32).fill(7)
const iv = new Uint8Array(12).fill(1)
const mapping = new Map([
  ["c7157bf56e9c245369f1cc866e173a24", "9434765919"],
  ["0f1e2d3c4b5a69788796a5b4c3d2e1f0", "4010232137"]
])

describe("re-identification store", () => {
  it("opens with its own key to the mapping it sealed", () => {
    const store = sealStore(key, "fp", "run-1", mapping, iv)
    expect(openStore(key, store)).toEqual(mapping)
  })

  it("holds no NHS number in the clear", () => {
    const text = JSON.stringify(sealStore(key, "fp", "run-1", mapping, iv))
    for (const nhsNumber of mapping.values()) expect(text).not.toContain(nhsNumber)
  })

  it("refuses any other key, an altered store and a store passed off as another run's", () => {
    const store = sealStore(key, "fp", "run-1", mapping, iv)
    expect(openStore(new Uint8Array(32).fill(8), store)).toBeUndefined()
    const flipped = Buffer.from(store.ciphertext, "base64")
    flipped[0] = flipped[0]! ^ 1
    expect(openStore(key, { ...store, ciphertext: flipped.toString("base64") })).toBeUndefined()
    expect(openStore(key, { ...store, run_id: "run-2" })).toBeUndefined()
  })
})
