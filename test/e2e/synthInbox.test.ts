import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { copyOfFixtures, FIXTURE_AS_OF, newKey, tempDir, wsd } from "./wsdCommand.js"

const synth = (out: string, ...extra: ReadonlyArray<string>) =>
  wsd("synth", "--residents", "20", "--seed", "4", "--out", out, ...extra)

/** Every file under `dir` with its bytes, to show nothing in it changed. */
const contentsOf = (dir: string) =>
  Object.fromEntries(
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => [
        path.relative(dir, path.join(entry.parentPath, entry.name)),
        fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8")
      ])
  )

describe("wsd synth into an existing folder", () => {
  it("refuses a folder holding files it did not write (exit 2), naming it and touching none of them", () => {
    const inbox = copyOfFixtures(tempDir("synth-inbox"))
    const before = contentsOf(inbox)
    for (const extra of [[], ["--replace"]]) {
      const refused = synth(inbox, "--as-of", FIXTURE_AS_OF, ...extra)
      expect(refused.status).toBe(2)
      expect(refused.lastLine).toBe(
        `wsd: --out ${inbox} is not empty and holds no synth.json: wsd synth writes only into a new or empty folder, never over files it did not write. Next: name a new folder for --out.`
      )
    }
    expect(contentsOf(inbox)).toEqual(before)
  })

  it("writes into an empty folder, and over its own borough only with --replace", () => {
    const out = path.join(tempDir("synth-own"), "borough")
    fs.mkdirSync(out)
    expect(synth(out, "--as-of", FIXTURE_AS_OF).status).toBe(0)
    const first = contentsOf(out)
    const again = synth(out, "--as-of", FIXTURE_AS_OF)
    expect(again.status).toBe(2)
    expect(again.lastLine).toContain(`--out ${out} already holds a synthetic borough`)
    expect(again.lastLine).toContain("--replace")
    const replaced = synth(out, "--as-of", "2026-10-01", "--replace")
    expect(replaced.status, replaced.stderr).toBe(0)
    expect(JSON.parse(fs.readFileSync(path.join(out, "synth.json"), "utf8"))).toEqual({
      written_by: "wsd synth",
      as_of: "2026-10-01",
      residents: 20,
      seed: 4
    })
    expect(contentsOf(out)["gp_registrations.csv"]).not.toBe(first["gp_registrations.csv"])
  })
})

describe("the as-of date of a synthetic inbox", () => {
  it("is the night synth wrote it for when run and validate are not given --as-of", () => {
    const dir = tempDir("synth-as-of")
    const inbox = path.join(dir, "borough")
    // Long before today, so a run that fell back on today would show it in its lineage.
    expect(synth(inbox, "--as-of", "2026-06-30").status).toBe(0)
    const validated = wsd("validate", "--inbox", inbox)
    expect(validated.status, validated.stderr).toBe(0)
    expect(validated.stderr).toContain(`wsd: as of 2026-06-30, the night ${inbox} was synthesised for (synth.json)`)
    const out = path.join(dir, "out")
    const ran = wsd("run", "--inbox", inbox, "--out", out, "--key-file", newKey(dir), "--quiet")
    expect(ran.status, ran.stderr).toBe(0)
    // --quiet keeps stderr empty; the date is in lineage.
    expect(ran.stderr).toBe("")
    const chain = fs
      .readFileSync(path.join(dir, ".out.wsd", "lineage", "chain.jsonl"), "utf8")
      .trim()
      .split("\n")
    expect(JSON.parse(chain.at(-1)!).run).toMatchObject({ status: "succeeded", as_of: "2026-06-30" })
  })

  it("warns when --as-of differs from it, saying what that does", () => {
    const inbox = path.join(tempDir("synth-mismatch"), "borough")
    expect(synth(inbox, "--as-of", FIXTURE_AS_OF).status).toBe(0)
    const validated = wsd("validate", "--inbox", inbox, "--as-of", "2026-11-01")
    expect(validated.stderr).toContain(
      `wsd warning: --as-of 2026-11-01 is not ${FIXTURE_AS_OF}, the night ${inbox} was synthesised for (synth.json): its records dated after 2026-11-01 will be quarantined as future dates`
    )
  })
})

describe("--as-of", () => {
  it("is refused by synth unless a real YYYY-MM-DD date, before anything is written", () => {
    const out = path.join(tempDir("synth-bad-date"), "borough")
    const refused = synth(out, "--as-of", "2026-13-45")
    expect(refused.status).toBe(2)
    expect(refused.stderr).not.toContain("RangeError")
    expect(refused.lastLine).toBe(
      "wsd: --as-of 2026-13-45 is not a real calendar date. Next: pass a real date as --as-of YYYY-MM-DD, e.g. --as-of 2026-11-20."
    )
    expect(fs.existsSync(out)).toBe(false)
  })
})
