/**
 * Joining what one recipient receives, as they could: two recipients'
 * extracts of the same workstream, the Promoting Independence extract and
 * every complex-cohort list, and the Born Well and Promoting Independence
 * extracts and the transitions list, matched on all the columns they share
 * and on the transition flag every row of that list implies. A
 * value matches another when they can be the same person's: equal, either
 * withheld, or bands (or a band and an exact value) that overlap, so
 * coarsening the finer file to the coarser one's bands finds every match.
 * No row may match exactly one row that matches only it back. The same join
 * on the members' exact values shows it would find them.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import { beforeAll, describe, expect, it } from "vitest"
import { TRANSITIONS_SEGMENTS } from "../../schemas/segments.js"
import { WITHHELD } from "../../transforms/kAnonymity.js"
import { FIXTURE_AS_OF, newKey, openWarehouse, tempDir, wsd } from "./wsdCommand.js"

type Row = Record<string, string>

const readCsv = (file: string) => parse(fs.readFileSync(file, "utf8"), { columns: true }) as Array<Row>

/** An exact number, a band `lo-hi` or an open band `lo+`, as the whole numbers it can stand for. */
const range = (value: string): readonly [number, number] | undefined => {
  if (/^\d+$/.test(value)) return [Number(value), Number(value)]
  const band = /^(\d+)-(\d+)$/.exec(value)
  if (band) return [Number(band[1]), Number(band[2])]
  const open = /^(\d+)\+$/.exec(value)
  return open ? [Number(open[1]), Infinity] : undefined
}

const compatible = (a: string, b: string) => {
  if (a === b || a === WITHHELD || b === WITHHELD) return true
  const [ra, rb] = [range(a), range(b)]
  return ra !== undefined && rb !== undefined && Math.max(ra[0], rb[0]) <= Math.min(ra[1], rb[1])
}

const IDENTIFIERS = ["pseudonym", "person_id"]

/** The columns two files share, and how many rows of `left` match one row of `right` that matches only them. */
const oneToOne = (left: ReadonlyArray<Row>, right: ReadonlyArray<Row>) => {
  const columns = Object.keys(left[0] ?? {}).filter((c) => !IDENTIFIERS.includes(c) && c in (right[0] ?? {}))
  const matches = (row: Row, rows: ReadonlyArray<Row>) =>
    rows.filter((other) => columns.every((column) => compatible(row[column]!, other[column]!)))
  const pairs = left.filter((row) => {
    const found = matches(row, right)
    return found.length === 1 && matches(found[0]!, left).length === 1
  }).length
  return { columns, pairs }
}

