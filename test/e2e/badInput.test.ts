/**
 * Bad input as the analyst meets it at the command line: what the run does,
 * its exit status and last line, what lineage says, and what is published.
 * (Each file-level and row-level problem is covered one by one by the corpus
 * in `test/pipeline/badInput.test.ts`.)
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { copyOfFixtures, newKey, runFixtures, tempDir } from "./wsdCommand.js"

const lastRunOf = (out: string) => {
  const lines = fs.readFileSync(
    path.join(path.dirname(out), `.${path.basename(out)}.wsd`, "lineage", "chain.jsonl"),
    "utf8"
  )
  return JSON.parse(lines.trim().split("\n").at(-1)!).run
}

describe("links in the inbox", () => {
  it("fails a required source that is a link to a file outside the inbox, naming both, and publishes nothing", () => {
    const dir = tempDir("link-outside")
    const keyFile = newKey(dir)
    const out = path.join(dir, "out")
    const inbox = copyOfFixtures(dir)
    expect(runFixtures({ out, keyFile, inbox }).status).toBe(0)
    const published = fs.realpathSync(out)

    const elsewhere = path.join(dir, "elsewhere")
    fs.mkdirSync(elsewhere)
    fs.renameSync(path.join(inbox, "gp_events.csv"), path.join(elsewhere, "gp_events.csv"))
    fs.symlinkSync(path.join("..", "elsewhere", "gp_events.csv"), path.join(inbox, "gp_events.csv"))
    const result = runFixtures({ out, keyFile, inbox })
    expect(result.status).toBe(1)
    expect(result.lastLine).toBe(
      `wsd: required source gp_events failed: ${path.join(inbox, "gp_events.csv")} is a link to ${path.join(
        fs.realpathSync(elsewhere),
        "gp_events.csv"
      )}, outside the inbox ${fs.realpathSync(inbox)}: wsd reads only files in the inbox. ` +
        "Next: put gp_events.csv itself in the inbox rather than a link to it; the previous publication is unchanged."
    )
    expect(fs.realpathSync(out)).toBe(published)
    expect(lastRunOf(out).inputs.find((input: { source: string }) => input.source === "gp_events")).toMatchObject({
      status: "failed",
      rows_read: 0,
      sha256: null
    })
  })

  it("reads a link to a file inside the inbox, and records that it did", () => {
    const dir = tempDir("link-inside")
    const out = path.join(dir, "out")
    const inbox = copyOfFixtures(dir)
    fs.renameSync(path.join(inbox, "gp_events.csv"), path.join(inbox, "gp_events-2026-11-20.txt"))
    fs.symlinkSync("gp_events-2026-11-20.txt", path.join(inbox, "gp_events.csv"))
    const result = runFixtures({ out, keyFile: newKey(dir), inbox })
    expect(result.status, result.stderr).toBe(0)
    const input = lastRunOf(out).inputs.find((entry: { source: string }) => entry.source === "gp_events")
    expect(input).toMatchObject({
      status: "loaded",
      path: path.join(inbox, "gp_events.csv"),
      message: `read through a link to ${path.join(fs.realpathSync(inbox), "gp_events-2026-11-20.txt")}`
    })
    expect(input.rows_accepted).toBeGreaterThan(0)
  })
})
