/**
 * The benchmark's inputs: a synthetic borough cached by size, seed and as-of
 * date under `bench-data/`, a key, and a run of the nightly batch on it.
 */
import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..")
export const dataDir = path.join(root, "bench-data")
const wsdBin = path.join(root, "bin", "wsd.js")

export interface BenchOptions {
  readonly residents: number
  readonly seed: number
  readonly asOf: string
  /** `sqlite` (the default), `postgres` for a throwaway local cluster, or a `postgres://` URL. */
  readonly warehouse: string
  /** Rounds of wsd (each interleaved with a round of the peer when `peer`). */
  readonly rounds: number
  /** Whether to measure the DuckDB peer too: on unless `--no-peer`, or in CI unless `--peer`. */
  readonly peer: boolean
}

export const benchOptions = (argv: ReadonlyArray<string>): BenchOptions => {
  const value = (flag: string, fallback: string) => {
    const at = argv.indexOf(flag)
    return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1]! : fallback
  }
  return {
    residents: Number(value("--residents", "330000")),
    seed: Number(value("--seed", "1")),
    asOf: value("--as-of", "2026-11-20"),
    warehouse: value("--warehouse", "sqlite"),
    rounds: Math.max(1, Number(value("--rounds", "2"))),
    peer: argv.includes("--peer") || (!argv.includes("--no-peer") && process.env.CI === undefined)
  }
}

const wsd = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = process.env) => {
  const result = spawnSync(process.execPath, [wsdBin, ...args], { encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 })
  if (result.status !== 0) throw new Error(`wsd ${args[0]} failed: ${result.stderr.trim().split("\n").at(-1)}`)
  return result
}

/**
 * The generator's sources: a borough cached by an older generator is not the
 * borough this checkout would write, so the cache is keyed by their digest.
 */
const GENERATOR_SOURCES = [
  "synth/borough.ts",
  "synth/names.ts",
  "pipelines/cli/synthesise.ts",
  "transforms/seededRandom.ts",
  "transforms/spreadsheetSafety.ts",
  "schemas/fields/extractDate.ts",
  "schemas/fields/nhsNumber.ts"
]

const generatorDigest = (): string => {
  const hash = createHash("sha256")
  for (const file of GENERATOR_SOURCES) hash.update(fs.readFileSync(path.join(root, file)))
  return hash.digest("hex").slice(0, 8)
}

/** The borough for these options and this checkout's generator, generated once and reused. */
export const borough = (
  options: BenchOptions
): { readonly inbox: string; readonly generatedSeconds: number | undefined } => {
  const name = `borough-${options.residents}-seed${options.seed}-${options.asOf}-${generatorDigest()}`
  const inbox = path.join(dataDir, name)
  const prefix = name.slice(0, name.lastIndexOf("-") + 1)
  // The same borough written by another generator is stale: it goes, as it would only fill the disk.
  for (const entry of fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : []) {
    if (entry.startsWith(prefix) && entry !== name)
      fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true })
  }
  if (fs.existsSync(path.join(inbox, "truth", "personas.csv"))) return { inbox, generatedSeconds: undefined }
  fs.rmSync(inbox, { recursive: true, force: true })
  const started = performance.now()
  wsd([
    "synth",
    "--residents",
    String(options.residents),
    "--seed",
    String(options.seed),
    "--out",
    inbox,
    "--as-of",
    options.asOf
  ])
  return { inbox, generatedSeconds: (performance.now() - started) / 1000 }
}

export const benchKey = (): string => {
  const keyFile = path.join(dataDir, "key")
  if (!fs.existsSync(keyFile)) {
    fs.mkdirSync(dataDir, { recursive: true })
    wsd(["keygen", "--out", keyFile])
  }
  return keyFile
}

/** Runs the nightly batch (into `warehouseUrl` when given), returning wall time and the process's peak RSS. */
export const runBatch = (options: BenchOptions, inbox: string, out: string, warehouseUrl?: string) => {
  const rssFile = path.join(dataDir, "peak-rss")
  const env = {
    ...process.env,
    WSD_BENCH_RSS_FILE: rssFile,
    NODE_OPTIONS: `--require ${path.join(root, "bench", "reportPeakRss.cjs")}`
  }
  const started = performance.now()
  const warehouse = warehouseUrl === undefined ? [] : ["--warehouse", warehouseUrl]
  wsd(
    ["run", "--inbox", inbox, "--out", out, "--key-file", benchKey(), "--as-of", options.asOf, "--quiet", ...warehouse],
    env
  )
  const seconds = (performance.now() - started) / 1000
  return { seconds, peakRssMb: Number(fs.readFileSync(rssFile, "utf8")) / 1024 }
}
