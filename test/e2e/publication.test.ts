/**
 * How runs meet the publication: determinism, atomic replacement, failed runs
 * that leave the previous publication untouched, exit codes and last lines.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import {
  copyOfFixtures,
  FIXTURE_AS_OF,
  newKey,
  openWarehouse,
  runFixtures,
  tempDir,
  userTables,
  wsd
} from "./wsdCommand.js"

/** Tables whose rows describe the run itself (ids, timestamps) rather than the data. */
const isRunTable = (table: string) =>
  table === "run" || table.startsWith("lineage_") || table.startsWith("kysely_migration")

const dataTables = (out: string): Record<string, unknown> => {
  const db = openWarehouse(out)
  const tables = Object.fromEntries(
    userTables(db)
      .filter((table) => !isRunTable(table))
      .map((table) => [table, db.prepare(`select * from "${table}"`).all()])
  )
  db.close()
  return tables
}

const chainOf = (out: string) =>
  fs
    .readFileSync(path.join(out, "lineage", "chain.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))

describe("publication", () => {
  it("gives identical warehouse contents for the same inputs, as-of date and key", () => {
    const dir = tempDir("determinism")
    const keyFile = newKey(dir)
    const first = path.join(dir, "first")
    const second = path.join(dir, "second")
    expect(runFixtures({ out: first, keyFile }).status).toBe(0)
    expect(runFixtures({ out: second, keyFile }).status).toBe(0)
    const a = dataTables(first)
    expect(Object.keys(a)).toContain("person")
    expect((a["person"] as Array<unknown>).length).toBe(28)
    expect(dataTables(second)).toEqual(a)
    // And the same published figures: the outcomes framework's controlled indicators, byte for byte.
    const outcomes = (out: string) => fs.readFileSync(path.join(out, "outcomes.csv"), "utf8")
    expect(outcomes(first).split("\r\n").length).toBeGreaterThan(100)
    expect(outcomes(second)).toBe(outcomes(first))
  })

  it("replaces the publication in one step and chains the second run's lineage to the first", () => {
    const dir = tempDir("republish")
    const keyFile = newKey(dir)
    const out = path.join(dir, "out")
    expect(runFixtures({ out, keyFile }).status).toBe(0)
    const firstRelease = fs.realpathSync(out)
    expect(runFixtures({ out, keyFile }).status).toBe(0)
    const secondRelease = fs.realpathSync(out)
    expect(secondRelease).not.toBe(firstRelease)
    const chain = chainOf(out)
    expect(chain).toHaveLength(2)
    expect(chain[1].previous_sha256).toBe(chain[0].sha256)
    const db = openWarehouse(out)
    expect(db.prepare("select count(*) n from run").get()).toEqual({ n: 2 })
    db.close()
  })

  it("fails a run whose required source is missing with exit 1 before any stage, leaving the previous publication", () => {
    const dir = tempDir("missing-source")
    const keyFile = newKey(dir)
    const out = path.join(dir, "out")
    const inbox = copyOfFixtures(dir)
    expect(runFixtures({ out, keyFile, inbox }).status).toBe(0)
    const before = fs.realpathSync(out)
    const warehouseBefore = fs.readFileSync(path.join(out, "warehouse.sqlite"))

    fs.rmSync(path.join(inbox, "gp_events.csv"))
    const failed = runFixtures({ out, keyFile, inbox })
    expect(failed.status).toBe(1)
    expect(failed.lastLine).toBe(
      `wsd: required source gp_events missing: ${path.join(inbox, "gp_events.csv")} is not in the inbox: gp_events is a required source (requiredSources: gp_registrations, gp_events, acute_activity, opt_outs, practices), so no stage runs and nothing is published. Next: ask the partner to resend gp_events.csv; the previous publication is unchanged.`
    )
    // Checked up front: no source was read and no stage started.
    expect(failed.stderr).not.toContain("source read")
    expect(fs.realpathSync(out)).toBe(before)
    expect(fs.readFileSync(path.join(out, "warehouse.sqlite")).equals(warehouseBefore)).toBe(true)
    expect(fs.readdirSync(path.join(dir, ".out.wsd", "staging"))).toEqual([])
    const chain = fs
      .readFileSync(path.join(dir, ".out.wsd", "lineage", "chain.jsonl"), "utf8")
      .trim()
      .split("\n")
    const lastRun = JSON.parse(chain.at(-1)!).run
    expect(lastRun).toMatchObject({ status: "failed", stages: [] })
    expect(lastRun.inputs.map((input: { source: string; status: string }) => [input.source, input.status])).toEqual([
      ["gp_events", "missing"]
    ])
  })

  it("says, for a missing opt-out list, why a night cannot publish without one", () => {
    const dir = tempDir("missing-opt-outs")
    const inbox = copyOfFixtures(dir)
    fs.rmSync(path.join(inbox, "opt_outs.csv"))
    const failed = runFixtures({ out: path.join(dir, "out"), keyFile: newKey(dir), inbox })
    expect(failed.status).toBe(1)
    expect(failed.lastLine).toContain(
      "required source opt_outs missing: " +
        `${path.join(inbox, "opt_outs.csv")} is not in the inbox: a night without a readable opt-out list must not publish secondary-use data`
    )
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false)
  })

  it("fails a source missing a required column, naming the file and the column", () => {
    const dir = tempDir("missing-column")
    const inbox = copyOfFixtures(dir)
    const file = path.join(inbox, "acute_activity.csv")
    const lines = fs.readFileSync(file, "utf8").split("\r\n")
    fs.writeFileSync(
      file,
      lines
        .map((line) =>
          line
            .split(",")
            .filter((_, i) => i !== 2)
            .join(",")
        )
        .join("\r\n")
    )
    const result = runFixtures({ out: path.join(dir, "out"), keyFile: newKey(dir), inbox })
    expect(result.status).toBe(1)
    expect(result.lastLine).toContain("acute_activity.csv has no required column activity_type")
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false)
  })

  it("goes on without a missing optional source and reports it", () => {
    const dir = tempDir("optional")
    const inbox = copyOfFixtures(dir)
    fs.rmSync(path.join(inbox, "education.csv"))
    const out = path.join(dir, "out")
    expect(runFixtures({ out, keyFile: newKey(dir), inbox }).status).toBe(0)
    const db = openWarehouse(out)
    expect(db.prepare("select status from lineage_input where source = 'education'").get()).toEqual({
      status: "missing"
    })
    db.close()
  })

  it("fails a source above the quarantine threshold with exit 1", () => {
    const dir = tempDir("threshold")
    const config = path.join(dir, "wsd.json")
    fs.writeFileSync(config, JSON.stringify({ quarantineThreshold: 0.01 }))
    const result = runFixtures({ out: path.join(dir, "out"), keyFile: newKey(dir) }, "--config", config)
    expect(result.status).toBe(1)
    expect(result.lastLine).toMatch(/gp_registrations\.csv: 1 of 35 rows quarantined \(2\.9%, threshold 1%\)/)
  })

  it("runs the configuration's build SQL in the new warehouse, and refuses a missing file before reading anything", () => {
    const dir = tempDir("build-sql")
    const buildSql = path.join(dir, "build.sql")
    // A comment line ending with a semicolon, inside a statement, ends nothing.
    fs.writeFileSync(buildSql, "create index gp_event_person on gp_event (\n  -- by person;\n  person_id\n);\n")
    const config = path.join(dir, "wsd.json")
    fs.writeFileSync(config, JSON.stringify({ warehouseBuildSql: buildSql }))
    const out = path.join(dir, "out")
    const result = runFixtures({ out, keyFile: newKey(dir) }, "--config", config)
    expect(result.status, result.stderr).toBe(0)
    const db = openWarehouse(out)
    expect(db.prepare("select name from sqlite_master where type = 'index' and tbl_name = 'gp_event'").all()).toEqual([
      { name: "gp_event_person" }
    ])
    db.close()

    fs.rmSync(buildSql)
    const missing = runFixtures({ out: path.join(dir, "out2"), keyFile: path.join(dir, "key") }, "--config", config)
    expect(missing.status).toBe(2)
    expect(missing.lastLine).toContain(`warehouseBuildSql ${buildSql} is not a readable file`)
  })

  it("fails with exit 3 and publishes nothing when a model's rows break a check declared beside it", () => {
    const dir = tempDir("model-check")
    const buildSql = path.join(dir, "build.sql")
    // The build SQL runs before the load: a row for nobody on the spine, which segment_reason's checks refuse.
    fs.writeFileSync(
      buildSql,
      "insert into segment_reason (person_id, segment, reason) values ('not-a-resident', 'LW', 'adult');\n"
    )
    const config = path.join(dir, "wsd.json")
    fs.writeFileSync(config, JSON.stringify({ warehouseBuildSql: buildSql }))
    const out = path.join(dir, "out")
    const result = runFixtures({ out, keyFile: newKey(dir) }, "--config", config)
    expect(result.status).toBe(3)
    expect(result.lastLine).toContain(
      'wsd: model segment_reason failed its check "person_id references person.person_id" on 1 row; nothing was published.'
    )
    expect(fs.existsSync(out)).toBe(false)
  })

  it("quarantines dates of birth in the future or more than 120 years before the as-of date", () => {
    const dir = tempDir("implausible")
    const inbox = copyOfFixtures(dir)
    const file = path.join(inbox, "education.csv")
    fs.appendFileSync(file, "A123456789099,Future,Child,2027-01-01,F,E1 4NS,100945,2026-10-01,N,,N,95,0\n")
    fs.appendFileSync(file, "A123456789098,Ancient,Pupil,1890-01-01,F,E1 4NS,100945,2026-10-01,N,,N,95,0\n")
    const config = path.join(dir, "wsd.json")
    fs.writeFileSync(config, JSON.stringify({ quarantineThreshold: 0.5 }))
    const out = path.join(dir, "out")
    expect(runFixtures({ out, keyFile: newKey(dir), inbox }, "--config", config).status).toBe(0)
    const db = openWarehouse(out)
    expect(
      db.prepare("select field, reason, rows from lineage_quarantine where source = 'education' order by reason").all()
    ).toEqual([
      { field: "date_of_birth", reason: "age_over_120", rows: 1 },
      { field: "date_of_birth", reason: "future_date", rows: 1 }
    ])
    db.close()
  })

  it("quarantines a record dated after the as-of date, naming file, row and field, and keeps a later end date", () => {
    const dir = tempDir("future-dated")
    const inbox = copyOfFixtures(dir)
    const rowsOf = (file: string) => fs.readFileSync(file, "utf8").trimEnd().split("\n").length
    const events = path.join(inbox, "gp_events.csv")
    fs.appendFileSync(events, "13645005,2026-11-21,9908301667,F84003,,EMIS\n")
    const tomorrowRow = rowsOf(events)
    const acute = path.join(inbox, "acute_activity.csv")
    // An admission still running on the as-of date: its expected discharge is later, and that is kept.
    fs.appendFileSync(acute, "9908301667,R1H,APC,21,2026-11-18,2026-11-25,J44.1,,£1000.00\n")
    const config = path.join(dir, "wsd.json")
    fs.writeFileSync(config, JSON.stringify({ quarantineThreshold: 0.5 }))
    const out = path.join(dir, "out")
    const result = runFixtures({ out, keyFile: newKey(dir), inbox }, "--config", config)
    expect(result.status, result.stderr).toBe(0)

    const db = openWarehouse(out)
    expect(
      db
        .prepare(
          "select field, reason, rows from lineage_quarantine where source = 'gp_events' and reason = 'future_date'"
        )
        .all()
    ).toEqual([{ field: "event_date", reason: "future_date", rows: 1 }])
    expect(db.prepare("select count(*) as n from gp_event where event_date > '2026-11-20'").get()).toEqual({ n: 0 })
    expect(
      db.prepare("select end_date from acute_activity where start_date = '2026-11-18' and activity_type = 'APC'").all()
    ).toEqual([{ end_date: "2026-11-25" }])
    db.close()

    const listed = wsd("quarantine", "list", "--out", out, "--source", "gp_events", "--csv", path.join(dir, "q.csv"))
    expect(listed.status, listed.stderr).toBe(0)
    expect(fs.readFileSync(path.join(dir, "q.csv"), "utf8")).toContain(
      `,gp_events,${tomorrowRow},event_date,future_date`
    )
    // Nothing lost: every row read is accepted or quarantined.
    // The exact chain in the state area (the published copy is disclosure-controlled).
    const input = chainOf(path.join(dir, ".out.wsd"))
      .at(-1)
      .run.inputs.find((entry: { source: string }) => entry.source === "gp_events")
    expect(input.rows_accepted + input.rows_quarantined).toBe(input.rows_read)
    expect(input.quarantine_reasons["event_date/future_date"]).toBe(1)
  })

  it("warns about stale extracts and fails a required one past the hard limit", () => {
    const dir = tempDir("freshness")
    const keyFile = newKey(dir)
    const config = (extractDates: Record<string, string>) => {
      const file = path.join(dir, `${Object.values(extractDates).join("-")}.json`)
      fs.writeFileSync(file, JSON.stringify({ extractDates }))
      return file
    }
    // 5 days old: past the warning limit (3 days), within the hard limit (10 days).
    const warned = runFixtures(
      { out: path.join(dir, "a"), keyFile },
      "--config",
      config({ gp_events: "2026-11-15", housing: "2026-10-01" })
    )
    expect(warned.status, warned.stderr).toBe(0)
    expect(warned.stderr).toContain("stale extract source=gp_events age_days=5")
    // An optional source past the hard limit only warns.
    expect(warned.stderr).toContain("stale extract source=housing age_days=50")
    const failed = runFixtures({ out: path.join(dir, "b"), keyFile }, "--config", config({ gp_events: "2026-11-01" }))
    expect(failed.status).toBe(1)
    expect(failed.lastLine).toContain(
      "required source gp_events is 19 days old (extract date 2026-11-01, limit 10 days)"
    )
  })

  it("dates an extract by its file's modification time when the configuration states none, and says so in lineage", () => {
    const dir = tempDir("freshness-mtime")
    const keyFile = newKey(dir)
    const inbox = copyOfFixtures(dir)
    const modifiedOn = (file: string, date: string) => {
      const at = new Date(`${date}T12:00:00Z`)
      fs.utimesSync(path.join(inbox, file), at, at)
    }
    // Every file as sent on the night, then one 5 days old and one stated in the configuration.
    for (const file of fs.readdirSync(inbox)) modifiedOn(file, FIXTURE_AS_OF)
    modifiedOn("gp_events.csv", "2026-11-15")
    modifiedOn("housing.csv", "2026-10-01")
    // Newer than the as-of date, as when a night is caught up later: not stale.
    modifiedOn("community_contacts.csv", "2026-11-22")
    const config = path.join(dir, "wsd.json")
    fs.writeFileSync(config, JSON.stringify({ extractDates: { housing: "2026-11-19" } }))
    const warned = runFixtures({ out: path.join(dir, "a"), keyFile, inbox }, "--config", config)
    expect(warned.status, warned.stderr).toBe(0)
    expect(warned.stderr).toContain(
      "stale extract source=gp_events age_days=5 warn_after_days=3 extract_date=2026-11-15 extract_date_from=file_modified"
    )
    // The configuration's date wins over the file's.
    expect(warned.stderr).not.toContain("stale extract source=housing")
    const { run } = chainOf(path.join(dir, ".a.wsd")).at(-1)
    const inputs = new Map(run.inputs.map((input: { source: string }) => [input.source, input]))
    expect(inputs.get("gp_events")).toMatchObject({
      extract_date: "2026-11-15",
      age_days: 5,
      extract_date_from: "file_modified"
    })
    expect(inputs.get("housing")).toMatchObject({
      extract_date: "2026-11-19",
      age_days: 1,
      extract_date_from: "configuration"
    })
    expect(inputs.get("practices")).toMatchObject({ age_days: 0, extract_date_from: "file_modified" })
    expect(inputs.get("community_contacts")).toMatchObject({ age_days: -2, extract_date_from: "file_modified" })
    const shown = wsd("lineage", "show", "--out", path.join(dir, "a"), run.run_id).stdout
    expect(shown).toContain("extract of 2026-11-15 (its file's modification date) (5 days old)")
    expect(shown).toContain("extract of 2026-11-22 (its file's modification date) (2 days after the as-of date)")
    expect(shown).toContain("extract of 2026-11-19 (1 day old)")

    modifiedOn("gp_events.csv", "2026-11-01")
    const failed = runFixtures({ out: path.join(dir, "b"), keyFile, inbox })
    expect(failed.status).toBe(1)
    expect(failed.lastLine).toBe(
      "wsd: required source gp_events is 19 days old (extract date 2026-11-01, when its file was last modified, limit 10 days). Next: ask the partner for a current gp_events.csv; if the file is current, state its date in extractDates in the configuration."
    )
  })

  it("refuses a key that differs from the last run's unless the rotation is declared", () => {
    const dir = tempDir("rotation")
    const out = path.join(dir, "out")
    expect(runFixtures({ out, keyFile: newKey(dir) }).status).toBe(0)
    const before = fs.realpathSync(out)
    const newKeyDir = path.join(dir, "new")
    fs.mkdirSync(newKeyDir)
    const otherKey = newKey(newKeyDir)
    const refused = runFixtures({ out, keyFile: otherKey })
    expect(refused.status).toBe(2)
    expect(refused.lastLine).toContain("differs from")
    expect(refused.lastLine).toContain("--rotate-key")
    expect(fs.realpathSync(out)).toBe(before)
    const rotated = runFixtures({ out, keyFile: otherKey }, "--rotate-key")
    expect(rotated.status, rotated.stderr).toBe(0)
    const last = chainOf(out).at(-1)
    expect(last.run).toMatchObject({ status: "succeeded", key_rotated: true })
  })

  it("refuses to start without a usable key (exit 2)", () => {
    const dir = tempDir("key")
    const out = path.join(dir, "out")
    const missing = runFixtures({ out, keyFile: path.join(dir, "absent") })
    expect(missing.status).toBe(2)
    expect(missing.lastLine).toMatch(/^wsd: key file .*absent cannot be read\. Next: /)
    const readable = path.join(dir, "readable.key")
    fs.writeFileSync(readable, "ab".repeat(32), { mode: 0o644 })
    fs.chmodSync(readable, 0o644)
    const open = runFixtures({ out, keyFile: readable })
    expect(open.status).toBe(2)
    expect(open.lastLine).toContain("chmod 600")
  })

  it("refuses bad usage with exit 2: an unreadable inbox, a bad date, an unknown option", () => {
    const dir = tempDir("usage")
    const keyFile = newKey(dir)
    const out = path.join(dir, "out")
    expect(runFixtures({ out, keyFile, inbox: path.join(dir, "nowhere") }).status).toBe(2)
    const badDate = wsd("run", "--inbox", dir, "--out", out, "--key-file", keyFile, "--as-of", "20/11/2026")
    expect(badDate.status).toBe(2)
    expect(badDate.lastLine).toContain("--as-of 20/11/2026 is not a date written YYYY-MM-DD")
    const noSuchDay = wsd("run", "--inbox", dir, "--out", out, "--key-file", keyFile, "--as-of", "2026-02-30")
    expect(noSuchDay.status).toBe(2)
    expect(noSuchDay.lastLine).toContain("--as-of 2026-02-30 is not a real calendar date")
    expect(wsd("run", "--bogus").status).toBe(2)
  })

  it("refuses a second run while one holds the lock, and clears a stale lock", () => {
    const dir = tempDir("lock")
    const keyFile = newKey(dir)
    const out = path.join(dir, "out")
    const lock = path.join(dir, ".out.wsd", "lock")
    fs.mkdirSync(path.dirname(lock), { recursive: true })
    fs.writeFileSync(lock, JSON.stringify({ run_id: "20261120T020000000Z-beef", pid: process.pid }))
    const refused = runFixtures({ out, keyFile })
    expect(refused.status).toBe(2)
    expect(refused.lastLine).toContain("another run (20261120T020000000Z-beef")
    // A pid that cannot exist: the lock's holder has died.
    fs.writeFileSync(lock, JSON.stringify({ run_id: "20261120T020000000Z-dead", pid: 2 ** 22 + 1 }))
    expect(runFixtures({ out, keyFile }).status).toBe(0)
    expect(fs.existsSync(lock)).toBe(false)
  })

  it("will not replace a directory it did not publish", () => {
    const dir = tempDir("foreign")
    const out = path.join(dir, "out")
    fs.mkdirSync(out)
    fs.writeFileSync(path.join(out, "precious.txt"), "not ours")
    const result = runFixtures({ out, keyFile: newKey(dir) })
    expect(result.status).toBe(2)
    expect(fs.readFileSync(path.join(out, "precious.txt"), "utf8")).toBe("not ours")
  })
})
