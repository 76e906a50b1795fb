import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { parseExtractDate } from "../../schemas/fields/extractDate.js"

const calendarDate = fc.date({
  min: new Date("1850-01-01T00:00:00Z"),
  max: new Date("2099-12-31T00:00:00Z"),
  noInvalidDate: true
})

describe("date parsing properties", () => {
  it("reads every calendar date the same in both accepted formats", () => {
    fc.assert(
      fc.property(calendarDate, (date) => {
        const iso = date.toISOString().slice(0, 10)
        const [y, m, d] = iso.split("-")
        expect(parseExtractDate(iso)).toBe(iso)
        expect(parseExtractDate(`${d}/${m}/${y}`)).toBe(iso)
      })
    )
  })

  it("never accepts a day past the end of its month", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2099 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
        const mm = String(month).padStart(2, "0")
        expect(parseExtractDate(`${year}-${mm}-${daysInMonth}`)).toBeDefined()
        expect(parseExtractDate(`${year}-${mm}-${daysInMonth + 1}`)).toBeUndefined()
      })
    )
  })
})
