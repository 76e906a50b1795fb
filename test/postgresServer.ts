/**
 * A throwaway PostgreSQL server for the tests that run against PostgreSQL:
 * a new cluster from the machine's own binaries (`initdb`, `pg_ctl`), on a
 * private port and a socket directory of its own, no TCP listener, removed
 * when the suite ends. PostgreSQL refuses to run as root, so under root the
 * cluster belongs to `nobody`.
 *
 * `WSD_TEST_POSTGRES_URL` points the tests at an existing server instead.
 * Without either, the PostgreSQL tests are skipped with `POSTGRES_SKIPPED`.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { TestProject } from "vitest/node"

declare module "vitest" {
  export interface ProvidedContext {
    /** A connection URL for a server the tests may create databases on; empty when there is none. */
    postgresUrl: string
  }
}

export const POSTGRES_SKIPPED =
  "skipped: no PostgreSQL binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or on PATH; install Debian's postgresql package (.ci/run installs it when absent) or set WSD_TEST_POSTGRES_URL"

/** The directory holding `initdb` and `pg_ctl`, newest version first, or undefined. */
export const postgresBinaries = (): string | undefined => {
  const versions = fs.existsSync("/usr/lib/postgresql")
    ? fs
        .readdirSync("/usr/lib/postgresql")
        .sort((a, b) => Number(b) - Number(a))
        .map((version) => `/usr/lib/postgresql/${version}/bin`)
    : []
  const onPath = (process.env["PATH"] ?? "").split(path.delimiter)
  return [...versions, ...onPath].find((dir) => fs.existsSync(path.join(dir, "initdb")))
}

const run = (asUser: string | undefined, command: string, args: ReadonlyArray<string>) => {
  const [file, argv] = asUser === undefined ? [command, args] : ["runuser", ["-u", asUser, "--", command, ...args]]
  const result = spawnSync(file, argv, { encoding: "utf8" })
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr || result.stdout || String(result.error)}`)
  }
}

export interface ServerOptions {
  /** The server's port (on its socket); by default one per process, so that two suites on one machine do not collide. */
  readonly port?: number
  /** Lines for `postgresql.conf` (libraries to preload, say). */
  readonly settings?: ReadonlyArray<string>
  /** How the cluster's directory is named under the temporary directory. */
  readonly prefix?: string
}

/** Starts a cluster in a fresh directory; returns its URL and how to stop and remove it. */
export const startPostgres = (binaries: string, options: ServerOptions = {}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), options.prefix ?? "wsd-postgres-"))
  const asUser = process.getuid?.() === 0 ? "nobody" : undefined
  if (asUser !== undefined) {
    fs.chmodSync(dir, 0o755)
    const { gid, uid } = userIds(asUser)
    fs.chownSync(dir, uid, gid)
  }
  const data = path.join(dir, "data")
  const port = options.port ?? 20_000 + (process.pid % 20_000)
  run(asUser, path.join(binaries, "initdb"), ["-D", data, "-A", "trust", "-U", "wsd", "--no-sync", "-E", "UTF8"])
  if (options.settings !== undefined) {
    fs.appendFileSync(path.join(data, "postgresql.conf"), options.settings.map((line) => `${line}\n`).join(""))
  }
  run(asUser, path.join(binaries, "pg_ctl"), [
    "-D",
    data,
    "-o",
    `-k ${dir} -p ${port} -c listen_addresses='' -c fsync=off -c full_page_writes=off`,
    "-l",
    path.join(dir, "server.log"),
    "-w",
    "start"
  ])
  return {
    url: `postgresql://wsd@localhost:${port}/postgres?host=${encodeURIComponent(dir)}`,
    socketDir: dir,
    port,
    stop: () => {
      run(asUser, path.join(binaries, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"])
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}

const userIds = (user: string) => {
  const line = fs
    .readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith(`${user}:`))
  const [, , uid, gid] = (line ?? "").split(":")
  if (uid === undefined || gid === undefined) throw new Error(`no user ${user} to run PostgreSQL as`)
  return { uid: Number(uid), gid: Number(gid) }
}

/** Vitest global setup: start the server once for the whole suite. */
export default function setup(project: TestProject) {
  const given = process.env["WSD_TEST_POSTGRES_URL"]
  if (given !== undefined && given !== "") {
    project.provide("postgresUrl", given)
    return
  }
  const binaries = postgresBinaries()
  if (binaries === undefined) {
    console.warn(`PostgreSQL tests ${POSTGRES_SKIPPED}`)
    project.provide("postgresUrl", "")
    return
  }
  const server = startPostgres(binaries)
  project.provide("postgresUrl", server.url)
  return () => server.stop()
}
