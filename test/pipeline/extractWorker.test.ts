/**
 * Reading in the worker thread gives what reading in the run's thread gives:
 * the same accepted rows, the same quarantined rows with the same row numbers
 * and reasons, the same summary, the same failure. The test runner executes
 * the TypeScript sources, where reads stay in-thread, so the worker path is
 * taken from the compiled program (`npm run build`, which `npm test` runs
 * first), as the built `wsd` command runs it.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type ExtractReader,
  type ExtractReadSummary,
  extractBatches,
  type NumberedRow,
  type QuarantinedRow
} from "../../pipelines/ingest/readExtract.js"
import { SOURCES } from "../../schemas/sourceCatalogue.js"
import type { ExtractSource } from "../../schemas/extractSource.js"

const repoRoot = path.join(import.meta.dirname, "..", "..")
const compiled = (module: string) => pathToFileURL(path.join(repoRoot, "dist", module)).href

type Client = typeof import("../../pipelines/ingest/extractWorkerClient.js")
type Catalogue = typeof import("../../schemas/sourceCatalogue.js")
let client: Client
let compiledSources: Catalogue["SOURCES"]

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsd-worker-"))

type ReadResult =
  | {
      readonly accepted: ReadonlyArray<NumberedRow<unknown>>
      readonly rejected: ReadonlyArray<QuarantinedRow>
      readonly summary: ExtractReadSummary
    }
  | { readonly failed: string }

/** Everything a read gives, batches flattened (their boundaries follow the file's chunks). */
const readWith = async (
  reader: ExtractReader,
  source: ExtractSource<unknown>,
  file: string,
  asOf?: string
): Promise<ReadResult> => {
  const batches = reader(source, file, asOf)
  const accepted: Array<NumberedRow<unknown>> = []
  const rejected: Array<QuarantinedRow> = []
  try {
    for (;;) {
      const next = await batches.next()
      if (next.done === true) return { accepted, rejected, summary: next.value }
      accepted.push(...next.value.accepted)
      rejected.push(...next.value.rejected)
    }
  } catch (error) {
    return { failed: (error as Error).message }
  }
}

/** The same file read in this thread and in the worker. */
const bothWays = async (name: keyof typeof SOURCES, file: string, asOf?: string) => {
  const workerSource = compiledSources[name] as ExtractSource<unknown>
  expect(client.readsInWorker(workerSource)).toBe(true)
  return {
    inThread: await readWith(extractBatches, SOURCES[name] as ExtractSource<unknown>, file, asOf),
    inWorker: await readWith(client.workerBatches, workerSource, file, asOf)
  }
}

const OPT_OUT_HEADER = "nhs_number,opt_out_type,recorded_date\n"

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, "dist", "pipelines", "ingest", "extractWorker.js"))) {
    throw new Error("dist/ is missing: run `npm run build` (npm test does it first)")
  }
  client = (await import(compiled("pipelines/ingest/extractWorkerClient.js"))) as Client
  compiledSources = ((await import(compiled("schemas/sourceCatalogue.js"))) as Catalogue).SOURCES
})

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** The `i`th of distinct opt-out rows (27 bytes each), recorded a day apart: none a duplicate of another. */
const optOutRow = (i: number) =>
  `9434765919,ndoo,${new Date(Date.UTC(1990, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)}\n`

