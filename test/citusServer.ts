/**
 * A throwaway Citus cluster for the tests that run the warehouse distributed:
 * a coordinator and two workers, each a cluster of its own started as
 * `postgresServer.ts` starts one (private ports and socket directories, no
 * TCP listener), with Citus preloaded, `create extension citus` on each and
 * the workers added to the coordinator by their socket directories.
 *
 * Citus comes from `citus/ensureCitus.sh`, which installs the cached build of
 * the vendored source (building it once per machine) when the server's
 * library directory has no `citus.so`. `WSD_TEST_CITUS_URL` points the tests
 * at an existing coordinator instead. Without either, the Citus tests are
 * skipped with `CITUS_SKIPPED` and the reason the script gave.
 */
import { spawnSync } from "node:child_process"
import * as path from "node:path"
import pg from "pg"
import type { TestProject } from "vitest/node"
import { projectFile } from "../pipelines/services/projectFiles.js"
import { postgresBinaries, startPostgres } from "./postgresServer.js"

declare module "vitest" {
  export interface ProvidedContext {
    /** The coordinator's URL; empty when there is no cluster. */
    citusUrl: string
    /** Why there is no cluster, when there is none. */
    citusSkipped: string
  }
}

// From the package root, so that the benchmark (run from dist/) finds it too.
const ENSURE_CITUS = projectFile("test", "citus", "ensureCitus.sh")

/** Small shard counts keep the fixtures' tables quick to create; the placement is the same in kind. */
const TEST_SHARDS = 4

/** Installs Citus if it is not installed (the script returns at once if it is); the reason when it cannot be. */
export const ensureCitus = (): string | undefined => {
  const result = spawnSync("bash", [ENSURE_CITUS], { encoding: "utf8" })
  if (result.status === 0) return undefined
  const said = (result.stderr || result.stdout || String(result.error)).trim().split("\n").slice(-3).join(" ")
  return `Citus is not installed and ${path.relative(process.cwd(), ENSURE_CITUS)} could not install it: ${said}`
}

const onServer = async (url: string, statements: ReadonlyArray<string>) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (const statement of statements) await client.query(statement)
  } finally {
    await client.end()
  }
}

/**
 * Starts a coordinator and two workers, a distributed table in `shards`
 * shards; returns the coordinator's URL and how to stop them all.
 */
export const startCitus = async (binaries: string, shards = TEST_SHARDS) => {
  // Three ports per process, away from the ones `startPostgres` takes by default.
  const base = 40_000 + (process.pid % 8_000) * 3
  const settings = ["shared_preload_libraries = 'citus'", `citus.shard_count = ${shards}`, "max_connections = 200"]
  const nodes = [0, 1, 2].map((n) => startPostgres(binaries, { port: base + n, settings, prefix: `wsd-citus-${n}-` }))
  const stop = () => nodes.forEach((node) => node.stop())
  try {
    for (const node of nodes) await onServer(node.url, ["create extension citus"])
    const [coordinator, ...workers] = nodes
    await onServer(coordinator!.url, [
      `select citus_set_coordinator_host('${coordinator!.socketDir}', ${coordinator!.port})`,
      ...workers.map((worker) => `select citus_add_node('${worker.socketDir}', ${worker.port})`)
    ])
    return { url: coordinator!.url, stop }
  } catch (error) {
    stop()
    throw error
  }
}

/** Vitest global setup: start the cluster once for the whole suite. */
export default async function setup(project: TestProject) {
  const given = process.env["WSD_TEST_CITUS_URL"]
  if (given !== undefined && given !== "") {
    project.provide("citusUrl", given)
    project.provide("citusSkipped", "")
    return
  }
  const binaries = postgresBinaries()
  const skipped =
    binaries === undefined
      ? "no PostgreSQL binaries (initdb, pg_ctl) to run Citus on; install Debian's postgresql"
      : ensureCitus()
  if (binaries === undefined || skipped !== undefined) {
    console.warn(`Citus tests skipped: ${skipped}`)
    project.provide("citusUrl", "")
    project.provide("citusSkipped", `skipped: ${skipped}`)
    return
  }
  const cluster = await startCitus(binaries)
  project.provide("citusUrl", cluster.url)
  project.provide("citusSkipped", "")
  return () => cluster.stop()
}
