/**
 * The output disk fails a run: it fills up, is remounted read-only, or is not
 * writable by the user the job runs as. Each time the run must exit 3 with
 * one last line naming the file and what to do (no stack trace), leave the
 * previous publication intact and readable and no half-written staging or
 * lineage behind, and the next run on a healthy disk must succeed.
 *
 * The disk is a small tmpfs mounted for the test, and the permission case
 * runs wsd as `nobody`: both need root (CI runs as root). Where that is not
 * possible the case is skipped, saying why.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { mountProblem, smallDisk } from "../smallDisk.js"
import {
  fixtureRunArgs,
  newKey,
  openWarehouse,
  repoRoot,
  runFixtures,
  sharedTempDir,
  tempDir,
  wsd
} from "./wsdCommand.js"

const run = (command: string, ...args: ReadonlyArray<string>) => spawnSync(command, args, { encoding: "utf8" })

const AS_NOBODY = ["--reuid=nobody", "--regid=nogroup", "--clear-groups"]

/** Why wsd cannot be run as `nobody` here, or undefined when it can. */
const nobodyProblem = (): string | undefined => {
  if (process.getuid?.() !== 0) return "running wsd as another user needs root"
  const probe = run("setpriv", ...AS_NOBODY, process.execPath, path.join(repoRoot, "bin", "wsd.js"), "--version")
  return probe.status === 0
    ? undefined
    : `nobody cannot run wsd from this checkout: ${(probe.stderr || String(probe.error)).trim()}`
}

const cannotMount = mountProblem()
const cannotRunAsNobody = nobodyProblem()
const titled = (title: string, skipReason: string | undefined) =>
  skipReason === undefined ? title : `${title} (skipped: ${skipReason})`

const HEALTHY = 64 * 1024 * 1024

/** What the previous publication was, to compare with after a failed run. */
const snapshot = (out: string) => ({
  release: fs.realpathSync(out),
  warehouse: fs.readFileSync(path.join(out, "warehouse.sqlite"))
})

const expectCleanFailure = (result: ReturnType<typeof wsd>, why: RegExp, next: RegExp) => {
  expect(result.status, result.stderr).toBe(3)
  // One line, no stack trace: --quiet leaves only what happened and what to do.
  expect(result.stderr.trim().split("\n")).toEqual([result.lastLine])
  expect(result.lastLine).toMatch(/^wsd: cannot write \/\S+: /)
  expect(result.lastLine).toMatch(why)
  expect(result.lastLine).toMatch(next)
}

const expectPublicationIntact = (out: string, before: ReturnType<typeof snapshot>) => {
  expect(fs.realpathSync(out)).toBe(before.release)
  expect(fs.readFileSync(path.join(out, "warehouse.sqlite")).equals(before.warehouse)).toBe(true)
  const db = openWarehouse(out)
  expect(db.prepare("select count(*) n from person").get()).toEqual({ n: 28 })
  db.close()
  expect(wsd("lineage", "verify", "--out", out).status).toBe(0)
}

/** No partial release left, and every line of the state area's logs whole. */
const expectStateAreaClean = (out: string) => {
  const stateDir = path.join(path.dirname(out), `.${path.basename(out)}.wsd`)
  expect(fs.readdirSync(path.join(stateDir, "staging"))).toEqual([])
  for (const log of ["chain.jsonl", "openlineage.jsonl"]) {
    const text = fs.readFileSync(path.join(stateDir, "lineage", log), "utf8")
    expect(text.endsWith("\n"), log).toBe(true)
    for (const line of text.trim().split("\n")) expect(() => JSON.parse(line), log).not.toThrow()
  }
}

const runQuietly = (out: string, keyFile: string) => runFixtures({ out, keyFile }, "--quiet")

