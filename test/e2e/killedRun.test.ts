/**
 * A nightly job can be killed at any moment. Whenever it dies, the previous
 * publication (or the new one, if the swap already happened) must be complete
 * and readable, and the next run must succeed.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import Database from "better-sqlite3"
import { describe, expect, it } from "vitest"
import { fixtureRunArgs, newKey, repoRoot, runFixtures, tempDir } from "./wsdCommand.js"

const TRIALS = 20

/** Starts a run and SIGKILLs it after `delayMs`; resolves when it has died (or finished first). */
const killRunAfter = (out: string, keyFile: string, delayMs: number) =>
  new Promise<void>((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, "bin", "wsd.js"), ...fixtureRunArgs({ out, keyFile }, "--quiet")],
      { stdio: "ignore" }
    )
    const timer = setTimeout(() => child.kill("SIGKILL"), delayMs)
    child.on("exit", () => {
      clearTimeout(timer)
      resolve()
    })
  })

const assertPublicationReadable = (out: string) => {
  const release = fs.realpathSync(out)
  for (const file of [
    "warehouse.sqlite",
    "lineage/chain.jsonl",
    "complex-cohort/all.csv",
    "cohort-summary.csv",
    "report.html"
  ]) {
    expect(fs.existsSync(path.join(release, file)), file).toBe(true)
  }
  const db = new Database(path.join(release, "warehouse.sqlite"), { readonly: true })
  expect(db.prepare("select count(*) n from person").get()).toEqual({ n: 28 })
  expect(db.prepare("select count(*) n from segment_membership").get()).toEqual({ n: 28 })
  db.close()
}

describe("a run killed at any moment", () => {
  it(`leaves a complete publication and lets the next run succeed (${TRIALS} trials)`, async () => {
    const dir = tempDir("killed")
    const keyFile = newKey(dir)
    const out = path.join(dir, "out")
    expect(runFixtures({ out, keyFile }).status).toBe(0)
    // Spread the kills over a run's whole life (three to four seconds here, drawing the report
    // included), the same spread every time.
    const delays = Array.from({ length: TRIALS }, (_, i) => 40 + ((i * 397) % 4000))
    for (const delay of delays) {
      await killRunAfter(out, keyFile, delay)
      assertPublicationReadable(out)
    }
    const next = runFixtures({ out, keyFile })
    expect(next.status, next.stderr).toBe(0)
    assertPublicationReadable(out)
    expect(fs.readdirSync(path.join(dir, ".out.wsd", "staging"))).toEqual([])
  }, 180_000)
})
