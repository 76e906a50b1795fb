import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { copyOfFixtures, FIXTURE_AS_OF, fixturesInbox, tempDir, wsd } from "./wsdCommand.js"

describe("wsd validate", () => {
  it("reports per source what would be accepted and quarantined, and why, publishing nothing", () => {
    const result = wsd("validate", "--inbox", fixturesInbox, "--as-of", FIXTURE_AS_OF)
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toMatch(
      /gp_registrations\s+loaded\s+read 35, would accept 34, would quarantine 1\n\s+nhs_number\/nhs_number_check_digit: 1/
    )
    expect(result.stdout).toContain("nothing was published")
  })

  it("exits 1 and names the file when the night would fail", () => {
    const dir = tempDir("validate")
    const inbox = copyOfFixtures(dir)
    fs.rmSync(path.join(inbox, "acute_activity.csv"))
    const result = wsd("validate", "--inbox", inbox, "--as-of", FIXTURE_AS_OF)
    expect(result.status).toBe(1)
    expect(result.lastLine).toContain("required source acute_activity missing")
    expect(fs.readdirSync(dir)).toEqual(["inbox"])
  })

  it("refuses an --as-of that is not a real YYYY-MM-DD date (exit 2), naming the flag and the value", () => {
    for (const [asOf, problem] of [
      ["20-11-2026", "is not a date written YYYY-MM-DD"],
      ["yesterday", "is not a date written YYYY-MM-DD"],
      ["2026-13-01", "is not a real calendar date"]
    ]) {
      const result = wsd("validate", "--inbox", fixturesInbox, "--as-of", asOf!)
      expect(result.status).toBe(2)
      expect(result.stdout).toBe("")
      expect(result.lastLine).toBe(
        `wsd: --as-of ${asOf} ${problem}. Next: pass a real date as --as-of YYYY-MM-DD, e.g. --as-of 2026-11-20.`
      )
    }
  })

  it("says which extracts are stale, dated by their files' modification times, and fails a required one past the limit", () => {
    const inbox = copyOfFixtures(tempDir("validate-stale"))
    const modifiedOn = (file: string, date: string) => {
      const at = new Date(`${date}T12:00:00Z`)
      fs.utimesSync(path.join(inbox, file), at, at)
    }
    for (const file of fs.readdirSync(inbox)) modifiedOn(file, FIXTURE_AS_OF)
    modifiedOn("housing.csv", "2026-11-01")
    const warned = wsd("validate", "--inbox", inbox, "--as-of", FIXTURE_AS_OF)
    expect(warned.status, warned.stderr).toBe(0)
    expect(warned.stdout).toContain(
      "    stale: extract of 2026-11-01 (its file's modification date), 19 days old (a warning after 3 days; a required source fails after 10)"
    )
    expect(warned.stdout.match(/stale:/g)).toHaveLength(1)
    modifiedOn("gp_events.csv", "2026-11-01")
    const failed = wsd("validate", "--inbox", inbox, "--as-of", FIXTURE_AS_OF)
    expect(failed.status).toBe(1)
    expect(failed.lastLine).toContain("required source gp_events is 19 days old")
  })

  it("exits 2 for an inbox that is not a directory", () => {
    expect(wsd("validate", "--inbox", path.join(tempDir("validate"), "nowhere")).status).toBe(2)
  })
})
