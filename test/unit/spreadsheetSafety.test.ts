import { describe, expect, it } from "vitest"
import { csvCell, csvLine, neutraliseCell } from "../../transforms/spreadsheetSafety.js"

describe("spreadsheet safety", () => {
  it.each([
    ['=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'],
    ["+44 20", "'+44 20"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ["\rcmd", "'\rcmd"],
    ["Bow PCN", "Bow PCN"],
    ["a=b", "a=b"]
  ])("%j → %j", (text, safe) => expect(neutraliseCell(text)).toBe(safe))

  it("leaves numbers as numbers, negative ones included", () => {
    expect(csvCell(-5)).toBe("-5")
    expect(csvCell(null)).toBe("")
  })

  it("quotes cells holding commas, quotes or line breaks", () => {
    expect(csvLine(["a,b", 'say "hi"', "=1,2", 3])).toBe('"a,b","say ""hi""","\'=1,2",3\r\n')
  })
})