describe("a failing output disk", () => {
  it.skipIf(cannotMount !== undefined)(
    titled("fails cleanly whenever the disk fills up, and the next run on a roomier disk succeeds", cannotMount),
    () => {
      const disk = smallDisk()
      try {
        const keyFile = newKey(tempDir("full-disk"))
        const out = path.join(disk.path, "out")
        expect(runQuietly(out, keyFile).status).toBe(0)
        const before = snapshot(out)
        const releaseBytes = before.warehouse.length
        // From no room at all (the first append fails) to half a release (the warehouse fails).
        for (const room of [0, 8 * 1024, Math.floor(releaseBytes / 8), Math.floor(releaseBytes / 2)]) {
          disk.resize(disk.usedBytes() + room)
          expectCleanFailure(
            runQuietly(out, keyFile),
            /: the disk is full \((ENOSPC|SQLITE_FULL)\)\. /,
            /Next: free space on the disk holding \/\S+\/\.out\.wsd .*then run again\.$/
          )
          expectPublicationIntact(out, before)
          expectStateAreaClean(out)
        }
        disk.resize(HEALTHY)
        const next = runQuietly(out, keyFile)
        expect(next.status, next.stderr).toBe(0)
        expect(fs.realpathSync(out)).not.toBe(before.release)
        expectStateAreaClean(out)
        expect(wsd("lineage", "verify", "--out", out).status).toBe(0)
      } finally {
        disk.unmount()
      }
    },
    120_000
  )

  it.skipIf(cannotMount !== undefined)(
    titled("fails cleanly on a read-only disk, and the next run after remounting it succeeds", cannotMount),
    () => {
      const disk = smallDisk()
      try {
        const keyFile = newKey(tempDir("read-only"))
        const out = path.join(disk.path, "out")
        expect(runQuietly(out, keyFile).status).toBe(0)
        const before = snapshot(out)
        disk.setReadOnly(true)
        expectCleanFailure(
          runQuietly(out, keyFile),
          /: the file system is read-only \(EROFS\)\. /,
          /Next: mount the disk holding \/\S+\/\.out\.wsd read-write, then run again\.$/
        )
        expectPublicationIntact(out, before)
        disk.setReadOnly(false)
        const next = runQuietly(out, keyFile)
        expect(next.status, next.stderr).toBe(0)
        expectStateAreaClean(out)
      } finally {
        disk.unmount()
      }
    }
  )

  it.skipIf(cannotRunAsNobody !== undefined)(
    titled("fails cleanly when the output area is not writable by the user running wsd", cannotRunAsNobody),
    () => {
      const dir = sharedTempDir("permission")
      fs.chownSync(dir, 65534, 65534)
      const asNobody = (...args: ReadonlyArray<string>) => {
        const result = run("setpriv", ...AS_NOBODY, process.execPath, path.join(repoRoot, "bin", "wsd.js"), ...args)
        return { ...result, lastLine: result.stderr.trimEnd().split("\n").at(-1) ?? "" }
      }
      const keyFile = path.join(dir, "key")
      expect(asNobody("keygen", "--out", keyFile).status).toBe(0)
      const out = path.join(dir, "out")
      const runAsNobody = () => asNobody(...fixtureRunArgs({ out, keyFile }, "--quiet"))
      expect(runAsNobody().status).toBe(0)
      const before = snapshot(out)
      // Root owns the state area now, as after a job once run by the wrong user.
      const stateDir = path.join(dir, ".out.wsd")
      for (const entry of fs.readdirSync(stateDir, { recursive: true }))
        fs.chownSync(path.join(stateDir, String(entry)), 0, 0)
      fs.chownSync(stateDir, 0, 0)
      expectCleanFailure(
        runAsNobody(),
        /: permission denied \(EACCES\)\. /,
        /Next: let the user running wsd write to \/\S+\/\.out\.wsd \(owner and mode\), then run again\.$/
      )
      expectPublicationIntact(out, before)
      for (const entry of fs.readdirSync(stateDir, { recursive: true })) {
        fs.chownSync(path.join(stateDir, String(entry)), 65534, 65534)
      }
      fs.chownSync(stateDir, 65534, 65534)
      const next = runAsNobody()
      expect(next.status, next.stderr).toBe(0)
      expectStateAreaClean(out)
    }
  )
})
