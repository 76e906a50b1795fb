import { describe, expect, it } from "vitest"
import { DEFAULT_DISCLOSURE_RULES } from "../../transforms/disclosureControl.js"
import { publishedLog, publishedLogLine } from "../../transforms/publishedLog.js"

describe("the release's view of a run log", () => {
  it("controls every count, keeps times, sizes and durations, and leaves out rates of rows", () => {
    expect(
      publishedLogLine({
        level: "info",
        time: "2026-11-20T02:30:00.123Z",
        event: "progress",
        task: "read gp_events",
        rows: 12,
        bytes: 3,
        total_bytes: 6,
        percent: 50,
        rows_per_s: 120,
        eta_s: 1,
        elapsed_ms: 100
      })
    ).toEqual({
      level: "info",
      time: "2026-11-20T02:30:00.123Z",
      event: "progress",
      task: "read gp_events",
      rows: 10,
      bytes: 3,
      total_bytes: 6,
      percent: 50,
      eta_s: 1,
      elapsed_ms: 100
    })
  })

  it("controls a field it does not know, a share and free text, as a count until decided otherwise", () => {
    expect(
      publishedLogLine({
        event: "run failed",
        run_id: "20261120T023000123Z-3f9a",
        people: 3,
        share: 0.25,
        reason: "gp_events.csv: 3 of 40 rows quarantined (7.5%)",
        nested: { quarantined: [0, 2, 9] }
      })
    ).toEqual({
      event: "run failed",
      run_id: "20261120T023000123Z-3f9a",
      people: "[suppressed]",
      reason: "gp_events.csv: [suppressed] of 40 rows quarantined ([share withheld])",
      nested: { quarantined: [0, "[suppressed]", 10] }
    })
  })

  it("hides a count that secondary suppression hid where lineage publishes it", () => {
    const hidden = new Set([39])
    expect(
      publishedLogLine(
        { event: "source read", read: 40, accepted: 39, quarantined: 1 },
        { rules: DEFAULT_DISCLOSURE_RULES, hidden }
      )
    ).toEqual({ event: "source read", read: 40, accepted: "[suppressed]", quarantined: "[suppressed]" })
  })

  it("publishes each whole line of a log and leaves out a last line cut short", () => {
    expect(publishedLog('{"event":"source read","read":4}\n{"event":"stage done","rows_in":13}\n{"event":"st')).toBe(
      '{"event":"source read","read":"[suppressed]"}\n{"event":"stage done","rows_in":15}\n'
    )
  })
})
