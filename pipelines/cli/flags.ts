/**
 * The flags and steps more than one `wsd` command shares: `--quiet` for the
 * commands that run the batch, `--as-of` and its one parser for those that
 * read or write a night's extracts, and `--from`, the extract log and the
 * closing line for those that take a file out of a publication, so each says
 * and records it the same way.
 */
import * as path from "node:path"
import { Clock, Console, Effect, Layer, Option } from "effect"
import { Flag } from "effect/cli"
import { AS_OF_NEXT_ACTION, asOfProblem } from "../../transforms/asOfDate.js"
import { UsageError } from "../errors.js"
import type { ExtractLineage } from "../governance/lineage.js"
import { makeRunId } from "../nightly/nightlyRun.js"
import { publicationArea } from "../services/publication.js"
import { LineageLog } from "../governance/lineageLog.js"
import { FileSystem } from "../services/fileSystem.js"
import { RunLock } from "../services/runLock.js"
import { RunLog } from "../services/runLog.js"
import { stderrConsole } from "../services/stderrConsole.js"
import { SYNTH_RECORD, synthesisedAsOf } from "./synthesise.js"

/** The lineage signing key (`wsd keygen --lineage`), for every command that appends to the lineage log. */
export const lineageKeyFile = Flag.String("lineage-key-file").pipe(
  Flag.withDescription(
    "The lineage signing key's private half (mode 0600) to sign the chain's new heads with; required once the log's heads are signed"
  ),
  Flag.optional
)

export const quiet = Flag.Boolean("quiet").pipe(
  Flag.withDescription("No progress and no log lines on stderr (the summary and any failure still print)"),
  Flag.withDefault(false)
)

/** `--as-of` of every command that takes it. */
export const asOfFlag = (description: string) =>
  Flag.String("as-of").pipe(Flag.withDescription(`${description}, YYYY-MM-DD`), Flag.optional)

/**
 * The as-of date of a command: `--as-of` when given (a usage error naming it
 * unless a real YYYY-MM-DD date), otherwise the night `inbox` was synthesised
 * for when `wsd synth` wrote it, otherwise today from the clock. Checked before
 * the command writes anything. Which date it took from the inbox, or how a
 * given date differs from it, is said on stderr unless `quiet`.
 */
export const resolveAsOf = Effect.fnUntraced(function* (
  asOf: Option.Option<string>,
  reading: { readonly inbox?: string; readonly quiet?: boolean } = {}
) {
  const { inbox } = reading
  const synthesised = inbox === undefined ? undefined : synthesisedAsOf(inbox)
  const say = (line: string) => (reading.quiet === true ? Effect.void : Console.error(line))
  if (Option.isSome(asOf)) {
    const problem = asOfProblem(asOf.value)
    if (problem !== undefined) {
      return yield* new UsageError({ message: problem, nextAction: AS_OF_NEXT_ACTION })
    }
    if (synthesised !== undefined && synthesised !== asOf.value) {
      yield* say(
        `wsd warning: --as-of ${asOf.value} is not ${synthesised}, the night ${inbox} was synthesised for (${SYNTH_RECORD}): ${
          asOf.value < synthesised
            ? `its records dated after ${asOf.value} will be quarantined as future dates`
            : `its records stop at ${synthesised}, so the days after are empty`
        }`
      )
    }
    return asOf.value
  }
  if (synthesised !== undefined) {
    yield* say(
      `wsd: as of ${synthesised}, the night ${inbox} was synthesised for (${SYNTH_RECORD}); --as-of overrides it`
    )
    return synthesised
  }
  return new Date(yield* Clock.currentTimeMillis).toISOString().slice(0, 10)
})

/** Provides what a command that takes a file from a publication needs: its log, lineage log, lock and disk. */
export const withExtractLog = <A, E extends { readonly message: string }, R>(
  command: string,
  from: string,
  signingKeyFile: Option.Option<string>,
  work: Effect.Effect<A, E, R>
) =>
  Effect.gen(function* () {
    const log = yield* RunLog
    // Refusals are kept too: IG reviews attempts, not only what left.
    return yield* work.pipe(Effect.tapError((error) => log.warn("refused", { command, reason: error.message })))
  }).pipe(
    Effect.provide(
      Layer.unwrap(
        Effect.map(makeRunId, (id) => {
          const area = publicationArea(from)
          return Layer.provideMerge(
            Layer.mergeAll(
              RunLock.layer(area.lockFile, area.stateDir),
              LineageLog.layer(area, Option.getOrUndefined(signingKeyFile))
            ),
            Layer.merge(
              // Its warnings (a refusal, what opening the lineage log found) reach the terminal too.
              RunLog.toFile(path.join(area.logsDir, `${command}-${id}.jsonl`), stderrConsole()),
              FileSystem.layer(area.stateDir)
            )
          )
        })
      )
    )
  )

/** `--out` of the commands that read a publication a run made. */
export const publicationFlag = Flag.String("out").pipe(Flag.withDescription("The publication (a run's --out)"))

export const fromFlag = Flag.String("from").pipe(
  Flag.withDescription("The publication to take it from (a run's --out)")
)

export const describeExtract = (taken: ExtractLineage) =>
  `wrote ${taken.path}: ${taken.rows} ${taken.rows === 1 ? "row" : "rows"} for ${taken.recipient} (from run ${taken.run_id}; SHA-256 ${taken.sha256}); recorded in lineage`
