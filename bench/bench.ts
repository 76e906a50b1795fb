/**
 * `npm run bench [-- --residents N] [-- --warehouse postgres|URL] [-- --rounds N] [-- --no-peer]`:
 * the nightly batch on a synthetic borough (330,000 residents by default),
 * with rows/s and seconds per stage, the end-to-end wall time (median of the
 * rounds), peak RSS and overall rows/s, and the DuckDB peer's wall time
 * measured in the same invocation, its rounds interleaved with wsd's, and
 * the ratio of the two; printed and written as JSON to `bench-data/` for
 * comparison run to run. `--warehouse postgres` publishes into a throwaway
 * local PostgreSQL cluster (started and removed here) instead of SQLite, and
 * `--warehouse citus` into a throwaway Citus cluster of a coordinator and two
 * workers on this machine.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { chainFile } from "../pipelines/governance/lineage.js"
import { publicationArea } from "../pipelines/services/publication.js"
import { ensureCitus, startCitus } from "../test/citusServer.js"
import { postgresBinaries, startPostgres } from "../test/postgresServer.js"
import { benchOptions, borough, dataDir, runBatch } from "./borough.js"
import { type PeerRound, runPeer } from "./peer.js"

const options = benchOptions(process.argv.slice(2))
const { generatedSeconds, inbox } = borough(options)
const onPostgres = options.warehouse !== "sqlite"
/** `postgres` or `citus` for the throwaway servers, `postgres` for a URL. */
const engine = options.warehouse === "sqlite" ? "sqlite" : options.warehouse === "citus" ? "citus" : "postgres"
const label = `${options.residents}${engine === "sqlite" ? "" : `-${engine}`}`
const out = path.join(dataDir, `out-${label}`)

/** Shards per distributed table on the benchmark's cluster: two per core of each worker on this kind of machine. */
const BENCH_SHARDS = 8

/** The server to publish to: the URL given, or a throwaway cluster for `postgres` or `citus`. */
const server = await (async () => {
  if (options.warehouse !== "postgres" && options.warehouse !== "citus") return undefined
  const binaries = postgresBinaries()
  if (binaries === undefined) throw new Error(`--warehouse ${options.warehouse} needs PostgreSQL's initdb and pg_ctl`)
  if (options.warehouse === "postgres") return startPostgres(binaries)
  const missing = ensureCitus()
  if (missing !== undefined) throw new Error(`--warehouse citus: ${missing}`)
  return startCitus(binaries, BENCH_SHARDS)
})()
const warehouseUrl = server?.url ?? (onPostgres ? options.warehouse : undefined)

/**
 * Each round is a first night into a fresh publication area, as the peer's
 * is a fresh file; with the peer on, its rounds alternate with wsd's so that
 * both meet the same load on the machine.
 */
const rounds: Array<{ readonly wsd: { seconds: number; peakRssMb: number }; readonly peer?: PeerRound }> = []
try {
  for (let round = 1; round <= options.rounds; round++) {
    const area = publicationArea(out)
    fs.rmSync(area.out, { recursive: true, force: true })
    fs.rmSync(area.stateDir, { recursive: true, force: true })
    const wsdRound = runBatch(options, inbox, out, warehouseUrl)
    const peerRound = options.peer ? runPeer(inbox) : undefined
    rounds.push({ wsd: wsdRound, peer: peerRound })
    console.log(
      `round ${round}: wsd ${wsdRound.seconds.toFixed(1)} s, ${Math.round(wsdRound.peakRssMb)} MB` +
        (peerRound === undefined
          ? ""
          : `; DuckDB peer ${peerRound.seconds.toFixed(1)} s, ${Math.round(peerRound.peakRssMb)} MB`)
    )
  }
} finally {
  server?.stop()
}
const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
const seconds = median(rounds.map((round) => round.wsd.seconds))
const peakRssMb = Math.max(...rounds.map((round) => round.wsd.peakRssMb))
const peerRounds = rounds.flatMap((round) => (round.peer === undefined ? [] : [round.peer]))
const peer =
  peerRounds.length === 0
    ? null
    : {
        engine: "duckdb",
        work: "NHS-numbered extracts only: read, validate, hash, load, per-person features",
        rounds_seconds: peerRounds.map((round) => Number(round.seconds.toFixed(2))),
        wall_seconds: Number(median(peerRounds.map((round) => round.seconds)).toFixed(2)),
        peak_rss_mb: Math.round(Math.max(...peerRounds.map((round) => round.peakRssMb))),
        rows_loaded: peerRounds[0]!.rowsLoaded
      }

// The last round's entry in the state area's chain has every figure exact, whichever warehouse
// it published to (the release's copy is disclosure-controlled, rounded to 5).
const runId = path.basename(fs.realpathSync(out))
interface RunFigures {
  readonly run_id: string
  readonly stages: Array<{ stage: string; rows_in: number; rows_out: number; duration_ms: number }>
  readonly inputs: Array<{ rows_read: number }>
  readonly spine: { residents: number }
}
const run = fs
  .readFileSync(chainFile(publicationArea(out).lineageDir), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as { readonly run?: RunFigures })
  .find((entry) => entry.run?.run_id === runId)?.run
if (run === undefined) throw new Error(`run ${runId} is not in the lineage chain of ${out}`)
const stages = run.stages
const rowsRead = run.inputs.reduce((n, input) => n + input.rows_read, 0)
const residents = run.spine.residents

const figures = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  warehouse: engine,
  residents_requested: options.residents,
  residents,
  seed: options.seed,
  rows_read: rowsRead,
  generation_seconds: generatedSeconds ?? null,
  rounds_seconds: rounds.map((round) => Number(round.wsd.seconds.toFixed(2))),
  wall_seconds: Number(seconds.toFixed(2)),
  rows_per_second: Math.round(rowsRead / seconds),
  peak_rss_mb: Math.round(peakRssMb),
  stages: stages.map((s) => ({
    stage: s.stage,
    rows_in: s.rows_in,
    seconds: s.duration_ms / 1000,
    rows_per_second: s.duration_ms > 0 ? Math.round((s.rows_in / s.duration_ms) * 1000) : null
  })),
  peer,
  ratio_to_peer: peer === null ? null : Number((seconds / peer.wall_seconds).toFixed(2))
}

const resultFile = path.join(dataDir, `bench-${label}.json`)
fs.writeFileSync(resultFile, `${JSON.stringify(figures, null, 2)}\n`)
console.log(
  `nightly batch on a synthetic borough of ${residents} residents (${rowsRead} rows read), warehouse ${figures.warehouse}`
)
console.log(`${"stage".padEnd(30)} ${"rows in".padStart(10)} ${"seconds".padStart(9)} ${"rows/s".padStart(10)}`)
for (const s of figures.stages) {
  console.log(
    `${s.stage.padEnd(30)} ${String(s.rows_in).padStart(10)} ${s.seconds.toFixed(2).padStart(9)} ${String(s.rows_per_second ?? "-").padStart(10)}`
  )
}
console.log(
  `end to end: ${figures.wall_seconds} s (median of ${rounds.length}), ${figures.rows_per_second} rows/s, peak RSS ${figures.peak_rss_mb} MB`
)
if (peer !== null) {
  console.log(
    `DuckDB peer (${peer.work}): ${peer.wall_seconds} s (median of ${peerRounds.length}), peak RSS ${peer.peak_rss_mb} MB`
  )
  console.log(`wsd / peer: ${figures.ratio_to_peer}x`)
}
console.log(`figures written to ${resultFile}`)
