/**
 * `npm run bench [-- --residents N]`: the nightly batch on a synthetic borough
 * (330,000 residents by default), with rows/s and seconds per stage, the
 * end-to-end wall time, peak RSS and overall rows/s, printed and written as
 * JSON to `bench-data/` for comparison run to run.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import Database from "better-sqlite3"
import { benchOptions, borough, dataDir, runBatch } from "./borough.js"

const options = benchOptions(process.argv.slice(2))
const { generatedSeconds, inbox } = borough(options)
const out = path.join(dataDir, `out-${options.residents}`)
const { peakRssMb, seconds } = runBatch(options, inbox, out)

const db = new Database(path.join(out, "warehouse.sqlite"), { readonly: true })
const runId = (db.prepare("select run_id from run order by started_at desc limit 1").get() as { run_id: string }).run_id
// The run's lineage entry lists every stage in order, the outputs stage included.
const stages = (
  JSON.parse(fs.readFileSync(path.join(out, "lineage", "runs", `${runId}.json`), "utf8")) as {
    run: { stages: Array<{ stage: string; rows_in: number; rows_out: number; duration_ms: number }> }
  }
).run.stages
const rowsRead = (db.prepare("select sum(rows_read) n from lineage_input where run_id = ?").get(runId) as { n: number })
  .n
const residents = (db.prepare("select count(*) n from person").get() as { n: number }).n
db.close()

const figures = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  residents_requested: options.residents,
  residents,
  seed: options.seed,
  rows_read: rowsRead,
  generation_seconds: generatedSeconds ?? null,
  wall_seconds: Number(seconds.toFixed(2)),
  rows_per_second: Math.round(rowsRead / seconds),
  peak_rss_mb: Math.round(peakRssMb),
  stages: stages.map((s) => ({
    stage: s.stage,
    rows_in: s.rows_in,
    seconds: s.duration_ms / 1000,
    rows_per_second: s.duration_ms > 0 ? Math.round((s.rows_in / s.duration_ms) * 1000) : null
  }))
}

const resultFile = path.join(dataDir, `bench-${options.residents}.json`)
fs.writeFileSync(resultFile, `${JSON.stringify(figures, null, 2)}\n`)
console.log(`nightly batch on a synthetic borough of ${residents} residents (${rowsRead} rows read)`)
console.log(`${"stage".padEnd(30)} ${"rows in".padStart(10)} ${"seconds".padStart(9)} ${"rows/s".padStart(10)}`)
for (const s of figures.stages) {
  console.log(
    `${s.stage.padEnd(30)} ${String(s.rows_in).padStart(10)} ${s.seconds.toFixed(2).padStart(9)} ${String(s.rows_per_second ?? "-").padStart(10)}`
  )
}
console.log(
  `end to end: ${figures.wall_seconds} s, ${figures.rows_per_second} rows/s, peak RSS ${figures.peak_rss_mb} MB`
)
console.log(`figures written to ${resultFile}`)
