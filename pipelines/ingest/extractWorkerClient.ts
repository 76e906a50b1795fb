/**
 * Reading extracts in worker threads (`extractWorker.ts`), seen from the
 * run's thread as the same batches `extractBatches` yields in-thread.
 *
 * Two reader threads share a run's reads, each taking the next read when it
 * has the fewest bytes queued, so the largest source (GP events, most of a
 * night's rows) is parsed beside the others rather than before them. A run
 * asks for its reads up front (`prefetchExtracts`), so both threads parse
 * while the run's thread builds the spine or loads; each read is then taken
 * up when the run reaches it. A read the run passes over is stopped, so a
 * thread never waits on batches nobody will take.
 *
 * The threads run the compiled module next to this one. Where there is none
 * (the test runner executes the TypeScript sources) or the source is not one
 * of the contract's, the file is read in this thread instead: same batches,
 * same summary, one core.
 */
import { existsSync } from "node:fs"
import { availableParallelism } from "node:os"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import type { ExtractSource } from "../../schemas/extractSource.js"
import { sourceNamed } from "../../schemas/sourceCatalogue.js"
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
 * One file cannot be parsed by two threads, and GP events are most of the
 * rows: a third reader would have little to do while a second parses them.
 */
const READER_THREADS = Math.min(2, availableParallelism())

interface ReaderThread {
  readonly worker: Worker
  readonly reads: Map<number, WorkerRead>
  /** Reads the run's thread is taking up: the thread holds the process open only while there are some. */
  takenUp: number
  /** Bytes of the files this thread has been asked to read and has not finished. */
  queuedBytes: number
}

/** A read requested of a thread: its messages wait here until the run's thread takes them. */
interface WorkerRead {
  readonly id: number
  readonly key: string
  readonly bytes: number
  readonly thread: ReaderThread
  readonly messages: Array<ExtractWorkerMessage>
  wake: (() => void) | undefined
  finished: boolean
}

let threads: Array<ReaderThread> = []
let nextId = 0
/** Reads requested ahead of the run taking them up, in the order requested. */
const prefetched: Array<WorkerRead> = []

const readKey = (source: string, file: string, asOf: string | undefined) => JSON.stringify([source, file, asOf])

const startThread = (): ReaderThread => {
  const worker = new Worker(workerFile)
  const thread: ReaderThread = { worker, reads: new Map(), takenUp: 0, queuedBytes: 0 }
  const failAll = (message: string) => {
    // A thread that failed is replaced on the next read; its reads hear of it here.
    threads = threads.filter((other) => other !== thread)
    for (const read of thread.reads.values()) deliver(read, { id: read.id, type: "failed", message })
  }
  worker.on("message", (message: ExtractWorkerMessage) => {
    const read = thread.reads.get(message.id)
    if (read !== undefined) deliver(read, message)
  })
  worker.on("error", (error) => failAll(`cannot be read: ${error.message}`))
  worker.on("exit", () => failAll("cannot be read: the reader thread stopped"))
  // Only after its listeners: listening for messages holds the process open again. A thread none
  // of whose reads the run took up (it was stopped first) would otherwise keep it from exiting.
  worker.unref()
  return thread
}

const deliver = (read: WorkerRead, message: ExtractWorkerMessage) => {
  if (message.type !== "batch" && !read.finished) {
    read.finished = true
    read.thread.queuedBytes -= read.bytes
  }
  read.messages.push(message)
  read.wake?.()
}

/** The thread with the fewest bytes still to read, started if the pool is not full. */
const leastBusyThread = (): ReaderThread => {
  if (threads.length < READER_THREADS) {
    const thread = startThread()
    threads.push(thread)
    return thread
  }
  return threads.reduce((least, thread) => (thread.queuedBytes < least.queuedBytes ? thread : least))
}

const request = (thread: ReaderThread, message: ExtractWorkerRequest) => thread.worker.postMessage(message)

const requestRead = (source: string, file: string, asOf: string | undefined, bytes: number): WorkerRead => {
  const thread = leastBusyThread()
  const id = nextId++
  const read: WorkerRead = {
    id,
    key: readKey(source, file, asOf),
    bytes,
    thread,
    messages: [],
    wake: undefined,
    finished: false
  }
  thread.reads.set(id, read)
  thread.queuedBytes += bytes
  request(thread, { type: "read", id, source, file, asOf })
  return read
}

/** Tells the thread the run's thread wants no more of a read, and forgets it. */
const stopRead = (read: WorkerRead) => {
  if (!read.finished) {
    read.finished = true
    read.thread.queuedBytes -= read.bytes
  }
  read.thread.reads.delete(read.id)
  request(read.thread, { type: "stop", id: read.id })
}

/** A prefetched read of this file, if there is one; reads requested before it and not taken up are stopped. */
const takePrefetched = (key: string): WorkerRead | undefined => {
  const at = prefetched.findIndex((read) => read.key === key)
  if (at === -1) return undefined
  const [read] = prefetched.splice(at, 1)
  for (const skipped of prefetched.filter((other) => other.id < read!.id && other.thread === read!.thread)) {
    prefetched.splice(prefetched.indexOf(skipped), 1)
    stopRead(skipped)
  }
  return read
}

export interface ExtractRequest {
  readonly source: ExtractSource<unknown>
  readonly file: string
  readonly asOf: string | undefined
  /** The file's size, to share reads between threads. */
  readonly bytes: number
}

/**
 * Starts reading these extracts now, in this order, for the run to take up
 * later with `workerBatches` (same source, file and as-of date). Returns a
 * function that stops every one not taken up by then.
 */
export const prefetchExtracts = (requests: ReadonlyArray<ExtractRequest>): (() => void) => {
  const mine = requests
    .filter(({ source }) => readsInWorker(source))
    .map(({ asOf, bytes, file, source }) => requestRead(source.name, file, asOf, bytes))
  prefetched.push(...mine)
  return () => {
    for (const read of mine) {
      const at = prefetched.indexOf(read)
      if (at === -1) continue
      prefetched.splice(at, 1)
      stopRead(read)
    }
  }
}

async function* fromWorker<Row>(
  source: ExtractSource<Row>,
  file: string,
  asOf: string | undefined
): AsyncGenerator<ExtractBatch<Row>, ExtractReadSummary> {
  const read = takePrefetched(readKey(source.name, file, asOf)) ?? requestRead(source.name, file, asOf, 0)
  const { thread } = read
  if (thread.takenUp++ === 0) thread.worker.ref()
  let done = false
  try {
    for (;;) {
      while (read.messages.length === 0) await new Promise<void>((resolve) => (read.wake = resolve))
      const message = read.messages.shift()!
      switch (message.type) {
        case "batch":
          request(thread, { type: "taken", id: read.id, chars: message.batch.length })
          yield JSON.parse(message.batch) as ExtractBatch<Row>
          break
        case "done":
          done = true
          return message.summary
        case "failed":
          done = true
          throw new ExtractFileProblem(message.message)
      }
    }
  } finally {
    if (done) thread.reads.delete(read.id)
    else stopRead(read)
    if (--thread.takenUp === 0) thread.worker.unref()
  }
}

/** Whether `workerBatches` reads this source in a worker thread. */
export const readsInWorker = (source: ExtractSource<unknown>): boolean =>
  workerAvailable && sourceNamed(source.name) === source

/** The batches of an extract, read in a worker thread when one can read it. */
export const workerBatches: ExtractReader = (source, file, asOf) =>
  readsInWorker(source as ExtractSource<unknown>) ? fromWorker(source, file, asOf) : extractBatches(source, file, asOf)
