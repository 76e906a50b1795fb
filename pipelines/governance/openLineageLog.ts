/**
 * The run's OpenLineage events as a service: each is appended to the state
 * area's `openlineage.jsonl` (copied into every release) and, when the
 * configuration names an endpoint, posted to it (a run's last event only once
 * it has published). A failed post is logged and
 * recorded in `openlineage-delivery.jsonl`, never fatal. The test layer keeps
 * the events in memory and posts nothing.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Context, Effect, Layer } from "effect"
import type { PublicationError } from "../errors.js"
import { FileSystem } from "../services/fileSystem.js"
import { RunLog } from "../services/runLog.js"
import { isoNow } from "./lineage.js"
import { postEvent } from "./openLineage.js"

export interface OpenLineageEvent {
  readonly eventType: string
}

export interface OpenLineageLogService {
  /** Appends `event` to the log. */
  readonly record: (event: OpenLineageEvent) => Effect.Effect<void, PublicationError>
  /** Posts `event` to `endpoint`, when there is one, and records how that went. */
  readonly deliver: (event: OpenLineageEvent, endpoint: string | undefined) => Effect.Effect<void, PublicationError>
  /** Writes every event recorded so far (all runs') to `file`, for a release. */
  readonly copyTo: (file: string) => Effect.Effect<void, PublicationError>
}

export class OpenLineageLog extends Context.Service<OpenLineageLog, OpenLineageLogService>()(
  "wsd/pipelines/governance/OpenLineageLog"
) {
  /** The events of the state area's `lineageDir`, for run `runId`. */
  static readonly layer = (lineageDir: string, runId: string) =>
    Layer.effect(
      OpenLineageLog,
      Effect.gen(function* () {
        const log = yield* RunLog
        const files = yield* FileSystem
        const eventsFile = path.join(lineageDir, "openlineage.jsonl")
        const deliveryFile = path.join(lineageDir, "openlineage-delivery.jsonl")
        /** One JSON object per line. */
        const append = (file: string, events: ReadonlyArray<object>) =>
          Effect.andThen(
            files.makeDirectory(path.dirname(file), 0o750),
            files.appendLines(file, events.map((event) => `${JSON.stringify(event)}\n`).join(""))
          )
        const deliver = (event: OpenLineageEvent, endpoint: string | undefined) =>
          Effect.gen(function* () {
            if (endpoint === undefined) return
            const delivery = yield* postEvent(endpoint, event)
            yield* append(deliveryFile, [{ run_id: runId, at: yield* isoNow, ...delivery }])
            const fields = { event: delivery.eventType, attempts: delivery.attempts }
            if (delivery.delivered) yield* log.info("openlineage event delivered", fields)
            else yield* log.warn("openlineage event not delivered", fields)
          })
        return OpenLineageLog.of({
          record: (event) => append(eventsFile, [event]),
          deliver,
          copyTo: (file) => files.copyFile(eventsFile, file)
        })
      })
    )

  /** Events in memory: `events` receives each one recorded; nothing is posted. */
  static readonly layerTest = (events: Array<OpenLineageEvent>) =>
    Layer.succeed(
      OpenLineageLog,
      OpenLineageLog.of({
        record: (event) => Effect.sync(() => void events.push(event)),
        deliver: () => Effect.void,
        copyTo: (file) =>
          Effect.sync(() => fs.writeFileSync(file, events.map((event) => `${JSON.stringify(event)}\n`).join("")))
      })
    )
}
