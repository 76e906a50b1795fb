/**
 * The three ways progress shows, on the test clock: a live line on a terminal
 * redrawn at most every 200 ms and cleared when the task ends, log lines at
 * the interval off a terminal, and nothing with --quiet.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { Progress } from "../../pipelines/services/progress.js"
import { RunLog } from "../../pipelines/services/runLog.js"
import { type StderrConsole, stderrConsole } from "../../pipelines/services/stderrConsole.js"

/** A terminal that remembers every status line it was asked to show. */
const terminal = () => {
  const statuses: Array<string> = []
  const console: StderrConsole = { live: true, line: () => {}, status: (text) => void statuses.push(text) }
  return { statuses, console }
}

describe("progress", () => {
  it.effect("on a terminal: shows the task, redraws at most every 200 ms, and clears the line at the end", () => {
    const { console, statuses } = terminal()
    return Effect.gen(function* () {
      const { track } = yield* Progress
      yield* track("read gp_events", 1000, (advance) =>
        Effect.gen(function* () {
          yield* advance(4096, 100)
          yield* TestClock.adjust(150)
          yield* advance(8192, 200)
          yield* TestClock.adjust(1850)
          yield* advance(8192, 250)
        })
      )
      assert.deepStrictEqual(statuses, ["read gp_events…", "read gp_events  8,192 rows  4,096 rows/s  25%  ETA 6s", ""])
    }).pipe(Effect.provide(Progress.onTerminal(console)))
  })

  it.effect("on a terminal: brings the outer task's line back when an inner one ends", () => {
    const { console, statuses } = terminal()
    return Effect.gen(function* () {
      const { track } = yield* Progress
      yield* track("load gp_events", undefined, () => track("read gp_events", 10, () => Effect.void))
      assert.deepStrictEqual(statuses, ["load gp_events…", "read gp_events…", "load gp_events…", ""])
    }).pipe(Effect.provide(Progress.onTerminal(console)))
  })

  it.effect("off a terminal: one log line with the counts each time the interval has passed", () => {
    const lines: Array<string> = []
    return Effect.gen(function* () {
      const { track } = yield* Progress
      yield* track("read acute_activity", 2000, (advance) =>
        Effect.gen(function* () {
          yield* TestClock.adjust(5_000)
          yield* advance(4096, 500)
          yield* TestClock.adjust(3_000)
          yield* advance(8192, 1000)
          yield* TestClock.adjust(7_000)
          yield* advance(12288, 1500)
        })
      )
      assert.deepStrictEqual(lines, [
        'progress task="read acute_activity" rows=8192 bytes=1000 total_bytes=2000 rows_per_s=1024 percent=50 eta_s=8 elapsed_ms=8000',
        'progress task="read acute_activity" rows=12288 bytes=1500 total_bytes=2000 rows_per_s=819 percent=75 eta_s=5 elapsed_ms=15000'
      ])
    }).pipe(Effect.provide(Progress.asLogLines(7_000).pipe(Layer.provide(RunLog.memory(lines)))))
  })

  it.effect("with --quiet: runs the work and shows nothing", () =>
    Effect.gen(function* () {
      const { track } = yield* Progress
      const result = yield* track("read gp_events", 10, (advance) => Effect.as(advance(1, 1), "done"))
      assert.strictEqual(result, "done")
    }).pipe(Effect.provide(Progress.none))
  )
})

describe("stderr with a live line", () => {
  const stream = (isTTY: boolean) => {
    const written: Array<string> = []
    const fake = { isTTY, write: (chunk: string) => written.push(chunk) > 0 }
    return { written, stream: fake as unknown as NodeJS.WriteStream }
  }

  it("on a terminal, clears the live line before a finished line and draws it again beneath", () => {
    const { stream: tty, written } = stream(true)
    const stderr = stderrConsole(tty)
    stderr.line("wsd run started")
    stderr.status("read gp_events…")
    stderr.line("wsd source read source=practices")
    stderr.status("")
    assert.deepStrictEqual(written, [
      "wsd run started\n",
      "\r\x1b[2Kread gp_events…",
      "\r\x1b[2Kwsd source read source=practices\nread gp_events…",
      "\r\x1b[2K"
    ])
  })

  it("off a terminal, writes finished lines only", () => {
    const { stream: pipe, written } = stream(false)
    const stderr = stderrConsole(pipe)
    stderr.status("read gp_events…")
    stderr.line("wsd run started")
    assert.isFalse(stderr.live)
    assert.deepStrictEqual(written, ["wsd run started\n"])
  })
})
