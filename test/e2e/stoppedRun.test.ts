/**
 * A nightly job stopped by a signal (systemd's SIGTERM, an operator's
 * Ctrl-C) ends as a failed run: recorded in lineage with why, its partial
 * release removed, the lock released, the previous publication untouched,
 * and a last line saying so, with the shell's exit status for the signal.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { fixtureRunArgs, newKey, repoRoot, runFixtures, tempDir } from "./wsdCommand.js"

/** Starts a run and sends it `signal` once its first stage is done; resolves with its status and stderr. */
const stopRunMidway = (out: string, keyFile: string, signal: "SIGTERM" | "SIGINT") =>
  new Promise<{ readonly status: number | null; readonly stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, "bin", "wsd.js"), ...fixtureRunArgs({ out, keyFile })], {
      stdio: ["ignore", "ignore", "pipe"]
    })
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString()
      if (stderr.includes("stage done stage=spine") && !child.killed) child.kill(signal)
    })
    child.on("exit", (status) => resolve({ status, stderr }))
  })

describe("a run stopped by a signal", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130]
  ] as const)(
    "ends on %s as a recorded failure, leaving the previous publication (exit %i)",
    async (signal, status) => {
      const dir = tempDir(`stopped-${signal}`)
      const keyFile = newKey(dir)
      const out = path.join(dir, "out")
      expect(runFixtures({ out, keyFile }).status).toBe(0)
      const published = fs.realpathSync(out)
      const stopped = await stopRunMidway(out, keyFile, signal)
      expect(stopped.status).toBe(status)
      expect(stopped.stderr.trimEnd().split("\n").at(-1)).toBe(
        `wsd: stopped by ${signal} before it finished; the previous publication is unchanged. Next: run it again.`
      )
      expect(fs.realpathSync(out)).toBe(published)
      const state = path.join(dir, ".out.wsd")
      expect(fs.readdirSync(path.join(state, "staging"))).toEqual([])
      expect(fs.existsSync(path.join(state, "lock"))).toBe(false)
      const last = JSON.parse(
        fs
          .readFileSync(path.join(state, "lineage", "chain.jsonl"), "utf8")
          .trim()
          .split("\n")
          .at(-1)!
      )
      expect(last.run).toMatchObject({ status: "failed", failure_reason: expect.stringContaining("interrupted") })
      expect(runFixtures({ out, keyFile }).status).toBe(0)
    }
  )
})
