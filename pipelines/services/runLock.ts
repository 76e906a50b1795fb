/**
 * The output area's lock as a service: one run (or extract) at a time may
 * change an output area. `hold` takes it for the scope; a second holder is
 * refused with the first's name, and a lock left by a process that no longer
 * exists is cleared. The test layer is a lock in memory.
 */
import * as fs from "node:fs"
import { Context, Effect, Layer, Ref, type Scope } from "effect"
import { type PublicationError, UsageError } from "../errors.js"
import { writeFailure } from "./diskWrites.js"
import { RunLog } from "./runLog.js"

export interface RunLockService {
  /** Holds the lock for the scope, as `holder` (a run id, or what an extract is). */
  readonly hold: (holder: string) => Effect.Effect<void, UsageError | PublicationError, Scope.Scope>
}

interface Holder {
  readonly run_id?: string
  readonly pid?: number
}

const isAlive = (pid: number) =>
  Effect.try({ try: () => process.kill(pid, 0), catch: (error) => error as NodeJS.ErrnoException }).pipe(
    Effect.as(true),
    // EPERM: the process exists, but is another user's.
    Effect.catch((error) => Effect.succeed(error.code === "EPERM"))
  )

const heldBy = (holder: Holder, lockFile: string) =>
  new UsageError({
    message: `another run (${holder.run_id ?? "unknown run"}, process ${holder.pid}) holds ${lockFile}`,
    nextAction: "wait for it to finish; runs on one output area cannot overlap"
  })

export class RunLock extends Context.Service<RunLock, RunLockService>()("wsd/pipelines/services/RunLock") {
  /** The lock file `lockFile` (`.<out>.wsd/lock`); `area` is the state area its failures name. */
  static readonly layer = (lockFile: string, area: string) =>
    Layer.effect(
      RunLock,
      Effect.gen(function* () {
        const log = yield* RunLog
        /** Who holds the lock, as far as the file says (a torn file says nothing). */
        const readHolder = Effect.try(() => JSON.parse(fs.readFileSync(lockFile, "utf8")) as unknown).pipe(
          Effect.map((parsed): Holder => (typeof parsed === "object" && parsed !== null ? parsed : {})),
          Effect.orElseSucceed((): Holder => ({}))
        )
        /** Creates the lock file (undefined), or finds who holds it. */
        const create = (holder: string): Effect.Effect<Holder | undefined, PublicationError> =>
          Effect.try({
            try: () =>
              fs.writeFileSync(lockFile, JSON.stringify({ run_id: holder, pid: process.pid }), {
                flag: "wx",
                mode: 0o600
              }),
            catch: (error) => error as NodeJS.ErrnoException
          }).pipe(
            Effect.as(undefined),
            Effect.catch((error) =>
              error.code === "EEXIST" ? readHolder : Effect.fail(writeFailure(lockFile, area)(error))
            )
          )
        const take = (holder: string) =>
          Effect.gen(function* () {
            for (let attempt = 0; attempt < 2; attempt++) {
              const current = yield* create(holder)
              if (current === undefined) return
              if (typeof current.pid === "number" && (yield* isAlive(current.pid))) {
                return yield* heldBy(current, lockFile)
              }
              yield* log.warn("stale lock cleared", { pid: current.pid ?? 0 })
              yield* Effect.try({
                try: () => fs.rmSync(lockFile, { force: true }),
                catch: writeFailure(lockFile, area)
              })
            }
            return yield* new UsageError({
              message: `cannot take the lock ${lockFile}`,
              nextAction: "remove it if no run is in progress"
            })
          })
        return RunLock.of({
          hold: (holder) =>
            Effect.acquireRelease(take(holder), () => Effect.sync(() => fs.rmSync(lockFile, { force: true })))
        })
      })
    )

  /** A lock in memory, held by `holder` from the start when one is given. */
  static readonly layerTest = (holder?: Holder) =>
    Layer.effect(
      RunLock,
      Effect.map(Ref.make<Holder | undefined>(holder), (current) =>
        RunLock.of({
          hold: (name) =>
            Effect.acquireRelease(
              Effect.flatMap(Ref.get(current), (held) =>
                held === undefined
                  ? Ref.set(current, { run_id: name, pid: process.pid })
                  : Effect.fail(heldBy(held, "lock"))
              ),
              () => Ref.set(current, undefined)
            )
        })
      )
    )
}
