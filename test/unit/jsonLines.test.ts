import { describe, expect, it } from "vitest"
import { parseJsonLines } from "../../transforms/jsonLines.js"

describe("a JSON-lines log as a crash can leave it", () => {
  it("reads whole lines", () => {
    expect(parseJsonLines('{"a":1}\n{"a":2}\n')).toEqual({
      values: [{ a: 1 }, { a: 2 }],
      completeBytes: 16,
      tornBytes: 0,
      corruptLine: undefined
    })
    expect(parseJsonLines("")).toMatchObject({ values: [], tornBytes: 0, corruptLine: undefined })
  })

  it.each([
    ["a last line with no line break", '{"a":1}\n{"a":', 5],
    ["a last line whole but for its line break", '{"a":1}\n{"a":2}', 7],
    ["a last line that is not JSON", '{"a":1}\n{"a":\u0000\u0000\n', 8]
  ])("takes %s as torn, after the lines before it", (_, text, torn) => {
    expect(parseJsonLines(text)).toEqual({
      values: [{ a: 1 }],
      completeBytes: 8,
      tornBytes: torn,
      corruptLine: undefined
    })
  })

  it("names a line that is not JSON before the last: no crash mid-append leaves that", () => {
    expect(parseJsonLines('{"a":1}\n{"a":\n{"a":3}\n')).toMatchObject({ values: [{ a: 1 }], corruptLine: 2 })
  })
})
