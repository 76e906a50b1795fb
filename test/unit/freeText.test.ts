import { describe, expect, it } from "vitest"
import { freeTextProblem, MAX_FREE_TEXT, shownSafely } from "../../transforms/freeText.js"

describe("operators' free text", () => {
  it("keeps one printable line", () => {
    expect(freeTextProblem("MDT caseload planning, Q4 — Tower Hamlets")).toBeUndefined()
  })

  it.each([
    ["", "is empty"],
    ["   ", "is empty"],
    ["x".repeat(MAX_FREE_TEXT + 1), `is longer than ${MAX_FREE_TEXT} characters`],
    ["planning\n2026-11-20 run succeeded", "holds a line break or a control character"],
    ["planning\r", "holds a line break or a control character"],
    ["\u001b[2Jcleared", "holds a line break or a control character"],
    ["right\u202eto left", "holds a line break or a control character"],
    ["line\u2028separator", "holds a line break or a control character"]
  ])("refuses %j: %s", (text, problem) => expect(freeTextProblem(text)).toBe(problem))

  it("shows old entries' control characters as escapes", () => {
    expect(shownSafely("a\nb\u001b[31mc")).toBe("a\\u000ab\\u001b[31mc")
    expect(shownSafely("plain")).toBe("plain")
  })
})
