/**
 * A re-identified list or an extract killed at any moment: no file it leaves
 * holds a byte that lineage does not record, and a file recorded but never
 * put in place is named by `lineage verify` and by the next command, which
 * removes what was left of it and records that.
 */
import { spawn } from "node:child_process"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { type ChainEntry, extractsOf, eventsOf, partialFileOf } from "../../pipelines/governance/lineage.js"
import { newKey, repoRoot, runFixtures, tempDir, wsd } from "./wsdCommand.js"

describe("a re-identification or extract killed at any moment", () => {
  let dir: string
  let out: string
  let keyFile: string
  let reidKeyFile: string
  let lists: string
  let list: string

  beforeAll(() => {
    dir = tempDir("killed-extract")
    out = path.join(dir, "out")
    keyFile = newKey(dir)
    reidKeyFile = newKey(dir, "reid-key")
    expect(runFixtures({ out, keyFile }, "--reid-key-file", reidKeyFile).status).toBe(0)
    lists = path.join(dir, "lists")
    fs.mkdirSync(lists)
    list = path.join(lists, "list.csv")
  })

  const commands = {
    reidentify: () => [
      ...["reidentify", "--from", out, "--practice", "F84003", "--purpose", "direct-care"],
      ...["--reid-key-file", reidKeyFile, "--out", list]
    ],
    extract: () => [
      ...["extract", "--from", out, "--workstream", "LW", "--purpose", "audit"],
      ...["--key-file", keyFile, "--out", list]
    ]
  }
  const chainFile = () => path.join(dir, ".out.wsd", "lineage", "chain.jsonl")
  const chain = () =>
    fs
      .readFileSync(chainFile(), "utf8")
      .split("\n")
      .filter((line) => line.endsWith("}"))
      .map((line) => JSON.parse(line) as ChainEntry)
  const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex")

  /**
   * Starts `command` and SIGKILLs it `after` a delay, or as soon as `watched`
   * (a folder or file) changes; resolves when it has died (or finished first).
   */
  const killed = (command: keyof typeof commands, after: { readonly ms: number } | { readonly watched: string }) =>
    new Promise<void>((resolve) => {
      const child = spawn(process.execPath, [path.join(repoRoot, "bin", "wsd.js"), ...commands[command]()], {
        stdio: "ignore"
      })
      const kill = () => child.kill("SIGKILL")
      const timer = "ms" in after ? setTimeout(kill, after.ms) : undefined
      const watcher = "watched" in after ? fs.watch(after.watched, kill) : undefined
      child.on("exit", () => {
        clearTimeout(timer)
        watcher?.close()
        resolve()
      })
    })

  /**
   * What a kill may leave: the list, recorded with its SHA-256; its partial
   * file, empty (stopped before it was recorded) or recorded. Returns the
   * recorded partial files, which verify must name.
   */
  const assertNothingUnrecorded = () => {
    const extracts = extractsOf(chain())
    const recordedPartials = []
    for (const name of fs.readdirSync(lists)) {
      const file = path.join(lists, name)
      if (file === list) {
        expect(extracts.some((extract) => extract.path === list && extract.sha256 === sha256(list))).toBe(true)
        continue
      }
      expect(name).toMatch(/^\.list\.csv\.\d{8}T\d{9}Z\.wsd-partial$/)
      const recorded = extracts.some((extract) => partialFileOf(extract) === file)
      if (recorded) recordedPartials.push(file)
      else expect(fs.statSync(file).size, `${name}: written before it was recorded`).toBe(0)
    }
    return recordedPartials
  }

  it("leaves nothing identifiable unrecorded, and verify names a list recorded but not in place", async () => {
    const partialsSeen = new Set<string>()
    const trials: ReadonlyArray<
      readonly [keyof typeof commands, { readonly ms: number } | { readonly watched: string }]
    > = [
      ...[0, 150, 300, 400, 450, 500, 550, 600, 650, 700].map(
        (ms, i) => [i % 3 === 2 ? "extract" : "reidentify", { ms }] as const
      ),
      // Stopped as soon as its partial file appears, as soon as it is recorded, and once put in place.
      ["reidentify", { watched: lists }],
      ["extract", { watched: lists }],
      ["reidentify", { watched: chainFile() }],
      ["extract", { watched: chainFile() }]
    ]
    for (const [command, after] of trials) {
      await killed(command, after)
      const open = assertNothingUnrecorded()
      for (const file of open) partialsSeen.add(file)
      const verified = wsd("lineage", "verify", "--out", out)
      if (!fs.readFileSync(chainFile(), "utf8").endsWith("\n")) {
        expect(verified.lastLine).toContain("torn append")
      } else if (open.length > 0) {
        expect(verified.status).toBe(1)
        expect(verified.lastLine).toMatch(
          /is recorded as \S+list\.csv \(SHA-256 [0-9a-f]{64}\), but it was never put in place/
        )
      } else {
        expect(verified.status, verified.lastLine).toBe(0)
      }
      // Sent on to its recipient: the next command writes a new list.
      fs.rmSync(list, { force: true })
    }
    const next = wsd(...commands.reidentify())
    expect(next.status, next.stderr).toBe(0)
    expect(fs.readdirSync(lists)).toEqual(["list.csv"])
    expect(wsd("lineage", "verify", "--out", out).status).toBe(0)
    const reported = eventsOf(chain()).filter((event) => event.kind === "delivery_interrupted")
    expect(new Set(reported.map((event) => event.finding.match(/partial file (\S+) was removed/)![1]))).toEqual(
      partialsSeen
    )
  }, 120_000)

  it("has the next command report a list recorded but not in place, remove what is left of it, and record that", () => {
    fs.rmSync(list, { force: true })
    const taken = wsd(...commands.reidentify())
    expect(taken.status, taken.stderr).toBe(0)
    // What a kill between recording the list and renaming it into place leaves.
    const entry = extractsOf(chain()).at(-1)!
    fs.renameSync(list, partialFileOf(entry))
    const verified = wsd("lineage", "verify", "--out", out)
    expect(verified.status).toBe(1)
    expect(verified.lastLine).toContain(
      `reidentification taken at ${entry.at} is recorded as ${list} (SHA-256 ${entry.sha256}), but it was never put in place: the command writing it was stopped, and its partial file ${partialFileOf(entry)} is still there`
    )
    const next = wsd(...commands.extract())
    expect(next.status, next.stderr).toBe(0)
    expect(next.stderr).toContain(
      `lineage event recorded kind=delivery_interrupted finding="reidentification taken at ${entry.at} is recorded as ${list}`
    )
    expect(fs.existsSync(partialFileOf(entry))).toBe(false)
    expect(wsd("lineage", "verify", "--out", out).status).toBe(0)
    expect(wsd("lineage", "list", "--out", out).stdout).toMatch(
      /delivery_interrupted recorded by workstream_extract at \S+: reidentification taken at \S+ is recorded as/
    )
  })
})
