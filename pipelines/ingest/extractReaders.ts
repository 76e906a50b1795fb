/**
 * Where a run's extracts are parsed, as a service: in the two reader threads
 * (`extractWorkerClient.ts`), each extract requested when the run starts so
 * parsing goes on beside the run's own work; or, in the test layer, in the
 * run's thread when it asks for each one. Both give the same batches.
 */
import { Context, Effect, Layer, type Scope } from "effect"
import { type ExtractRequest, prefetchExtracts, workerBatches } from "./extractWorkerClient.js"
import { type ExtractReader, extractBatches } from "./readExtract.js"

export interface ExtractReadersService {
  /** Starts reading these extracts now, in this order; those not taken up by the end of the scope are stopped. */
  readonly prefetch: (requests: ReadonlyArray<ExtractRequest>) => Effect.Effect<void, never, Scope.Scope>
  /** The batches of one extract, taking up its read if it was prefetched. */
  readonly batches: ExtractReader
}

export class ExtractReaders extends Context.Service<ExtractReaders, ExtractReadersService>()(
  "wsd/pipelines/ingest/ExtractReaders"
) {
  /** The reader threads (where the compiled worker exists; otherwise this thread reads). */
  static readonly layer = Layer.succeed(
    ExtractReaders,
    ExtractReaders.of({
      prefetch: (requests) =>
        Effect.asVoid(
          Effect.acquireRelease(
            Effect.sync(() => prefetchExtracts(requests)),
            (stop) => Effect.sync(stop)
          )
        ),
      batches: workerBatches
    })
  )

  /** Every extract read in the run's thread, when the run asks for it. */
  static readonly layerInThread = Layer.succeed(
    ExtractReaders,
    ExtractReaders.of({ prefetch: () => Effect.void, batches: extractBatches })
  )
}
