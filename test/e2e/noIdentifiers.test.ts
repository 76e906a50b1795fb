/**
 * The identifier policy as a test: no NHS number, name, date of birth,
 * postcode, UPRN or council record id from the fixtures may appear in the
 * warehouse, any published file, the lineage (OpenLineage events included),
 * the logs, workstream extracts, quarantine listings or the console output.
 * (The secure area's quarantine is the one place they may be in the clear, by
 * design; the re-identification store holds NHS numbers sealed.)
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { checkNhsNumber } from "../../schemas/fields/nhsNumber.js"
import { findIdentifiers, fixtureIdentifiers } from "./identifiers.js"
import { filesUnder, newKey, runFixtures, sqliteTables, tempDir, wsd, type WsdResult } from "./wsdCommand.js"

const warehouseText = (file: string): string =>
  [...sqliteTables(file).values()].map((rows) => JSON.stringify(rows)).join("\n")

describe("no identifier leaves the secure step", () => {
  const identifiers = fixtureIdentifiers()
  let dir: string
  let out: string
  let result: WsdResult

  let extracts: Array<string>
  let keys: Array<string>
  const printed: Array<WsdResult> = []

  beforeAll(() => {
    dir = tempDir("scan")
    out = path.join(dir, "out")
    const keyFile = newKey(dir)
    const reidKeyFile = newKey(dir, "reid-key")
    keys = [keyFile, reidKeyFile].map((file) => fs.readFileSync(file, "utf8").trim())
    result = runFixtures({ out, keyFile }, "--reid-key-file", reidKeyFile)
    // The fixtures' few PI members cannot reach k = 5: at k = 2 their extract has rows to scan.
    const profiles = path.join(dir, "profiles.json")
    const shipped = JSON.parse(fs.readFileSync("rules/extract-profiles-v1.json", "utf8")) as {
      profiles: Array<{ workstream: string }>
    }
    fs.writeFileSync(
      profiles,
      JSON.stringify({
        ...shipped,
        profiles: shipped.profiles.map((p) => (p.workstream === "PI" ? { ...p, k: 2 } : p))
      })
    )
    extracts = ["BWGW", "LW", "PI"].map((workstream) => {
      const file = path.join(dir, `${workstream}.csv`)
      printed.push(
        wsd(
          "extract",
          "--from",
          out,
          "--workstream",
          workstream,
          "--purpose",
          "scan",
          "--out",
          file,
          "--key-file",
          keyFile,
          "--profiles",
          profiles
        )
      )
      return file
    })
    const listing = path.join(dir, "quarantine.csv")
    printed.push(wsd("quarantine", "list", "--out", out, "--source", "gp_registrations", "--csv", listing))
    extracts.push(listing)
  })

  it("has identifiers to look for", () => {
    expect(result.status, result.stderr).toBe(0)
    // 35 registrations alone hold over a hundred distinct identifiers.
    expect(identifiers.size).toBeGreaterThan(150)
  })

  it("would see one if it were there", () => {
    const [nhsNumber] = [...identifiers].filter((identifier) => checkNhsNumber(identifier).valid)
    expect(findIdentifiers(`{"note":"${nhsNumber}"}`, identifiers)).toContain(nhsNumber)
    expect(findIdentifiers("Joan,E1 6AN", identifiers)).toEqual(expect.arrayContaining(["Joan", "E1 6AN"]))
  })

  it("finds none in the warehouse's tables", () => {
    expect(findIdentifiers(warehouseText(path.join(out, "warehouse.sqlite")), identifiers)).toEqual([])
  })

  it("finds none in any published file, the lineage or the logs", () => {
    const stateDir = path.join(dir, ".out.wsd")
    const files = [
      ...filesUnder(fs.realpathSync(out)),
      ...filesUnder(path.join(stateDir, "lineage")),
      ...filesUnder(path.join(stateDir, "logs"))
    ]
    expect(files.length).toBeGreaterThan(3)
    // The run report shows figures drawn from every table: it is scanned like the rest.
    const release = fs.realpathSync(out)
    expect(files).toEqual(
      expect.arrayContaining([path.join(release, "report.html"), path.join(release, "report-figures.json")])
    )
    expect(
      files.some((file) => file.includes(`${path.sep}logs${path.sep}`) && file.startsWith(fs.realpathSync(out)))
    ).toBe(true)
    for (const file of files) {
      expect(findIdentifiers(fs.readFileSync(file, "latin1"), identifiers), file).toEqual([])
    }
  })

  it("finds none in the workstream extracts or the quarantine listing", () => {
    for (const command of printed) expect(command.status, command.stderr).toBe(0)
    for (const file of extracts) {
      expect(fs.readFileSync(file, "utf8").split("\n").length, file).toBeGreaterThan(2)
      expect(findIdentifiers(fs.readFileSync(file, "latin1"), identifiers), file).toEqual([])
    }
  })

  it("finds none in what the commands printed, the lineage report included", () => {
    expect(findIdentifiers(result.stdout + result.stderr, identifiers)).toEqual([])
    for (const command of printed) expect(findIdentifiers(command.stdout + command.stderr, identifiers)).toEqual([])
    const runId = fs.readdirSync(path.join(out, "lineage", "runs"))[0]!.replace(/\.json$/, "")
    const report = wsd("lineage", "show", "--out", out, runId)
    expect(report.status).toBe(0)
    expect(findIdentifiers(report.stdout + report.stderr, identifiers)).toEqual([])
  })

  it("finds no key material in any file it wrote outside the key files, or in anything it printed", () => {
    const stateDir = path.join(dir, ".out.wsd")
    const written = [...filesUnder(fs.realpathSync(out)), ...filesUnder(stateDir), ...extracts]
    // A failed run's output too: a wrong key file is named, its content never shown.
    const refused = runFixtures({ out, keyFile: path.join(dir, "reid-key") })
    expect(refused.status).toBe(2)
    const texts = [
      ...written.map((file) => fs.readFileSync(file, "latin1")),
      ...[result, refused, ...printed].map((command) => command.stdout + command.stderr)
    ]
    expect(keys.every((key) => /^[0-9a-f]{64}$/.test(key))).toBe(true)
    for (const key of keys) {
      for (const form of [key, key.toUpperCase(), Buffer.from(key, "hex").toString("base64")]) {
        for (const text of texts) expect(text.includes(form)).toBe(false)
      }
    }
  })

  it("keeps quarantined rows and the sealed store only in the owner-only secure area", () => {
    const secure = path.join(dir, ".out.wsd", "secure")
    expect(fs.statSync(secure).mode & 0o077).toBe(0)
    expect(filesUnder(path.join(secure, "quarantine"))).toHaveLength(5)
    const [store, ...others] = filesUnder(path.join(secure, "reidentification"))
    expect(others).toEqual([])
    for (const file of filesUnder(secure)) expect(fs.statSync(file).mode & 0o077).toBe(0)
    expect(findIdentifiers(fs.readFileSync(store!, "latin1"), identifiers)).toEqual([])
  })

  it("keeps the clerical review queue in the secure area, with pseudonyms and no identifier", () => {
    const queue = filesUnder(path.join(dir, ".out.wsd", "secure", "review"))
    expect(queue).toHaveLength(1)
    expect(findIdentifiers(fs.readFileSync(queue[0]!, "latin1"), identifiers)).toEqual([])
  })
})