describe("reading an extract in the worker thread", () => {
  it("quarantines a bad row, stray quotes and an over-long record exactly as the run's thread does", async () => {
    const file = path.join(dir, "opt_outs.csv")
    const good = Array.from({ length: 9000 }, (_, i) => optOutRow(i)).join("")
    fs.writeFileSync(
      file,
      OPT_OUT_HEADER +
        good.slice(0, 27 * 5000) + // rows 2-5001: good, more than one batch
        "9434765918,ndoo,2024-05-01\n" + // row 5002: bad check digit
        '9434765919,nd"oo,2024-05-01\n' + // row 5003: a stray quote
        '9434765919,Jo "JJ" Smith,2024-05-01\n' + // row 5004: two stray quotes, one row
        `4010232137,${"x".repeat(2 * 1024 * 1024)},2024-05-01\n` + // row 5005: over 1 MiB
        good.slice(27 * 5000) + // rows 5006-9005: good
        '4010232137,"type1,2024-05-02\n' // row 9006: a quote never closed
    )
    const { inThread, inWorker } = await bothWays("opt_outs", file)
    expect(inWorker).toEqual(inThread)
    if (!("summary" in inWorker)) throw new Error(`the read failed: ${inWorker.failed}`)
    expect(inWorker.summary.rowsAccepted).toBe(9000)
    expect(inWorker.rejected.map((row) => [row.row, ...row.problems])).toEqual([
      [5002, { field: "nhs_number", reason: "nhs_number_check_digit" }],
      [5003, { field: "row", reason: "malformed_quote" }],
      [5004, { field: "row", reason: "malformed_quote" }],
      [5005, { field: "row", reason: "record_too_large" }],
      [9006, { field: "row", reason: "malformed_quote" }]
    ])
  })

  it("quarantines the same implausible dates of birth on the as-of date", async () => {
    const file = path.join(dir, "gp_registrations.csv")
    const registration = (dateOfBirth: string) =>
      `9434765919,Whitfield,Joan,${dateOfBirth},F,E1 6AN,100023000001,F84003,1998-06-01,,,A\n`
    fs.writeFileSync(
      file,
      "nhs_number,family_name,given_name,date_of_birth,sex,postcode,uprn,practice_code,registration_date,deregistration_date,date_of_death,ethnic_category\n" +
        registration("1953-03-14") +
        registration("2027-01-01") +
        registration("1890-01-01")
    )
    const { inThread, inWorker } = await bothWays("gp_registrations", file, "2026-11-20")
    expect(inWorker).toEqual(inThread)
    expect("summary" in inWorker && inWorker.summary.quarantineReasons).toEqual({
      "date_of_birth/future_date": 1,
      "date_of_birth/age_over_120": 1
    })
  })

  it("fails a file whose header is over 1 MiB with the same message", async () => {
    const file = path.join(dir, "long_header.csv")
    fs.writeFileSync(file, `nhs_number,opt_out_type,${"notes".repeat(300_000)}\n9434765919,ndoo\n`)
    const { inThread, inWorker } = await bothWays("opt_outs", file)
    expect(inWorker).toEqual(inThread)
    expect(inWorker).toEqual({ failed: expect.stringContaining("header row longer than 1 MiB") })
  })

  it("gives a prefetched read's rows when the run takes it up, after passing over one it never takes", async () => {
    const file = path.join(dir, "prefetched_opt_outs.csv")
    const rows = Array.from({ length: 30_000 }, (_, i) => optOutRow(i))
    fs.writeFileSync(file, OPT_OUT_HEADER + rows.join(""))
    const neverTaken = path.join(dir, "never_taken.csv")
    fs.writeFileSync(neverTaken, OPT_OUT_HEADER)
    // With nothing else queued (bytes 0) both reads go to the same thread: the first is passed
    // over, and must be stopped so that it cannot hold that thread from serving the second.
    const stop = client.prefetchExtracts([
      { source: compiledSources.opt_outs, file, asOf: undefined, bytes: 0 },
      { source: compiledSources.opt_outs, file, asOf: "2026-11-20", bytes: 0 },
      { source: compiledSources.opt_outs, file: neverTaken, asOf: undefined, bytes: 0 }
    ])
    try {
      const taken = await readWith(client.workerBatches, compiledSources.opt_outs, file, "2026-11-20")
      const inThread = await readWith(extractBatches, SOURCES.opt_outs as ExtractSource<unknown>, file, "2026-11-20")
      expect(taken).toEqual(inThread)
      expect("summary" in taken && taken.summary.rowsAccepted).toBe(30_000)
    } finally {
      stop()
    }
    // Stopped reads leave the threads free for the next.
    const { inThread, inWorker } = await bothWays("opt_outs", file)
    expect(inWorker).toEqual(inThread)
  })

  it("serves the next read after one the run's thread stopped early", async () => {
    const file = path.join(dir, "opt_outs.csv")
    const stopped = client.workerBatches(compiledSources.opt_outs, file, undefined)
    await stopped.next()
    await stopped.return(undefined as never)
    const { inThread, inWorker } = await bothWays("opt_outs", file)
    expect(inWorker).toEqual(inThread)
  })
})
