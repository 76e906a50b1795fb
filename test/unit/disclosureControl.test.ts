import { describe, expect, it } from "vitest"
import { controlBcf } from "../../transforms/aggregateOutputs.js"
import {
  controlCost,
  controlCount,
  controlledInterval,
  controlledRate,
  controlledText,
  controlLinkedCounts,
  countRange,
  DEFAULT_DISCLOSURE_RULES,
  formatControlledCount
} from "../../transforms/disclosureControl.js"

const rules = DEFAULT_DISCLOSURE_RULES

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

  it("says which exact counts a published count stands for", () => {
    expect(countRange(0, rules)).toEqual([0, 0])
    expect(countRange(10, rules)).toEqual([8, 12])
    expect(countRange(15, rules)).toEqual([13, 17])
    expect(countRange(40, { suppressBelow: 8, roundTo: 10 })).toEqual([35, 44])
    expect(countRange(13, { suppressBelow: 8, roundTo: 1 })).toEqual([13, 13])
  })
})

describe("rates from controlled counts", () => {
  it("carry no more precision than their counts", () => {
    // 15 is 13–17 and 35 is 33–37: anything from 35,135 to 51,515 per 100,000.
    expect(controlledRate(15, 35, 100000, rules)).toBe(43000)
    expect(controlledRate(1030, 19405, 100000, rules)).toBe(5310)
    expect(controlledRate(100, 110, 100, rules)).toBe(91)
    expect(controlledRate(10, 10, 100, rules)).toBe(100)
    expect(controlledRate(0, 20, 100000, rules)).toBe(0)
    // Unrounded counts carry a rate to one decimal.
    expect(controlledRate(13, 35, 100, { suppressBelow: 8, roundTo: 1 })).toBe(37.1)
  })

  it("cannot be worked out where a count is suppressed or the base is 0", () => {
    expect(controlledRate(null, 35, 100, rules)).toBeNull()
    expect(controlledRate(15, null, 100, rules)).toBeNull()
    expect(controlledRate(0, 0, 100, rules)).toBeNull()
  })

  it("give back nothing of the exact counts: every pair the published counts stand for publishes the same row", () => {
    // The BCF rows: 5297.3 gave back 1028 of 19406, 88.7 gave back 47 of 53.
    for (const [numerator, denominator, per] of [
      [1028, 19406, 100000],
      [47, 53, 100]
    ] as const) {
      const published = controlBcf([{ metric: "m", numerator, denominator, per }], rules)[0]!
      const [nLow, nHigh] = countRange(published.numerator!, rules)
      const [dLow, dHigh] = countRange(published.denominator!, rules)
      const rows = new Set<string>()
      for (let n = nLow; n <= nHigh; n++) {
        for (let d = dLow; d <= dHigh; d++) {
          rows.add(JSON.stringify(controlBcf([{ metric: "m", numerator: n, denominator: d, per }], rules)))
        }
      }
      expect(rows.size, `${numerator} of ${denominator}`).toBe(1)
    }
  })
})

describe("costs", () => {
  it.each([
    [0, 0],
    [400, 0],
    [800, 1000],
    [20450.6, 20000],
    [34886, 35000],
    [2345678, 2300000]
  ])("£%d → £%d: the nearest £1,000, or two significant figures where that is coarser", (gbp, shown) =>
    expect(controlCost(gbp)).toBe(shown)
  )
})

describe("intervals from controlled counts", () => {
  it("holds every exact pair of counts the published ones can stand for, by the Wilson bound", () => {
    const wilsonHolds = (linked: number, records: number, [low, high]: readonly [number, number]) => {
      const rate = (100 * linked) / records
      return low <= rate && rate <= high
    }
    for (const [linked, records] of [
      [20, 25],
      [95, 100],
      [0, 10],
      [10, 10]
    ] as const) {
      const interval = controlledInterval(linked, records, rules)!
      const [linkedLow, linkedHigh] = countRange(linked, rules)
      const [recordsLow, recordsHigh] = countRange(records, rules)
      for (let l = linkedLow; l <= linkedHigh; l++)
        for (let r = Math.max(recordsLow, l); r <= recordsHigh; r++) expect(wilsonHolds(l, r, interval)).toBe(true)
    }
    expect(controlledInterval(20, 25, rules)).toEqual([47, 100])
  })

  it("is too few to compare where a count is suppressed or nothing was counted", () => {
    expect(controlledInterval(null, 25, rules)).toBeNull()
    expect(controlledInterval(5, null, rules)).toBeNull()
    expect(controlledInterval(0, 0, rules)).toBeNull()
  })
})

describe("figures in free text", () => {
  it("are published as controlled counts, shares withheld", () => {
    expect(controlledText("3 of 40 rows quarantined (7.5%, threshold 5%); 0 duplicates, 12 stale")).toBe(
      "[suppressed] of 40 rows quarantined ([share withheld], threshold [share withheld]); 0 duplicates, 10 stale"
    )
  })

  it("leave paths, dates, times, run ids, versions and codes as they are", () => {
    const text =
      "cannot write /data/2026/out.7 at 2026-11-19T02:30:00.123Z in run 20261120T023000123Z-3f9a (rules v1, 1.5.3, SHA-256, ENOSPC)"
    expect(controlledText(text)).toBe(text)
  })
})

describe("secondary suppression across chained totals", () => {
  it("sees a hidden total pinned by a margin below it whose one unbounded cell is hidden", () => {
    // 20 read = accepted + 1 quarantined; accepted = 0 + 18 + 1 linked: shown 20 and 18, each hidden cell is at
    // least 1, so accepted would be 19 exactly. An unbounded cell once took its own bound off the others' and lost this.
    const counts = new Map([
      ["read", 20],
      ["accepted", 19],
      ["quarantined", 1],
      ["outcome a", 0],
      ["outcome b", 18],
      ["outcome c", 1]
    ])
    const controlled = controlLinkedCounts(
      counts,
      [
        { total: "read", cells: ["accepted", "quarantined"] },
        { total: "accepted", cells: ["outcome a", "outcome b", "outcome c"] }
      ],
      { suppressBelow: 8, roundTo: 1 }
    )
    const hidden = [...controlled].filter(([, cell]) => cell.suppressed).map(([key]) => key)
    expect(hidden).toEqual(["read", "accepted", "quarantined", "outcome b", "outcome c"])
  })
})
