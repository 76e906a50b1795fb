/**
 * The nightly batch: validate every extract, build the spine, pseudonymise and
 * link every record, load the warehouse, record lineage, publish atomically.
 *
 * A sequence of named steps, each in a module of its own: prepare
 * (`prepareRun.ts`), then under the output area's lock build the release
 * (`buildRelease.ts`: key, spine, warehouse, outputs, sealed lineage) and
 * publish it. Identifiers live only in this process's memory between reading
 * a row and curating it. The run either publishes a complete release or
 * leaves the previous publication as it was; either way its lineage entry is
 * appended, built by `runLineage.ts` from what the steps returned.
 */
import { Cause, Clock, Effect, Exit, Random, Ref } from "effect"
import { isoNow, type InputLineage, type RunLineage } from "../governance/lineage.js"
import { LineageLog } from "../governance/lineageLog.js"
import { endEvent, startEvent } from "../governance/openLineage.js"
import { OpenLineageLog } from "../governance/openLineageLog.js"
import { pruneStores } from "../governance/reidentification.js"
import { sourceReader } from "../ingest/sourceReader.js"
import { publishRelease, stagingRelease } from "../services/publication.js"
import { RunLock } from "../services/runLock.js"
import { RunLog } from "../services/runLog.js"
import { Warehouse } from "../warehouse/engines.js"
import { discardBuild, publishWarehouse } from "../warehouse/warehouse.js"
import { buildRelease } from "./buildRelease.js"
import { type PreparedRun, prepareRun, type RunOptions } from "./prepareRun.js"
import { type RunFacts, runLineage } from "./runLineage.js"
import { RunStages } from "./runStages.js"

export interface RunResult {
  readonly runId: string
  readonly release: string
  readonly lineage: RunLineage
}

/** A run id that sorts by start time: `20261120T020000123Z-3f9a`. */
export const makeRunId = Effect.gen(function* () {
  const now = yield* Clock.currentTimeMillis
  const suffix = yield* Random.nextIntBetween(0, 0xffff)
  const stamp = new Date(now).toISOString().replace(/[-:.]/g, "")
  return `${stamp}-${suffix.toString(16).padStart(4, "0")}`
})

export const nightlyRun = Effect.fn("nightlyRun")(
  function* (options: RunOptions) {
    const log = yield* RunLog
    const openLineage = yield* OpenLineageLog
    const prepared = yield* prepareRun(options)
    const { config } = prepared
    const endpoint = config.openLineageUrl
    const start = startEvent({ run_id: options.runId, started_at: prepared.startedAt, as_of: prepared.asOf })
    yield* openLineage.record(start)
    yield* openLineage.deliver(start, endpoint)
    yield* log.info("run started", { run_id: options.runId, as_of: prepared.asOf })

    // What the steps have returned so far; the reader adds each input as it reads it.
    const inputs: Array<InputLineage> = []
    const facts = yield* Ref.make<RunFacts>({ prepared, keyFingerprint: null, keyRotated: false, inputs, stages: [] })
    const stages = yield* RunStages
    const lineageAt = (status: RunLineage["status"], failureReason: string | null = null) =>
      Effect.gen(function* () {
        const known = yield* Ref.get(facts)
        return runLineage({ ...known, stages: yield* stages.finished }, status, failureReason, yield* isoNow)
      })

    const { lineage, release } = yield* Effect.gen(function* () {
      yield* (yield* RunLock).hold(options.runId)
      // A log refused here is not appended to, not even with this run's failure: it is not
      // known to be the log that the last head vouches for.
      yield* (yield* LineageLog).open(options.runId, options.reinitialiseLineage ?? false)
      // The staging release has its own scope: a failed run's partial release is removed, and its
      // space freed, before the failure is recorded below (still under the lock).
      return yield* Effect.scoped(publish(prepared, inputs, facts, lineageAt)).pipe(
        Effect.onExit((exit) =>
          Exit.isSuccess(exit) ? Effect.void : recordFailure(exit, options.runId, lineageAt, endpoint)
        )
      )
    }).pipe(Effect.scoped)
    const ms = (yield* Clock.currentTimeMillis) - Date.parse(prepared.startedAt)
    yield* log.info("published", { run_id: options.runId, residents: lineage.spine["residents"] ?? 0, ms })
    yield* openLineage.deliver(endEvent(lineage, release), endpoint)
    return { runId: options.runId, release, lineage } satisfies RunResult
  },
  // Each run times its own stages.
  Effect.provide(RunStages.layer)
)

/** Builds the release and publishes it: the warehouse first, so a failed swap publishes nothing anywhere. */
const publish = Effect.fnUntraced(function* (
  prepared: PreparedRun,
  inputs: Array<InputLineage>,
  facts: Ref.Ref<RunFacts>,
  lineageAt: (status: RunLineage["status"]) => Effect.Effect<RunLineage>
) {
  const { area, asOf, config, options } = prepared
  const staged = yield* stagingRelease(area, options.runId)
  const engine = (yield* Warehouse).engineFor(staged)
  yield* Effect.addFinalizer((exit) => (Exit.isSuccess(exit) ? Effect.void : discardBuild(engine, options.runId)))
  const lineage = yield* buildRelease({
    prepared,
    staged,
    engine,
    readerInto: (quarantineDir) => sourceReader({ inbox: options.inbox, quarantineDir, config, asOf, inputs }),
    learnt: (learnt) => Ref.update(facts, (known) => ({ ...known, ...learnt })),
    lineageAt
  })
  // Once the warehouse is swapped in the run goes on to publish the release: a signal then waits
  // for it, so a publication is never left recorded as a failed run.
  return yield* Effect.uninterruptible(
    Effect.gen(function* () {
      yield* publishWarehouse(engine, options.runId, config.warehouseReaders)
      const release = yield* publishRelease(area, staged, options.runId, config.keepReleases, prepared.readers)
      yield* pruneStores(area)
      return { lineage, release }
    })
  )
})

/** Best effort: on a full or read-only disk the failure cannot be recorded, only reported. */
const recordFailure = Effect.fnUntraced(function* (
  exit: Exit.Exit<unknown, unknown>,
  runId: string,
  lineageAt: (status: RunLineage["status"], failureReason: string) => Effect.Effect<RunLineage>,
  endpoint: string | undefined
) {
  const reason =
    Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)
      ? failureReasonOf(exit.cause)
      : "stopped before it finished (interrupted: SIGTERM or Ctrl-C)"
  const log = yield* RunLog
  yield* Effect.exit(log.error("run failed", { run_id: runId, reason }))
  const failed = yield* lineageAt("failed", reason)
  yield* (yield* LineageLog).append({ run: failed }).pipe(Effect.ignore)
  const openLineage = yield* OpenLineageLog
  const fail = endEvent(failed, undefined)
  yield* openLineage.record(fail).pipe(Effect.ignore)
  yield* openLineage.deliver(fail, endpoint).pipe(Effect.ignore)
})

const failureReasonOf = (cause: unknown): string => {
  const error = (cause as { reasons?: ReadonlyArray<{ error?: { message?: string } }> }).reasons?.[0]?.error
  return error?.message ?? "internal error"
}
