/**
 * The stages of a run, timed: each shows on the progress line while it runs,
 * logs its row counts when done, and is kept for the run's lineage (which
 * records every stage that finished, whether the run then succeeds or fails).
 * Time comes from the Clock service, so tests drive it with `TestClock`.
 */
import { Clock, Context, Effect, Layer, Ref } from "effect"
import type { PublicationError } from "../errors.js"
import type { StageLineage } from "../governance/lineage.js"
import { Progress } from "../services/progress.js"
import { RunLog } from "../services/runLog.js"

/** Rows a stage took in and gave out. */
export interface StageRows {
  readonly rowsIn: number
  readonly rowsOut: number
}

export interface RunStagesService {
  /** Runs `work` as the stage `name`; `rows` says what it did from its result. */
  readonly timed: <A, E, R>(
    name: string,
    work: Effect.Effect<A, E, R>,
    rows: (result: A) => StageRows
  ) => Effect.Effect<A, E | PublicationError, R | Progress | RunLog>
  /** The stages finished so far, in order. */
  readonly finished: Effect.Effect<ReadonlyArray<StageLineage>>
}

export class RunStages extends Context.Service<RunStages, RunStagesService>()("wsd/pipelines/nightly/RunStages") {
  /** A new record of stages, one per run. */
  static readonly layer = Layer.effect(
    RunStages,
    Effect.map(Ref.make<ReadonlyArray<StageLineage>>([]), (stages) =>
      RunStages.of({
        timed: (name, work, rows) =>
          Effect.gen(function* () {
            const started = yield* Clock.currentTimeMillis
            const result = yield* (yield* Progress).track(name, undefined, () => work)
            const ms = (yield* Clock.currentTimeMillis) - started
            const { rowsIn, rowsOut } = rows(result)
            yield* Ref.update(stages, (done) => [
              ...done,
              { stage: name, rows_in: rowsIn, rows_out: rowsOut, duration_ms: ms }
            ])
            yield* (yield* RunLog).info("stage done", { stage: name, rows_in: rowsIn, rows_out: rowsOut, ms })
            return result
          }),
        finished: Ref.get(stages)
      })
    )
  )
}
