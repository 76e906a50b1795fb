/**
 * Progress on long work, three ways. On a terminal: a live line per task,
 * redrawn in place at most every 200 ms (rows, rows/s and, reading a file,
 * how far through it is and the time left). Off a terminal (cron): a
 * structured `progress` line in the run log every so often instead. With
 * `--quiet`: nothing.
 *
 * Work reports by batch, never by row: `advance` takes running totals and
 * does nothing until the interval has passed, so it costs a clock read per
 * batch. Time comes from the Clock service.
 */
import { Clock, Context, Effect, Layer } from "effect"
import { progressFields, progressLine, type ProgressSnapshot } from "../../transforms/progressMeasure.js"
import type { PublicationError } from "../errors.js"
import { RunLog } from "./runLog.js"
import type { StderrConsole } from "./stderrConsole.js"

/** Running totals of a task: rows done, and bytes of its file read so far. */
export type Advance = (rows: number, bytes: number) => Effect.Effect<void, PublicationError>

export interface ProgressService {
  /** Runs `work`, which calls `advance` once per batch; `totalBytes` (a file's size) allows a percentage and ETA. */
  readonly track: <A, E, R>(
    task: string,
    totalBytes: number | undefined,
    work: (advance: Advance) => Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | PublicationError, R>
}

const idle: Advance = () => Effect.void

/** An `advance` that hands a snapshot to `show` when `everyMs` has passed since the last (or the start). */
const throttled = (
  task: string,
  totalBytes: number | undefined,
  everyMs: number,
  show: (snapshot: ProgressSnapshot) => Effect.Effect<void, PublicationError>
) =>
  Effect.map(Clock.currentTimeMillis, (startedAt): Advance => {
    let shownAt = startedAt
    return (rows, bytes) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        if (now - shownAt < everyMs) return Effect.void
        shownAt = now
        return show({ task, rows, bytes, totalBytes, elapsedMs: now - startedAt })
      })
  })

export class Progress extends Context.Service<Progress, ProgressService>()("wsd/pipelines/Progress") {
  static readonly none = Layer.succeed(Progress, Progress.of({ track: (_task, _totalBytes, work) => work(idle) }))

  /** A live status line on the terminal; a task inside another shows over it, and the outer one comes back after. */
  static readonly onTerminal = (console: StderrConsole, redrawEveryMs = 200) =>
    Layer.sync(Progress, () => {
      const open: Array<string> = []
      const show = (index: number, text: string) =>
        Effect.sync(() => {
          open[index] = text
          if (index === open.length - 1) console.status(text)
        })
      return Progress.of({
        track: (task, totalBytes, work) =>
          Effect.acquireUseRelease(
            Effect.sync(() => {
              open.push(`${task}…`)
              console.status(`${task}…`)
              return open.length - 1
            }),
            (index) =>
              Effect.flatMap(
                throttled(task, totalBytes, redrawEveryMs, (snapshot) => show(index, progressLine(snapshot))),
                work
              ),
            () =>
              Effect.sync(() => {
                open.pop()
                console.status(open.at(-1) ?? "")
              })
          )
      })
    })

  /** A `progress` line in the run log (and its readable copy on stderr) at most every `everyMs`. */
  static readonly asLogLines = (everyMs: number) =>
    Layer.effect(
      Progress,
      Effect.gen(function* () {
        const log = yield* RunLog
        return Progress.of({
          track: (task, totalBytes, work) =>
            Effect.flatMap(
              throttled(task, totalBytes, everyMs, (snapshot) => log.info("progress", progressFields(snapshot))),
              work
            )
        })
      })
    )
}
