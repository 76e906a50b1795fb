/**
 * Every command that makes temporary files removes them however it ends:
 * `validate` its folder of quarantined rows (identifiers included) in the
 * system temporary folder, `run` its partial release in the state area,
 * `extract` and `reidentify` their partial file beside the one they write.
 * Each is stopped by SIGINT and SIGTERM at several moments of its life, with
 * a temporary folder of its own, and nothing of its making may be left.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import {
  FIXTURE_AS_OF,
  filesUnder,
  fixtureRunArgs,
  fixturesInbox,
  newKey,
  repoRoot,
  runFixtures,
  tempDir
} from "./wsdCommand.js"

describe("a command stopped by SIGINT or SIGTERM", () => {
  let dir: string
  let out: string
  let keyFile: string
  let reidKeyFile: string
  let tmp: string
  let lists: string

  beforeAll(() => {
    dir = tempDir("stopped-commands")
    out = path.join(dir, "out")
    keyFile = newKey(dir)
    reidKeyFile = newKey(dir, "reid-key")
    expect(runFixtures({ out, keyFile }, "--reid-key-file", reidKeyFile).status).toBe(0)
    tmp = path.join(dir, "tmp")
    lists = path.join(dir, "lists")
    fs.mkdirSync(tmp)
    fs.mkdirSync(lists)
  })

  const list = () => path.join(lists, "list.csv")
  const commands = {
    validate: () => ["validate", "--inbox", fixturesInbox, "--as-of", FIXTURE_AS_OF],
    run: () => fixtureRunArgs({ out, keyFile }, "--reid-key-file", reidKeyFile, "--quiet"),
    extract: () => [
      ...["extract", "--from", out, "--workstream", "LW", "--purpose", "audit"],
      ...["--key-file", keyFile, "--out", list()]
    ],
    reidentify: () => [
      ...["reidentify", "--from", out, "--practice", "F84003", "--purpose", "direct-care"],
      ...["--reid-key-file", reidKeyFile, "--out", list()]
    ]
  }

  /**
   * Starts `command` with its own temporary folder and sends it `signal`
   * after a delay, or as soon as `watched` (a folder) changes, then again at
   * each change, as an impatient Ctrl-C does; resolves when it has ended.
   */
  const stopped = (
    command: keyof typeof commands,
    signal: "SIGINT" | "SIGTERM",
    after: { readonly ms: number } | { readonly watched: () => string }
  ) =>
    new Promise<void>((resolve) => {
      const child = spawn(process.execPath, [path.join(repoRoot, "bin", "wsd.js"), ...commands[command]()], {
        env: { ...process.env, TMPDIR: tmp },
        stdio: "ignore"
      })
      const stop = () => child.kill(signal)
      const timer = "ms" in after ? setTimeout(stop, after.ms) : undefined
      const watcher =
        "watched" in after
          ? fs.watch(after.watched(), () => {
              stop()
              stop()
            })
          : undefined
      child.on("exit", () => {
        clearTimeout(timer)
        watcher?.close()
        resolve()
      })
    })

  const state = (...parts: ReadonlyArray<string>) => path.join(dir, ".out.wsd", ...parts)

  // Stopped as soon as it makes its temporary file or folder, and over the rest of its life.
  it.each([
    ["validate", () => tmp, [300, 600, 900, 1200]],
    ["run", () => state("staging"), [500, 1000, 1500, 2000, 2500]],
    ["extract", () => lists, [300, 600, 900]],
    ["reidentify", () => lists, [300, 600, 900]]
  ] as const)(
    "leaves no temporary file of %s behind",
    async (command, watched, delays) => {
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        for (const after of [{ watched }, ...delays.map((ms) => ({ ms }))]) {
          await stopped(command, signal, after)
          const at = `${command} stopped by ${signal} ${"ms" in after ? `after ${after.ms} ms` : "as it made its temporary file"}`
          expect(fs.readdirSync(tmp), at).toEqual([])
          expect(fs.readdirSync(state("staging")), at).toEqual([])
          expect(fs.existsSync(state("lock")), at).toBe(false)
          expect(
            filesUnder(lists).filter((file) => file !== list()),
            at
          ).toEqual([])
          // Written before the signal came: sent on, so the next command writes it anew.
          fs.rmSync(list(), { force: true })
        }
      }
    },
    180_000
  )
})
