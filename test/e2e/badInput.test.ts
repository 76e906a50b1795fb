/**
 * Bad input as the analyst meets it at the command line: what the run does,
 * its exit status and last line, what lineage says, and what is published.
 * (Each file-level and row-level problem is covered one by one by the corpus
 * in `test/pipeline/badInput.test.ts`.)
 */
import { createHmac } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { copyOfFixtures, newKey, openWarehouse, runFixtures, tempDir, wsd } from "./wsdCommand.js"

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

describe("one NHS number with two dates of birth", () => {
  it("keeps one person, dated by the registration that wins, and reports the conflict as a count", () => {
    const dir = tempDir("dob-conflict")
    const keyFile = newKey(dir)
    const key = Buffer.from(fs.readFileSync(keyFile, "utf8").trim(), "hex")
    const out = path.join(dir, "out")
    const inbox = copyOfFixtures(dir)
    // Peter (born 02/06/1971, registered since 2004) re-registers at another practice with another date of birth.
    fs.appendFileSync(
      path.join(inbox, "gp_registrations.csv"),
      "9131860915,Brennan,Peter,1972-06-02,M,E3 2AB,100023000002,F84003,2025-06-01,,,A\n"
    )
    const result = runFixtures({ out, keyFile, inbox })

    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toContain("28 residents")
    // The fixtures already hold one such person (Samuel); Peter is the second.
    expect(result.stderr).toContain("wsd warning: conflicting dates of birth source=gp_registrations people=2")
    for (const value of ["1972-06-02", "02/06/1972", "1971-06-02", "02/06/1971"]) {
      expect(result.stderr + result.stdout).not.toContain(value)
    }
    expect(lastRunOf(out).spine).toMatchObject({ conflicting_date_of_birth: 2, residents: 28 })

    const peter = createHmac("sha256", key).update("nhs_number:9131860915").digest("hex").slice(0, 32)
    const db = openWarehouse(out)
    // The registration current on the as-of date wins (the latest of two current ones): its practice and date of birth.
    expect(
      db.prepare("select year_of_birth, age_years, practice_code from person where person_id = ?").all(peter)
    ).toEqual([{ year_of_birth: 1972, age_years: 54, practice_code: "F84003" }])
    db.close()

    const runId = lastRunOf(out).run_id
    expect(wsd("lineage", "show", "--out", out, runId).stdout).toContain("conflicting_date_of_birth 2")
  })
})
