/**
 * The run report's source profiles, tallied from records as they are loaded:
 * the same counts as `count(field)` and a month's `count(*)` over the
 * warehouse table would give (test/e2e/report.test.ts checks them against it).
 */
import { describe, expect, it } from "vitest"
import { SOURCE_PROFILES } from "../../schemas/sourceProfiles.js"
import { sourceProfileTallies } from "../../transforms/sourceProfileTally.js"

const WINDOW = { start: "2025-11-21", end: "2026-11-20" }

describe("sourceProfileTallies", () => {
  it("counts rows, the fields that are not empty, and records per month inside the window only", () => {
    const tallies = sourceProfileTallies(WINDOW)
    const gp = tallies.tallyOf("gp_event")!
    for (const [event_date, value] of [
      ["2025-11-20", 1.5], // the day before the window: a row, in no month
      ["2025-11-21", null], // the window's first day
      ["2026-02-28", 0], // zero is a value
      ["2026-02-01", undefined], // stored as null
      ["2026-11-20", 2], // the as-of date
      ["2026-11-21", 3] // after it
    ] as const) {
      gp.observe({ source_row: 1, person_id: null, practice_code: "F84001", snomed_code: "1", event_date, value })
    }
    const [profile] = tallies.counts()
    expect(profile).toEqual({
      source: "gp_events",
      rows: 6,
      fields: [
        { field: "practice_code", non_null: 6 },
        { field: "snomed_code", non_null: 6 },
        { field: "event_date", non_null: 6 },
        { field: "value", non_null: 4 }
      ],
      months: [
        { month: "2025-11", records: 1 },
        { month: "2026-02", records: 2 },
        { month: "2026-11", records: 1 }
      ]
    })
  })

  it("gives every profiled source in the report's order, a source nothing was loaded for as zeros", () => {
    const counts = sourceProfileTallies(WINDOW).counts()
    expect(counts.map((profile) => profile.source)).toEqual(SOURCE_PROFILES.map((profile) => profile.source))
    const education = counts.find((profile) => profile.source === "education")!
    expect(education.rows).toBe(0)
    expect(education.months).toEqual([])
    expect(education.fields.every((field) => field.non_null === 0)).toBe(true)
  })
})
