/**
 * `wsd run`: the nightly batch, with its production services wired here in
 * one place: the key, the run log, progress, the output area's file system,
 * lock and lineage logs. Progress follows where stderr goes (a live line on a
 * terminal, log lines in a cron mail or the journal).
 */
import * as path from "node:path"
import { Console, Effect, Layer, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { LineageLog } from "../governance/lineageLog.js"
import { ExtractReaders } from "../ingest/extractReaders.js"
import { OpenLineageLog } from "../governance/openLineageLog.js"
import { makeRunId, nightlyRun } from "../nightly/nightlyRun.js"
import type { RunOptions } from "../nightly/prepareRun.js"
import { Progress } from "../services/progress.js"
import { publicationArea } from "../services/publication.js"
import { PseudonymKey } from "../services/pseudonymKey.js"
import { RunLock } from "../services/runLock.js"
import { RunLog } from "../services/runLog.js"
import { FileSystem } from "../services/fileSystem.js"
import { type StderrConsole, stderrConsole } from "../services/stderrConsole.js"
import { Warehouse } from "../warehouse/engines.js"
import { asOfFlag, lineageKeyFile, quiet, resolveAsOf } from "./flags.js"

/** Off a terminal, seconds between progress lines: a few a minute in a cron mail or the journal. */
export const PROGRESS_EVERY_SECONDS = 30

const progressEvery = Flag.Int("progress-every").pipe(
  Flag.withDescription("Off a terminal, log progress every SECONDS (0: every batch of rows)"),
  Flag.withDefault(PROGRESS_EVERY_SECONDS)
)

/**
 * Progress as the run's stderr allows: a live line on a terminal, log lines
 * every `everySeconds` off one (cron), nothing with --quiet.
 */
const progressLayer = (stderr: StderrConsole, quiet: boolean, everySeconds: number) => {
  if (quiet) return Progress.none
  return stderr.live ? Progress.onTerminal(stderr) : Progress.asLogLines(everySeconds * 1000)
}

/** Runs the batch with the production key, log and progress services. */
export const runNightly = (
  options: Omit<RunOptions, "runId"> & {
    readonly keyFile: string
    readonly lineageKeyFile?: string | undefined
    readonly warehouse?: string | undefined
    readonly quiet: boolean
    readonly progressEverySeconds: number
  }
) =>
  Effect.gen(function* () {
    const runId = yield* makeRunId
    const area = publicationArea(options.out)
    const { lineageDir, lockFile, logsDir, stateDir } = area
    const logFile = path.join(logsDir, `${runId}.jsonl`)
    const stderr = stderrConsole()
    const log = RunLog.toFile(logFile, options.quiet ? undefined : stderr)
    const result = yield* nightlyRun({ ...options, runId }).pipe(
      Effect.provide(
        Layer.mergeAll(
          PseudonymKey.fromFile(options.keyFile),
          ExtractReaders.layer,
          Warehouse.layer(options.warehouse),
          Layer.provideMerge(
            Layer.mergeAll(
              progressLayer(stderr, options.quiet, options.progressEverySeconds),
              OpenLineageLog.layer(lineageDir, runId),
              LineageLog.layer(area, options.lineageKeyFile),
              RunLock.layer(lockFile, stateDir)
            ),
            Layer.merge(log, FileSystem.layer(stateDir))
          )
        )
      )
    )
    const residents = result.lineage.spine["residents"]
    const segments = Object.entries(result.lineage.segments)
      .map(([segment, n]) => `${segment} ${n}`)
      .join(", ")
    yield* Console.log(`published run ${result.runId} to ${options.out}: ${residents} residents (${segments})`)
    for (const input of result.lineage.inputs) {
      yield* Console.log(
        `  ${input.source.padEnd(22)} ${input.status.padEnd(7)} read ${input.rows_read}, accepted ${input.rows_accepted}, quarantined ${input.rows_quarantined}`
      )
    }
  })

export const run = Command.make(
  "run",
  {
    inbox: Flag.String("inbox").pipe(
      Flag.withDescription("Folder holding the night's extracts, one <source>.csv each")
    ),
    out: Flag.String("out").pipe(Flag.withDescription("Where to publish (wsd makes it a link to the latest release)")),
    keyFile: Flag.String("key-file").pipe(Flag.withDescription("Pseudonymisation key file (hex, mode 0600)")),
    asOf: asOfFlag("The night to run for (default: the night a `wsd synth` inbox was written for, else today)"),
    config: Flag.String("config").pipe(
      Flag.withDescription("JSON configuration overriding the defaults"),
      Flag.optional
    ),
    lineageKeyFile,
    reinitialiseLineage: Flag.Boolean("reinitialise-lineage").pipe(
      Flag.withDescription(
        "Start the lineage log again when it is missing, cut back or rewritten since its last head (the old log is set aside; recorded in lineage)"
      ),
      Flag.withDefault(false)
    ),
    rotateKey: Flag.Boolean("rotate-key").pipe(
      Flag.withDescription("Accept a key that differs from the last run's (every pseudonym changes)"),
      Flag.withDefault(false)
    ),
    reidKeyFile: Flag.String("reid-key-file").pipe(
      Flag.withDescription(
        "A separate key (hex, mode 0600) to seal the re-identification store for direct care with; none is written without it"
      ),
      Flag.optional
    ),
    warehouse: Flag.String("warehouse").pipe(
      Flag.withDescription(
        "Publish the warehouse on PostgreSQL instead of as warehouse.sqlite: postgres://user@host:port/db[?schema=wsd] (password from PGPASSWORD or ~/.pgpass)"
      ),
      Flag.optional
    ),
    acceptVolumeChange: Flag.String("accept-volume-change").pipe(
      Flag.withDescription(
        "A source whose rows may fall or rise tonight beyond the limits against the last published run (repeat for several; recorded in lineage)"
      ),
      Flag.atLeast(0),
      // Marks it optional in the help: a flag that may repeat zero times is not required.
      Flag.withDefault([])
    ),
    group: Flag.String("group").pipe(
      Flag.withDescription(
        "The group whose members may read the publication (releases 0750/0640; the state area's secure parts stay the owner's); overrides publicationGroup in --config"
      ),
      Flag.optional
    ),
    quiet,
    progressEvery
  },
  (flags) =>
    Effect.flatMap(resolveAsOf(flags.asOf, { inbox: flags.inbox, quiet: flags.quiet }), (asOf) =>
      runNightly({
        inbox: flags.inbox,
        out: flags.out,
        keyFile: flags.keyFile,
        lineageKeyFile: Option.getOrUndefined(flags.lineageKeyFile),
        reinitialiseLineage: flags.reinitialiseLineage,
        asOf,
        configFile: Option.getOrUndefined(flags.config),
        rotateKey: flags.rotateKey,
        reidentificationKeyFile: Option.getOrUndefined(flags.reidKeyFile),
        warehouse: Option.getOrUndefined(flags.warehouse),
        acceptVolumeChange: flags.acceptVolumeChange,
        group: Option.getOrUndefined(flags.group),
        quiet: flags.quiet,
        progressEverySeconds: flags.progressEvery
      })
    )
).pipe(Command.withDescription("Run the nightly batch: validate, pseudonymise, link, load and publish"))
