/**
 * The run's log: one structured JSON line per event (pino) in the run's log
 * file, and a short readable line on stderr for the person at the terminal.
 *
 * Fields are counts, durations and the project's own labels (source and stage
 * names, reason codes): the type admits no free text from an extract, and the
 * identifier scan in the test suite checks the log files as well.
 */
import { mkdirSync } from "node:fs"
import * as path from "node:path"
import { Context, Effect, Layer } from "effect"
import pino from "pino"

export type LogFields = Readonly<Record<string, number | string | boolean>>

export interface RunLogService {
  readonly info: (event: string, fields?: LogFields) => Effect.Effect<void>
  readonly warn: (event: string, fields?: LogFields) => Effect.Effect<void>
}

const readable = (event: string, fields: LogFields | undefined): string =>
  [event, ...Object.entries(fields ?? {}).map(([name, value]) => `${name}=${value}`)].join(" ")

export class RunLog extends Context.Service<RunLog, RunLogService>()("wsd/pipelines/RunLog") {
  /** JSON lines to `file`, and readable lines to stderr unless `quiet`. */
  static readonly toFile = (file: string, options: { readonly quiet: boolean }) =>
    Layer.effect(
      RunLog,
      Effect.acquireRelease(
        Effect.sync(() => {
          mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
          return pino(
            { base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
            pino.destination({ dest: file, sync: true, mode: 0o640 })
          )
        }),
        (logger) => Effect.sync(() => logger.flush())
      ).pipe(
        Effect.map((logger) => {
          const write = (level: "info" | "warn") => (event: string, fields?: LogFields) =>
            Effect.sync(() => {
              try {
                logger[level]({ event, ...fields })
              } catch (error) {
                // A full disk fails the write to the open log: say which file it was.
                ;(error as NodeJS.ErrnoException).path ??= file
                throw error
              }
              if (!options.quiet)
                process.stderr.write(`wsd ${level === "warn" ? "warning: " : ""}${readable(event, fields)}\n`)
            })
          return RunLog.of({ info: write("info"), warn: write("warn") })
        })
      )
    )

  /** Collects readable lines in memory, for tests. */
  static readonly memory = (lines: Array<string>) =>
    Layer.succeed(
      RunLog,
      RunLog.of({
        info: (event, fields) => Effect.sync(() => void lines.push(readable(event, fields))),
        warn: (event, fields) => Effect.sync(() => void lines.push(`warning: ${readable(event, fields)}`))
      })
    )
}
