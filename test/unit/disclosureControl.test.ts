import { describe, expect, it } from "vitest"
import { controlCount, formatControlledCount } from "../../transforms/disclosureControl.js"

describe("disclosure control (suppress 1–7, round to 5)", () => {
  it.each([
    [0, "0"],
    [1, "[suppressed]"],
    [7, "[suppressed]"],
    [8, "10"],
    [12, "10"],
    [13, "15"],
    [102, "100"]
  ])("%i → %s", (count, shown) => expect(formatControlledCount(count)).toBe(shown))

  it("marks suppression rather than showing zero", () => {
    expect(controlCount(3)).toEqual({ suppressed: true })
  })
})
