/**
 * Reading an extract in a worker thread (`extractWorker.ts`), seen from the
 * run's thread as the same batches `extractBatches` yields in-thread.
 *
 * The worker runs the compiled module next to this one. Where there is none
 * (the test runner executes the TypeScript sources) or the source is not one
 * of the contract's, the file is read in this thread instead: same batches,
 * same summary, one core.
 */
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import type { ExtractSource } from "../schemas/extractSource.js"
import { sourceNamed } from "../schemas/sourceCatalogue.js"
import type { ExtractWorkerMessage, ExtractWorkerRequest } from "./extractWorker.js"
import {
  type ExtractBatch,
  ExtractFileProblem,
  type ExtractReader,
  type ExtractReadSummary,
  extractBatches
} from "./readExtract.js"

const workerFile = fileURLToPath(new URL("./extractWorker.js", import.meta.url))
const workerAvailable = existsSync(workerFile)

/**
 * The process's reader thread, started on first use. It holds the process
 * open only while a read is under way, so a finished run exits without
 * having to stop it.
 */
let reader: { readonly worker: Worker; reads: number; nextId: number } | undefined

const readerThread = () => {
  if (reader === undefined) {
    const worker = new Worker(workerFile)
    worker.unref()
    // A reader that failed is replaced on the next read; its pending reads hear of it below.
    worker.on("exit", () => (reader = undefined))
    reader = { worker, reads: 0, nextId: 0 }
  }
  return reader
}

async function* fromWorker<Row>(
  source: ExtractSource<Row>,
  file: string,
  asOf: string | undefined
): AsyncGenerator<ExtractBatch<Row>, ExtractReadSummary> {
  const thread = readerThread()
  const { worker } = thread
  const id = thread.nextId++
  const received: Array<ExtractWorkerMessage> = []
  let wake: (() => void) | undefined
  const receive = (message: ExtractWorkerMessage) => {
    if (message.id !== id) return
    received.push(message)
    wake?.()
  }
  const failed = (error: Error) => receive({ id, type: "failed", message: `cannot be read: ${error.message}` })
  const exited = () => receive({ id, type: "failed", message: "cannot be read: the reader thread stopped" })
  worker.on("message", receive)
  worker.on("error", failed)
  worker.on("exit", exited)
  if (thread.reads++ === 0) worker.ref()
  const request = (message: ExtractWorkerRequest) => worker.postMessage(message)
  let finished = false
  try {
    request({ type: "read", id, source: source.name, file, asOf })
    for (;;) {
      while (received.length === 0) await new Promise<void>((resolve) => (wake = resolve))
      const message = received.shift()!
      switch (message.type) {
        case "batch":
          yield JSON.parse(message.batch) as ExtractBatch<Row>
          request({ type: "next", id })
          break
        case "done":
          finished = true
          return message.summary
        case "failed":
          finished = true
          throw new ExtractFileProblem(message.message)
      }
    }
  } finally {
    if (!finished) request({ type: "stop", id })
    worker.off("message", receive)
    worker.off("error", failed)
    worker.off("exit", exited)
    if (--thread.reads === 0) worker.unref()
  }
}

/** Whether `workerBatches` reads this source in a worker thread. */
export const readsInWorker = (source: ExtractSource<unknown>): boolean =>
  workerAvailable && sourceNamed(source.name) === source

/** The batches of an extract, read in a worker thread when one can read it. */
export const workerBatches: ExtractReader = (source, file, asOf) =>
  readsInWorker(source as ExtractSource<unknown>) ? fromWorker(source, file, asOf) : extractBatches(source, file, asOf)
