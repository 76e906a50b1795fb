/**
 * Who may read what a run leaves on disk, tried as real users: an analyst in
 * the reader group opens the publication and nothing of the secure area, a
 * user outside the group opens nothing, and without a reader group only the
 * user running wsd reads anything.
 *
 * The users and group are made (once, idempotently) with `groupadd` and
 * `useradd`, and the reads are made as them with `runuser`: both need root
 * (CI runs as root). Where that is not possible the cases are skipped, saying
 * why. The run's folder is a 0755 one under /tmp, since a private `TMPDIR`
 * would hide the publication from every other user whatever wsd did.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { fixtureRunArgs, newKey, repoRoot, runFixtures, sharedTempDir } from "./wsdCommand.js"

const GROUP = "wsd-analysts"
const ANALYST = "wsd-analyst"
const OUTSIDER = "wsd-outsider"

const run = (command: string, ...args: ReadonlyArray<string>) => spawnSync(command, args, { encoding: "utf8" })

/** Makes the group and the two users unless they exist; why that cannot be done here, or undefined. */
const usersProblem = (): string | undefined => {
  if (process.getuid?.() !== 0) return "making users and reading as them needs root"
  for (const tool of ["groupadd", "useradd", "runuser"]) {
    if (run("sh", "-c", `command -v ${tool}`).status !== 0) return `${tool} is not installed`
  }
  const made = [
    run("groupadd", "--force", "--system", GROUP),
    ...[
      [ANALYST, GROUP],
      [OUTSIDER, undefined]
    ].map(([user, group]) =>
      run("id", "-u", user!).status === 0
        ? { status: 0, stderr: "" }
        : run(
            "useradd",
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            ...(group === undefined ? ["--user-group"] : ["--gid", group]),
            user!
          )
    )
  ]
  const failed = made.find((result) => result.status !== 0)
  return failed === undefined ? undefined : `cannot make the test users: ${failed.stderr.trim()}`
}

const cannotMakeUsers = usersProblem()
const titled = (title: string) => (cannotMakeUsers === undefined ? title : `${title} (skipped: ${cannotMakeUsers})`)

/** What `user` gets opening each file: "read", or the error code (EACCES). */
const readsAs = (user: string, files: ReadonlyArray<string>): Record<string, string> => {
  const script = `
    const fs = require("node:fs")
    const seen = {}
    for (const file of process.argv.slice(1)) {
      try { fs.readFileSync(file); seen[file] = "read" } catch (error) { seen[file] = error.code }
    }
    process.stdout.write(JSON.stringify(seen))`
  const result = run("runuser", "-u", user, "--", process.execPath, "-e", script, ...files)
  expect(result.status, result.stderr).toBe(0)
  return JSON.parse(result.stdout) as Record<string, string>
}

const everyFile = (dir: string): Array<string> =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))

/**
 * A night on the fixtures in a folder other users can reach, with both keys
 * beside it, under the strictest umask a service account has (0077): the
 * release's modes must not depend on it.
 */
const night = (...extra: ReadonlyArray<string>) => {
  const dir = sharedTempDir("access")
  const keyFile = newKey(dir)
  const reidKey = newKey(dir, "reid-key")
  const out = path.join(dir, "out")
  const args = fixtureRunArgs({ out, keyFile }, "--reid-key-file", reidKey, "--quiet", ...extra)
  const bin = path.join(repoRoot, "bin", "wsd.js")
  const result = run("sh", "-c", 'umask 0077 && exec "$@"', "sh", process.execPath, bin, ...args)
  expect(result.status, result.stderr).toBe(0)
  return { dir, out, keyFile, reidKey, stateDir: path.join(dir, ".out.wsd") }
}

/** The release's files the analyst is meant for, read through the `--out` link. */
const publishedFiles = (out: string) => [path.join(out, "report.html"), path.join(out, "cohort-summary.csv")]

/** The secure area: the exact chain, the keys, the re-identification store, quarantined rows, the review queue, the log. */
const secureFiles = ({ keyFile, reidKey, stateDir }: ReturnType<typeof night>) => {
  const secure = everyFile(path.join(stateDir, "secure"))
  const kinds = ["reidentification", "quarantine", "review"].map((kind) =>
    secure.filter((file) => file.includes(`${path.sep}${kind}${path.sep}`))
  )
  for (const files of kinds) expect(files.length).toBeGreaterThan(0)
  return [
    path.join(stateDir, "lineage", "chain.jsonl"),
    ...everyFile(path.join(stateDir, "logs")),
    keyFile,
    reidKey,
    ...kinds.flat()
  ]
}

const outcomes = (seen: Record<string, string>) => [...new Set(Object.values(seen))]

describe("who may read the publication", () => {
  it.skipIf(cannotMakeUsers !== undefined)(
    titled("with --group, its members read the release and none of the secure area, and other users read nothing"),
    () => {
      const area = night("--group", GROUP)
      const published = publishedFiles(area.out)
      expect(readsAs(ANALYST, published)).toEqual(Object.fromEntries(published.map((file) => [file, "read"])))
      // Every file of the release, not just the two an analyst opens first.
      expect(outcomes(readsAs(ANALYST, everyFile(fs.realpathSync(area.out))))).toEqual(["read"])
      const secure = secureFiles(area)
      expect(readsAs(ANALYST, secure)).toEqual(Object.fromEntries(secure.map((file) => [file, "EACCES"])))
      expect(outcomes(readsAs(OUTSIDER, [...published, ...secure]))).toEqual(["EACCES"])
      // The secure folders stay the owner's alone; the way to the releases is open to the group only.
      for (const folder of ["secure", "lineage", "logs", "staging"]) {
        expect(fs.statSync(path.join(area.stateDir, folder)).mode & 0o077, folder).toBe(0)
      }
      expect(fs.statSync(area.stateDir).mode & 0o777).toBe(0o710)
      expect(fs.statSync(path.join(area.stateDir, "releases")).mode & 0o777).toBe(0o750)
    }
  )

  it.skipIf(cannotMakeUsers !== undefined)(
    titled("publicationGroup in the configuration opens it the same way, and a night without a group closes it again"),
    () => {
      const configFile = path.join(sharedTempDir("access-config"), "wsd.json")
      fs.writeFileSync(configFile, JSON.stringify({ publicationGroup: GROUP }))
      const area = night("--config", configFile)
      const published = publishedFiles(area.out)
      expect(outcomes(readsAs(ANALYST, published))).toEqual(["read"])
      // Lineage records whom the night was opened to.
      const chain = fs
        .readFileSync(path.join(area.stateDir, "lineage", "chain.jsonl"), "utf8")
        .trim()
        .split("\n")
      const last = JSON.parse(chain.at(-1)!) as { run: { config: { publicationGroup?: string } } }
      expect(last.run.config.publicationGroup).toBe(GROUP)
      const next = runFixtures({ out: area.out, keyFile: area.keyFile }, "--quiet")
      expect(next.status, next.stderr).toBe(0)
      expect(outcomes(readsAs(ANALYST, published))).toEqual(["EACCES"])
      expect(fs.statSync(area.stateDir).mode & 0o777).toBe(0o700)
    }
  )

  it("refuses a reader group that does not exist before publishing anything (exit 2)", () => {
    const dir = sharedTempDir("access-unknown")
    const out = path.join(dir, "out")
    const result = runFixtures({ out, keyFile: newKey(dir) }, "--group", "wsd-no-such-group")
    expect(result.status, result.stderr).toBe(2)
    expect(result.lastLine).toMatch(/reader group wsd-no-such-group does not exist/)
    expect(fs.existsSync(out)).toBe(false)
  })
})
