import { describe, expect, it } from "vitest"
import { measureProgress, progressFields, progressLine } from "../../transforms/progressMeasure.js"

describe("progress of a long task", () => {
  const reading = {
    task: "read gp_events",
    rows: 120_000,
    bytes: 62_000_000,
    totalBytes: 100_000_000,
    elapsedMs: 4_000
  }

  it("gives rows a second, the share of the file read and the time left at that pace", () => {
    expect(measureProgress(reading)).toEqual({ rowsPerSecond: 30_000, percent: 62, etaSeconds: 2 })
    expect(progressLine(reading)).toBe("read gp_events  120,000 rows  30,000 rows/s  62%  ETA 2s")
  })

  it("writes long waits in minutes and hours", () => {
    const slow = { ...reading, bytes: 10_000_000, elapsedMs: 60_000 }
    expect(progressLine(slow)).toContain("10%  ETA 9m 00s")
    expect(progressLine({ ...slow, elapsedMs: 900_000 })).toContain("ETA 2h 15m")
  })

  it("gives no percentage or time left where the total is unknown, and no rate before any time has passed", () => {
    const unknown = { ...reading, totalBytes: undefined }
    expect(measureProgress(unknown)).toEqual({ rowsPerSecond: 30_000, percent: undefined, etaSeconds: undefined })
    expect(progressLine(unknown)).toBe("read gp_events  120,000 rows  30,000 rows/s")
    expect(progressLine({ ...reading, rows: 0, bytes: 0, elapsedMs: 0 })).toBe("read gp_events  0 rows  0%")
  })

  it("gives the same as log fields", () => {
    expect(progressFields(reading)).toEqual({
      task: "read gp_events",
      rows: 120_000,
      bytes: 62_000_000,
      total_bytes: 100_000_000,
      rows_per_s: 30_000,
      percent: 62,
      eta_s: 2,
      elapsed_ms: 4_000
    })
  })
})
