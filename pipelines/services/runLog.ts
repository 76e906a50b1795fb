/**
 * The run's log: one structured JSON line per event (pino) in the run's log
 * file, with its level by name (`info`, `warn`, `error`) and an ISO time, and
 * a short readable line on stderr for the person at the terminal or the mail
 * cron sends: `wsd stage done stage="load gp_events" rows_in=40 rows_out=39 ms=21`.
 *
 * Fields are counts, durations and the project's own labels (source and stage
 * names, reason codes): the type admits no free text from an extract, and the
 * identifier scan in the test suite checks the log files as well.
 */
import { mkdirSync } from "node:fs"
import * as path from "node:path"
import { Context, Effect, Layer } from "effect"
import pino from "pino"
import type { PublicationError } from "../errors.js"
import { writeFailure } from "./diskWrites.js"
import type { StderrConsole } from "./stderrConsole.js"

export type LogFields = Readonly<Record<string, number | string | boolean>>

type Level = "info" | "warn" | "error"

/** A line the disk refuses fails as a `PublicationError` naming the log file. */
export type RunLogService = Readonly<
  Record<Level, (event: string, fields?: LogFields) => Effect.Effect<void, PublicationError>>
>

/** `name=value`, the value quoted when it has spaces so each field reads as one. */
const readable = (event: string, fields: LogFields | undefined): string =>
  [
    event,
    ...Object.entries(fields ?? {}).map(
      ([name, value]) => `${name}=${typeof value === "string" && /\s/.test(value) ? JSON.stringify(value) : value}`
    )
  ].join(" ")

const LABELS: Readonly<Record<Level, string>> = { info: "", warn: "warning: ", error: "error: " }

export class RunLog extends Context.Service<RunLog, RunLogService>()("wsd/pipelines/RunLog") {
  /** JSON lines to `file`, and readable lines to `console` when there is one (none with --quiet). */
  static readonly toFile = (file: string, console: StderrConsole | undefined) =>
    Layer.effect(
      RunLog,
      Effect.acquireRelease(
        Effect.try({
          try: () => {
            mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
            return pino(
              {
                base: undefined,
                timestamp: pino.stdTimeFunctions.isoTime,
                formatters: { level: (label) => ({ level: label }) }
              },
              pino.destination({ dest: file, sync: true, mode: 0o640 })
            )
          },
          catch: writeFailure(file, path.dirname(path.dirname(file)))
        }),
        // The last lines are flushed if the disk still takes them.
        (logger) => Effect.ignore(Effect.try(() => logger.flush()))
      ).pipe(
        Effect.map((logger) => {
          const write = (level: Level) => (event: string, fields?: LogFields) =>
            Effect.try({
              try: () => {
                logger[level]({ event, ...fields })
                console?.line(`wsd ${LABELS[level]}${readable(event, fields)}`)
              },
              catch: writeFailure(file, path.dirname(path.dirname(file)))
            })
          return RunLog.of({ info: write("info"), warn: write("warn"), error: write("error") })
        })
      )
    )

  /** Collects readable lines in memory, for tests. */
  static readonly memory = (lines: Array<string>) =>
    Layer.succeed(
      RunLog,
      RunLog.of({
        info: (event, fields) => Effect.sync(() => void lines.push(readable(event, fields))),
        warn: (event, fields) => Effect.sync(() => void lines.push(`${LABELS.warn}${readable(event, fields)}`)),
        error: (event, fields) => Effect.sync(() => void lines.push(`${LABELS.error}${readable(event, fields)}`))
      })
    )
}
