/**
 * A worker thread that reads extracts (`extractBatches`: hash, guard, parse,
 * decode) and posts their batches to the run's thread, which links, curates
 * and loads them. Parsing and decoding are the costliest per-row work, so the
 * run gives them threads of their own while its own thread writes the
 * warehouse.
 *
 * A thread serves its reads one after another, and reads ahead: it goes on
 * to its next read as soon as one is posted, without waiting for the run's
 * thread to take the batches, so that it keeps parsing while the run's
 * thread builds the spine or loads another thread's source. What it may run
 * ahead by is bounded (`READ_AHEAD_CHARS` of batch text not yet taken), so a
 * large file is never held in memory whole.
 */
// Enabled before any schema is built, as in bin/wsd.js: bad rows are decoded by the schema.
import "effect/schema/SchemaJITCompiler/enable"
import { parentPort } from "node:worker_threads"
import { sourceNamed } from "../../schemas/sourceCatalogue.js"
import { ExtractFileProblem, type ExtractReadSummary, extractBatches } from "./readExtract.js"

export type ExtractWorkerRequest =
  | {
      readonly type: "read"
      readonly id: number
      readonly source: string
      readonly file: string
      readonly asOf: string | undefined
    }
  /** The run's thread has taken a batch of read `id`, `chars` long. */
  | { readonly type: "taken"; readonly id: number; readonly chars: number }
  /** The run's thread wants no more of read `id` (its load stopped early, or the run skipped it). */
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

/**
 * Batch text a thread may have posted and the run's thread not yet taken:
 * about a quarter of a million rows of the largest source. At 330,000
 * residents twice as much ran no faster, and four times as much ran 3 s
 * faster but peaked near 1.5 GB: the budget bounds what waits in memory.
 */
export const READ_AHEAD_CHARS = 32 * 2 ** 20

const serve = (port: NonNullable<typeof parentPort>) => {
  /** Batch text posted and not yet taken, per read. */
  const untaken = new Map<number, number>()
  let untakenTotal = 0
  const release = (id: number, chars: number) => {
    const left = (untaken.get(id) ?? 0) - chars
    untakenTotal -= Math.min(chars, untaken.get(id) ?? 0)
    if (left > 0) untaken.set(id, left)
    else untaken.delete(id)
  }
  const stopped = new Set<number>()
  let resume: (() => void) | undefined
  let reads = Promise.resolve()

  const read = async ({ asOf, file, id, source }: Extract<ExtractWorkerRequest, { type: "read" }>) => {
    const post = (message: ExtractWorkerMessage) => port.postMessage(message)
    // Stopped before it began (the run's thread gave up on it while an earlier read was under way).
    if (stopped.delete(id)) return
    const extract = sourceNamed(source)
    if (extract === undefined) return post({ id, type: "failed", message: `has no source definition ${source}` })
    const batches = extractBatches(extract, file, asOf)
    try {
      for (;;) {
        const next = await batches.next()
        if (next.done === true) return post({ id, type: "done", summary: next.value })
        const batch = JSON.stringify(next.value)
        post({ id, type: "batch", batch })
        untaken.set(id, (untaken.get(id) ?? 0) + batch.length)
        untakenTotal += batch.length
        while (untakenTotal >= READ_AHEAD_CHARS && !stopped.has(id)) {
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
      stopped.delete(id)
    }
  }

  port.on("message", (request: ExtractWorkerRequest) => {
    switch (request.type) {
      case "read":
        reads = reads.then(() => read(request))
        return
      case "stop":
        // Its batches in flight will never be taken.
        stopped.add(request.id)
        release(request.id, Infinity)
        break
      case "taken":
        release(request.id, request.chars)
        break
    }
    resume?.()
  })
}

if (parentPort !== null) serve(parentPort)
