/**
 * A worker thread that reads extracts (`extractBatches`: hash, guard, parse,
 * decode) and posts their batches to the run's thread, which links, curates
 * and loads them. Parsing and decoding are the costliest per-row work, so the
 * run uses a second core for them while its own thread writes the warehouse.
 *
 * One worker serves a run's reads one after another (starting a thread and
 * loading its modules costs more than reading a small source). At most a few
 * batches of a read are in flight: each waits for the run's thread to take
 * one, so a large file is never held in memory twice over.
 */
// Enabled before any schema is built, as in bin/wsd.js: bad rows are decoded by the schema.
import "effect/schema/SchemaJITCompiler/enable"
import { parentPort } from "node:worker_threads"
import { sourceNamed } from "../schemas/sourceCatalogue.js"
import { ExtractFileProblem, type ExtractReadSummary, extractBatches } from "./readExtract.js"

export type ExtractWorkerRequest =
  | {
      readonly type: "read"
      readonly id: number
      readonly source: string
      readonly file: string
      readonly asOf: string | undefined
    }
  /** The run's thread has taken a batch of read `id`. */
  | { readonly type: "next"; readonly id: number }
  /** The run's thread wants no more of read `id` (its load stopped early). */
  | { readonly type: "stop"; readonly id: number }

export type ExtractWorkerMessage = { readonly id: number } &
  /**
   * A batch as JSON text: the run's thread parses text much faster than it
   * deserialises as many cloned objects, and decoded rows hold only strings,
   * numbers, booleans and plain objects, which JSON keeps as they are.
   */
  (
    | { readonly type: "batch"; readonly batch: string }
    | { readonly type: "done"; readonly summary: ExtractReadSummary }
    | { readonly type: "failed"; readonly message: string }
  )

const BATCHES_IN_FLIGHT = 4

const serve = (port: NonNullable<typeof parentPort>) => {
  const inFlight = new Map<number, number>()
  const stopped = new Set<number>()
  let resume: (() => void) | undefined
  let reads = Promise.resolve()

  const read = async ({ asOf, file, id, source }: Extract<ExtractWorkerRequest, { type: "read" }>) => {
    const post = (message: ExtractWorkerMessage) => port.postMessage(message)
    // Stopped before it began (the run's thread gave up while an earlier read was finishing).
    if (stopped.delete(id)) return
    const extract = sourceNamed(source)
    if (extract === undefined) return post({ id, type: "failed", message: `has no source definition ${source}` })
    inFlight.set(id, 0)
    const batches = extractBatches(extract, file, asOf)
    try {
      for (;;) {
        const next = await batches.next()
        if (next.done === true) return post({ id, type: "done", summary: next.value })
        post({ id, type: "batch", batch: JSON.stringify(next.value) })
        inFlight.set(id, inFlight.get(id)! + 1)
        while (inFlight.get(id)! >= BATCHES_IN_FLIGHT && !stopped.has(id)) {
          await new Promise<void>((wake) => (resume = wake))
        }
        if (stopped.has(id)) return
      }
    } catch (error) {
      const message = error instanceof ExtractFileProblem ? error.message : `cannot be read: ${String(error)}`
      post({ id, type: "failed", message })
    } finally {
      // Closes the file of a read the run's thread stopped.
      await batches.return(undefined as never)
      inFlight.delete(id)
      stopped.delete(id)
    }
  }

  port.on("message", (request: ExtractWorkerRequest) => {
    if (request.type === "read") {
      reads = reads.then(() => read(request))
    } else {
      if (request.type === "stop") stopped.add(request.id)
      else if (inFlight.has(request.id)) inFlight.set(request.id, inFlight.get(request.id)! - 1)
      resume?.()
    }
  })
}

if (parentPort !== null) serve(parentPort)
