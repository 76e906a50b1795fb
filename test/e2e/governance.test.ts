/**
 * What information governance relies on after a run has published: workstream
 * extracts that carry only their profile's fields under the recipient's own
 * pseudonym, re-identification for direct care only, the quarantine history,
 * and every extract recorded in the tamper-evident lineage.
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import { beforeAll, describe, expect, it } from "vitest"
import { checkNhsNumber } from "../../schemas/fields/nhsNumber.js"
import { parseKeyText, personId } from "../../transforms/pseudonym.js"
import { newKey, openWarehouse, runFixtures, tempDir, wsd } from "./wsdCommand.js"

const readCsv = (file: string) =>
  parse(fs.readFileSync(file, "utf8"), { columns: true }) as Array<Record<string, string>>

const headerOf = (file: string) => fs.readFileSync(file, "utf8").split("\r\n")[0]!.split(",")

const stateChain = (dir: string) =>
  fs
    .readFileSync(path.join(dir, ".out.wsd", "lineage", "chain.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, Record<string, unknown>>)

const QUASI = ["age_band", "ltc_count"]

/** The shares of a workstream's members an extract's lineage entry says it generalised and left out. */
const kAnonymityOf = (dir: string, file: string) =>
  stateChain(dir)
    .map((entry) => entry["extract"])
    .find((extract) => extract?.["path"] === file)!["k_anonymity"] as {
    k: number
    members: number
    share_suppressed: number
  }

/** How many rows share each combination of `fields`. */
const combinations = (rows: ReadonlyArray<Record<string, string>>, fields: ReadonlyArray<string>) => {
  const sizes = new Map<string, number>()
  for (const row of rows) {
    const key = JSON.stringify(fields.map((field) => row[field]))
    sizes.set(key, (sizes.get(key) ?? 0) + 1)
  }
  return [...sizes.values()]
}

