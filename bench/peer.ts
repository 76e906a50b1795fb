/**
 * The DuckDB peer the benchmark measures wsd against: DuckDB doing only the
 * NHS-number part of the night on the same files (read, validate, hash,
 * load, a per-person feature join; `bench/duckdbPeer.mjs`). It is a lower
 * bound on wsd's work, so the ratio of the two wall times, measured in the
 * same window, says how much wsd's extra work and overheads cost; absolute
 * times drift too much on shared machines to compare across days.
 *
 * DuckDB's Node binding is a prebuilt binary in an npm package. It is not a
 * dependency of wsd: it is installed once into `bench-data/peer/` the first
 * time the peer runs, beside a copy of the peer script so that Node resolves
 * the binding from there.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { dataDir, root } from "./borough.js"

const peerDir = path.join(dataDir, "peer")
const binding = "@duckdb/node-api@1.5.6-r.1"

const installPeer = (): string => {
  const script = path.join(peerDir, "duckdbPeer.mjs")
  if (!fs.existsSync(path.join(peerDir, "node_modules", "@duckdb", "node-api"))) {
    fs.mkdirSync(peerDir, { recursive: true })
    fs.writeFileSync(path.join(peerDir, "package.json"), `${JSON.stringify({ private: true, type: "module" })}\n`)
    const npm = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--no-save", binding], {
      cwd: peerDir,
      encoding: "utf8"
    })
    if (npm.status !== 0) throw new Error(`could not install ${binding} for the peer: ${npm.stderr.trim()}`)
  }
  fs.copyFileSync(path.join(root, "bench", "duckdbPeer.mjs"), script)
  return script
}

export interface PeerRound {
  readonly seconds: number
  readonly peakRssMb: number
  readonly rowsLoaded: number
}

/** Runs the peer once on `inbox` with two threads (the machine's cores), returning its wall time and peak RSS. */
export const runPeer = (inbox: string): PeerRound => {
  const script = installPeer()
  const rssFile = path.join(peerDir, "peak-rss")
  const started = performance.now()
  const result = spawnSync(process.execPath, [script, inbox, path.join(peerDir, "borough.duckdb"), "2"], {
    encoding: "utf8",
    env: {
      ...process.env,
      WSD_BENCH_RSS_FILE: rssFile,
      NODE_OPTIONS: `--require ${path.join(root, "bench", "reportPeakRss.cjs")}`
    }
  })
  const seconds = (performance.now() - started) / 1000
  if (result.status !== 0) throw new Error(`the DuckDB peer failed: ${result.stderr.trim().split("\n").at(-1)}`)
  const printed = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as { readonly rows_loaded: number }
  fs.rmSync(path.join(peerDir, "borough.duckdb"), { force: true })
  return { seconds, peakRssMb: Number(fs.readFileSync(rssFile, "utf8")) / 1024, rowsLoaded: printed.rows_loaded }
}