describe("a recipient's files, joined on every column they share", () => {
  let dir: string
  let out: string
  let keyFile: string
  let profilesFile: string
  const shipped = JSON.parse(fs.readFileSync("rules/extract-profiles-v1.json", "utf8")) as {
    version: string
    profiles: Array<{ workstream: string; recipient: string; fields: Array<string>; quasi_identifiers: Array<string> }>
  }
  const extractOf = (workstream: string, recipient: string) => {
    const file = path.join(dir, `${workstream}-${recipient.replace(/\W+/g, "-")}.csv`)
    if (!fs.existsSync(file)) {
      const taken = wsd(
        ...["extract", "--from", out, "--key-file", keyFile, "--out", file, "--workstream", workstream],
        ...["--recipient", recipient, "--purpose", "join test", "--profiles", profilesFile]
      )
      if (taken.status !== 0) throw new Error(taken.stderr)
    }
    return readCsv(file)
  }

  beforeAll(() => {
    dir = tempDir("joins")
    out = path.join(dir, "out")
    keyFile = newKey(dir)
    const inbox = path.join(dir, "inbox")
    const synth = wsd("synth", "--residents", "3000", "--seed", "3", "--as-of", FIXTURE_AS_OF, "--out", inbox)
    expect(synth.status, synth.stderr).toBe(0)
    const run = wsd("run", "--inbox", inbox, "--out", out, "--key-file", keyFile, "--as-of", FIXTURE_AS_OF)
    expect(run.status, run.stderr).toBe(0)
    // A second recipient of each workstream, receiving its quasi-identifiers
    // but the first (so the two files are generalised differently), and no
    // count of conditions, which the lead's exact list of them would give.
    profilesFile = path.join(dir, "profiles.json")
    const analysts = shipped.profiles.map((profile) => {
      const fields = profile.quasi_identifiers.slice(1).filter((field) => field !== "ltc_count")
      return {
        workstream: profile.workstream,
        recipient: `${profile.workstream} analyst`,
        fields,
        quasi_identifiers: fields
      }
    })
    fs.writeFileSync(profilesFile, JSON.stringify({ ...shipped, profiles: [...shipped.profiles, ...analysts] }))
  }, 120_000)

  it.each(["BWGW", "LW", "PI"])("finds no one-to-one match between two recipients' %s extracts", (workstream) => {
    const lead = extractOf(workstream, shipped.profiles.find((p) => p.workstream === workstream)!.recipient)
    const analyst = extractOf(workstream, `${workstream} analyst`)
    expect(lead.length).toBeGreaterThan(0)
    expect(analyst.length).toBeGreaterThan(0)
    const joined = oneToOne(lead, analyst)
    expect(joined.columns.length).toBeGreaterThan(3)
    expect(joined.pairs).toBe(0)
    expect(oneToOne(analyst, lead).pairs).toBe(0)
  })

  /** The transitions list's people, by `person_id`. */
  const transitions = () => new Set(readCsv(path.join(out, "transitions", "all.csv")).map((row) => row["person_id"]!))

  it("finds no one-to-one match between the Promoting Independence extract and any complex-cohort list, each member's transition flag added from the transitions list", () => {
    const profile = shipped.profiles.find((p) => p.workstream === "PI")!
    const extract = extractOf(profile.workstream, profile.recipient)
    const onTransitionsList = transitions()
    const lists = fs.readdirSync(path.join(out, "complex-cohort")).filter((file) => file.endsWith(".csv"))
    expect(lists).toContain("all.csv")
    expect(lists.length).toBeGreaterThan(2)
    for (const list of lists) {
      // The lead receives both lists, under the same person_id: anyone on both is flagged, anyone else not.
      const rows = readCsv(path.join(out, "complex-cohort", list)).map((row) => ({
        ...row,
        transition: onTransitionsList.has(row["person_id"]!) ? "1" : "0"
      }))
      if (rows.length === 0) continue
      const joined = oneToOne(rows, extract)
      expect(joined.columns.length, list).toBeGreaterThan(5)
      expect(joined.pairs, list).toBe(0)
    }
  })

  it.each(TRANSITIONS_SEGMENTS)(
    "finds no one-to-one match between the %s extract and the transitions list, every row of it flagged",
    (segment) => {
      const workstream = segment
      const profile = shipped.profiles.find((p) => p.workstream === workstream)!
      const extract = extractOf(workstream, profile.recipient)
      const list = readCsv(path.join(out, "transitions", "all.csv"))
        .filter((row) => row["segment"] === segment)
        .map((row) => ({ ...row, age_years: row["age_band"]!, transition: "1" }))
      expect(list.length).toBeGreaterThan(0)
      const joined = oneToOne(list, extract)
      expect(joined.columns).toContain("transition")
      expect(joined.pairs).toBe(0)
      expect(oneToOne(extract, list).pairs).toBe(0)
    }
  )

  it("would find the members one to one on their exact values", () => {
    const profile = shipped.profiles.find((p) => p.workstream === "PI")!
    const db = openWarehouse(out)
    const exact = (
      db.prepare(fs.readFileSync("sql/extracts/workstream_members.sql", "utf8")).all() as Array<Record<string, unknown>>
    )
      .filter((member) => member["segment"] === "PI")
      .map((member) => Object.fromEntries(profile.fields.map((field) => [field, String(member[field] ?? "")])))
    db.close()
    const list = readCsv(path.join(out, "complex-cohort", "all.csv"))
    expect(oneToOne(list, exact).pairs).toBeGreaterThan(list.length / 2)
  })
})