describe("after a run has published", () => {
  let dir: string
  let out: string
  let keyFile: string
  let reidKeyFile: string
  let profiles: string
  /** Living Well extracts for the same recipient after the first and the second run. */
  const afterRun: Array<string> = []

  const extract = (file: string, ...options: ReadonlyArray<string>) =>
    wsd("extract", "--from", out, "--key-file", keyFile, "--out", path.join(dir, file), ...options)

  beforeAll(() => {
    dir = tempDir("governance")
    out = path.join(dir, "out")
    keyFile = newKey(dir)
    reidKeyFile = newKey(dir, "reid-key")
    profiles = path.join(dir, "profiles.json")
    fs.writeFileSync(
      profiles,
      JSON.stringify({
        version: "test-profiles",
        profiles: [
          { workstream: "LW", recipient: "team A", fields: QUASI, quasi_identifiers: QUASI },
          { workstream: "LW", recipient: "team B", fields: QUASI, quasi_identifiers: QUASI },
          { workstream: "BWGW", recipient: "bad", fields: ["age_years", "person_id"], quasi_identifiers: [] },
          { workstream: "PI", recipient: "bad", fields: ["nhs_number"], quasi_identifiers: [] }
        ]
      })
    )
    for (const run of [1, 2]) {
      expect(runFixtures({ out, keyFile }, "--reid-key-file", reidKeyFile).status).toBe(0)
      const file = `team-a-${run}.csv`
      const taken = extract(
        file,
        ...["--workstream", "LW", "--recipient", "team A", "--purpose", "audit", "--profiles", profiles]
      )
      expect(taken.status, taken.stderr).toBe(0)
      afterRun.push(path.join(dir, file))
    }
  })

  describe("wsd extract", () => {
    it("carries the profile's fields only, for the workstream's members, under the recipient's pseudonym", () => {
      const taken = extract("pi.csv", "--workstream", "PI", "--purpose", "MDT planning")
      expect(taken.status, taken.stderr).toBe(0)
      const file = path.join(dir, "pi.csv")
      const shipped = JSON.parse(fs.readFileSync("rules/extract-profiles-v1.json", "utf8")) as {
        profiles: Array<{ workstream: string; fields: Array<string> }>
      }
      const profile = shipped.profiles.find((p) => p.workstream === "PI")!
      expect(headerOf(file)).toEqual(["pseudonym", ...profile.fields])
      const db = openWarehouse(out)
      const members = db.prepare("select person_id from segment_membership where segment = 'PI'").all()
      db.close()
      // The fixtures' few PI members are fewer than k = 5: no combination can reach it, so none is sent.
      expect(members.length).toBeLessThan(5)
      expect(readCsv(file)).toEqual([])
      expect(kAnonymityOf(dir, file)).toMatchObject({ k: 5, members: members.length, share_suppressed: 1 })
      expect(fs.statSync(file).mode & 0o777).toBe(0o640)
    })

    it("gives two recipients pseudonyms that cannot be joined, and one recipient the same ones every run", () => {
      const teamB = extract("team-b.csv", "--workstream", "LW", "--recipient", "team B", "--purpose", "audit")
      expect(teamB.status).toBe(2)
      expect(teamB.lastLine).toContain("has no profile for LW and recipient team B")
      const withProfiles = extract(
        "team-b.csv",
        ...["--workstream", "LW", "--recipient", "team B", "--purpose", "audit", "--profiles", profiles]
      )
      expect(withProfiles.status, withProfiles.stderr).toBe(0)
      const pseudonyms = (file: string) => new Set(readCsv(file).map((row) => row["pseudonym"]))
      const [first, second] = afterRun.map(pseudonyms)
      const ofTeamB = pseudonyms(path.join(dir, "team-b.csv"))
      const db = openWarehouse(out)
      const personIds = new Set(
        (db.prepare("select person_id from person").all() as Array<{ person_id: string }>).map((r) => r.person_id)
      )
      db.close()
      for (const pseudonym of ofTeamB) expect(personIds.has(pseudonym!)).toBe(false)
      const { members, share_suppressed } = kAnonymityOf(dir, afterRun[0]!)
      expect(first!.size).toBe(Math.round(members * (1 - share_suppressed)))
      expect(first!.size).toBeGreaterThan(0)
      for (const size of combinations(readCsv(afterRun[0]!), QUASI)) expect(size).toBeGreaterThanOrEqual(5)
      expect(second).toEqual(first)
      expect(ofTeamB.size).toBe(first!.size)
      expect([...ofTeamB].filter((p) => first!.has(p))).toEqual([])
    })

    it("asks which recipient when a workstream has several", () => {
      const result = extract("x.csv", "--workstream", "LW", "--purpose", "audit", "--profiles", profiles)
      expect(result.status).toBe(2)
      expect(result.lastLine).toContain('pass --recipient, one of: "team A", "team B"')
    })

    it("refuses profiles naming shared pseudonyms or identifiers, an empty purpose, and a different key", () => {
      const pseudonym = extract("x.csv", "--workstream", "BWGW", "--purpose", "p", "--profiles", profiles)
      expect(pseudonym.status).toBe(2)
      expect(pseudonym.lastLine).toContain("person_id may never be extracted")
      const identifier = extract("x.csv", ...["--workstream", "PI", "--purpose", "p", "--profiles", profiles])
      expect(identifier.status).toBe(2)
      expect(identifier.lastLine).toContain("nhs_number is not a field an extract can carry")
      expect(extract("x.csv", "--workstream", "LW", "--purpose", " ").status).toBe(2)
      // A purpose that would forge a line of `lineage list`, or recolour a terminal, is refused.
      for (const forged of ["audit\n20261121T020000000Z-0001 succeeded", "audit\u001b[2J"]) {
        const refused = extract("x.csv", "--workstream", "LW", "--purpose", forged)
        expect(refused.status).toBe(2)
        expect(refused.lastLine).toContain("--purpose holds a line break or a control character")
      }
      const otherKey = wsd(
        ...["extract", "--from", out, "--workstream", "LW", "--purpose", "audit"],
        ...["--out", path.join(dir, "x.csv"), "--key-file", reidKeyFile]
      )
      expect(otherKey.status).toBe(2)
      expect(otherKey.lastLine).toContain("pass the --key-file the nightly run uses")
      expect(fs.existsSync(path.join(dir, "x.csv"))).toBe(false)
    })

    it("lets --k raise the profile's k, never lower it", () => {
      const lower = extract("x.csv", "--workstream", "LW", "--purpose", "audit", "--k", "3")
      expect(lower.status).toBe(2)
      expect(lower.lastLine).toContain("--k 3 is below the 5 the LW profile for Living Well workstream lead requires")
      const raised = extract(
        "team-a-k8.csv",
        ...["--workstream", "LW", "--recipient", "team A", "--purpose", "audit", "--profiles", profiles, "--k", "8"]
      )
      expect(raised.status, raised.stderr).toBe(0)
      const file = path.join(dir, "team-a-k8.csv")
      expect(kAnonymityOf(dir, file).k).toBe(8)
      for (const size of combinations(readCsv(file), QUASI)) expect(size).toBeGreaterThanOrEqual(8)
    })

    it("never overwrites a file lineage has recorded", () => {
      const again = extract("team-a-1.csv", "--workstream", "LW", "--purpose", "audit")
      expect(again.status).toBe(2)
      expect(again.lastLine).toContain("already exists")
    })
  })

  describe("wsd reidentify", () => {
    const reidentify = (file: string, ...options: ReadonlyArray<string>) =>
      wsd("reidentify", "--from", out, "--out", path.join(dir, file), ...options)

    it("writes a practice's complex-cohort list with the NHS numbers behind its pseudonyms, owner-only", () => {
      const result = reidentify(
        "f84003.csv",
        "--practice",
        "F84003",
        "--purpose",
        "direct-care",
        "--reid-key-file",
        reidKeyFile
      )
      expect(result.status, result.stderr).toBe(0)
      const file = path.join(dir, "f84003.csv")
      expect(fs.statSync(file).mode & 0o777).toBe(0o600)
      const published = readCsv(path.join(out, "complex-cohort", "F84003.csv"))
      const rows = readCsv(file)
      expect(rows.map((row) => row["person_id"])).toEqual(published.map((row) => row["person_id"]))
      expect(rows.length).toBeGreaterThan(0)
      const key = parseKeyText(fs.readFileSync(keyFile, "utf8"))
      if (!key.ok) throw new Error("unreadable key")
      for (const row of rows) {
        expect(checkNhsNumber(row["nhs_number"]!).valid).toBe(true)
        expect(personId(key.key, row["nhs_number"]!)).toBe(row["person_id"])
      }
    })

    it("refuses any purpose but direct care, and any key but the re-identification key", () => {
      const attempt = (purpose: string, key: string, practice = "F84003", file = "r.csv") =>
        reidentify(file, "--practice", practice, "--purpose", purpose, "--reid-key-file", key)
      const research = attempt("research", reidKeyFile)
      expect(research.status).toBe(2)
      expect(research.lastLine).toContain('re-identification is for direct care only; purpose "research" is refused')
      const wrongKey = attempt("direct-care", keyFile)
      expect(wrongKey.status).toBe(2)
      expect(wrongKey.lastLine).toContain("does not open run")
      const unknown = attempt("direct-care", reidKeyFile, "../F84003")
      expect(unknown.status).toBe(2)
      // An identifiable list written into the publication would travel with its next release.
      const inside = attempt(
        "direct-care",
        reidKeyFile,
        "F84003",
        path.join(path.relative(dir, out), "complex-cohort", "F84003-nhs.csv")
      )
      expect(inside.status).toBe(2)
      expect(inside.lastLine).toContain("is inside the publication")
      expect(fs.existsSync(path.join(out, "complex-cohort", "F84003-nhs.csv"))).toBe(false)
      // The borough-wide list and the changes are not one practice's to re-identify.
      for (const notAPractice of ["all", "changes"]) {
        const refused = attempt("direct-care", reidKeyFile, notAPractice)
        expect(refused.status).toBe(2)
        expect(refused.lastLine).toContain(`--practice ${notAPractice} is not a practice's ODS code`)
      }
      expect(fs.existsSync(path.join(dir, "r.csv"))).toBe(false)
      const refusals = fs
        .readdirSync(path.join(dir, ".out.wsd", "logs"))
        .filter((file) => file.startsWith("reidentify-"))
        .map((file) => fs.readFileSync(path.join(dir, ".out.wsd", "logs", file), "utf8"))
        .join("")
      expect(refusals.match(/"event":"refused"/g)?.length).toBeGreaterThanOrEqual(3)
    })

    it("refuses another run's re-identification store put in the place of the run's own", () => {
      const stores = path.join(dir, ".out.wsd", "secure", "reidentification")
      const [older, newer] = fs
        .readdirSync(stores)
        .sort()
        .map((file) => file.replace(/\.json$/, ""))
      const own = path.join(stores, `${newer}.json`)
      const original = fs.readFileSync(own)
      try {
        fs.copyFileSync(path.join(stores, `${older}.json`), own)
        const result = reidentify(
          "other-store.csv",
          ...["--practice", "F84003", "--purpose", "direct-care", "--reid-key-file", reidKeyFile]
        )
        expect(result.status).toBe(2)
        expect(result.lastLine).toContain(
          `${own} is run ${older}'s re-identification store, not that of run ${newer} which made the publication`
        )
        expect(fs.existsSync(path.join(dir, "other-store.csv"))).toBe(false)
      } finally {
        fs.writeFileSync(own, original)
      }
    })

    it("is impossible without a store, and a run refuses the pseudonymisation key as the re-identification key", () => {
      const other = tempDir("no-store")
      const otherOut = path.join(other, "out")
      const otherKey = newKey(other)
      expect(runFixtures({ out: otherOut, keyFile: otherKey }, "--reid-key-file", otherKey).status).toBe(2)
      expect(runFixtures({ out: otherOut, keyFile: otherKey }).status).toBe(0)
      const result = wsd(
        ...["reidentify", "--from", otherOut, "--practice", "F84003", "--purpose", "direct-care"],
        ...["--out", path.join(other, "list.csv"), "--reid-key-file", reidKeyFile]
      )
      expect(result.status).toBe(2)
      expect(result.lastLine).toContain("wrote no re-identification store")
    })
  })

  describe("lineage", () => {
    it("records every extract: who, when, workstream, purpose, recipient, fields, rows and SHA-256", () => {
      const extracts = stateChain(dir)
        .map((entry) => entry["extract"])
        .filter((extract) => extract !== undefined)
      const first = extracts[0]!
      expect(first).toMatchObject({
        kind: "workstream_extract",
        workstream: "LW",
        purpose: "audit",
        recipient: "team A",
        profile_version: "test-profiles",
        fields: ["pseudonym", "age_band", "ltc_count"],
        rows: 17,
        path: afterRun[0]
      })
      expect(first["sha256"]).toBe(createHash("sha256").update(fs.readFileSync(afterRun[0]!)).digest("hex"))
      // The profiles file by its bytes, not only by the version it declares of itself.
      expect(first["profiles_file"]).toEqual({
        file: profiles,
        sha256: createHash("sha256").update(fs.readFileSync(profiles)).digest("hex")
      })
      expect(typeof first["operator"]).toBe("string")
      expect(first["at"]).toMatch(/^\d{4}-\d\d-\d\dT/)
      expect(extracts.some((e) => e["kind"] === "reidentification" && e["practice"] === "F84003")).toBe(true)
      // The next run's warehouse carries the extracts taken before it.
      const db = openWarehouse(out)
      expect(db.prepare("select kind, recipient, purpose, fields, rows, sha256 from lineage_extract").all()).toEqual([
        {
          kind: "workstream_extract",
          recipient: "team A",
          purpose: "audit",
          fields: "pseudonym,age_band,ltc_count",
          rows: 17,
          sha256: first["sha256"]
        }
      ])
      db.close()
    })

    it("shows a run's extracts to a reviewer, and verify detects an altered extract entry", () => {
      const runId = fs.readdirSync(path.join(out, "lineage", "runs"))[0]!.replace(/\.json$/, "")
      const show = wsd("lineage", "show", "--out", out, runId)
      expect(show.stdout).toMatch(/LW extract from run \S+ by \S+ on \S+ for team A, purpose "audit": 17 rows/)
      expect(show.stdout).toContain("sealed for 4 complex-cohort members")
      expect(wsd("lineage", "verify", "--out", out).status).toBe(0)

      const chain = path.join(dir, ".out.wsd", "lineage", "chain.jsonl")
      const original = fs.readFileSync(chain, "utf8")
      try {
        fs.writeFileSync(chain, original.replace('"purpose":"audit"', '"purpose":"direct care"'))
        const verify = wsd("lineage", "verify", "--out", out)
        expect(verify.status).toBe(1)
        expect(verify.lastLine).toMatch(/lineage log entry \d+ \(workstream_extract taken at \S+\) has been altered/)
      } finally {
        fs.writeFileSync(chain, original)
      }
    })
  })

  describe("wsd quarantine list", () => {
    it("lists a source's quarantined rows across runs by run, row, field and reason, never a value", () => {
      const listed = wsd("quarantine", "list", "--out", out, "--source", "gp_events", "--csv", path.join(dir, "q.csv"))
      expect(listed.status, listed.stderr).toBe(0)
      const rows = readCsv(path.join(dir, "q.csv"))
      expect(rows).toHaveLength(2)
      expect(new Set(rows.map((row) => row["run_id"])).size).toBe(2)
      for (const row of rows)
        expect(row).toMatchObject({ source: "gp_events", field: "event_date", reason: "invalid_date" })
      const secure = path.join(dir, ".out.wsd", "secure", "quarantine")
      const cells = fs
        .readdirSync(secure)
        .flatMap(
          (run) => JSON.parse(fs.readFileSync(path.join(secure, run, "gp_events.jsonl"), "utf8")).cells as string[]
        )
        .filter((cell) => cell.length > 3)
      expect(cells.length).toBeGreaterThan(0)
      for (const cell of cells) expect(listed.stdout).not.toContain(cell)

      const oneRun = wsd("quarantine", "list", "--out", out, "--source", "gp_events", "--run", rows[0]!["run_id"]!)
      expect(oneRun.stdout).toContain("1 quarantined row of gp_events.csv")
      expect(wsd("quarantine", "list", "--out", out, "--source", "no_such_source").status).toBe(2)
    })
  })
})
