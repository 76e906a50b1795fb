/**
 * The synthetic borough: deterministic for a seed, within the extract contract
 * except for the rows broken on purpose, with the personas planted, and with
 * every true council link findable by the probabilistic tier's blocking rules
 * unless too much of it is wrong.
 */
import { createHash, createHmac } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import { beforeAll, describe, expect, it } from "vitest"
import Database from "better-sqlite3"
import { newKey, tempDir, wsd } from "../e2e/wsdCommand.js"
import { parseSex } from "../../schemas/fields/codedValues.js"
import { parseExtractDate } from "../../schemas/fields/extractDate.js"
import { normalisePostcode } from "../../schemas/fields/postcode.js"
import { demographicsOf } from "../../transforms/demographicMatch.js"
import { BLOCKING_RULES } from "../../transforms/probabilisticMatch.js"

const AS_OF = "2026-11-20"
const digest = (dir: string) =>
  Object.fromEntries(
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [
        path.relative(dir, path.join(e.parentPath, e.name)),
        createHash("sha256")
          .update(fs.readFileSync(path.join(e.parentPath, e.name)))
          .digest("hex")
      ])
  )

describe("wsd synth", () => {
  let dir: string
  let borough: string

  beforeAll(() => {
    dir = tempDir("synth")
    borough = path.join(dir, "borough")
    const result = wsd("synth", "--residents", "3000", "--seed", "11", "--out", borough, "--as-of", AS_OF)
    expect(result.status, result.stderr).toBe(0)
  })

  it("writes byte-identical extracts and truth for the same seed, and different ones for another", () => {
    const again = path.join(dir, "again")
    expect(wsd("synth", "--residents", "3000", "--seed", "11", "--out", again, "--as-of", AS_OF).status).toBe(0)
    expect(digest(again)).toEqual(digest(borough))
    const other = path.join(dir, "other")
    expect(wsd("synth", "--residents", "3000", "--seed", "12", "--out", other, "--as-of", AS_OF).status).toBe(0)
    expect(digest(other)["gp_registrations.csv"]).not.toBe(digest(borough)["gp_registrations.csv"])
  })

  it("writes every source, and passes the contract with quarantine exactly where errors were injected", () => {
    const out = path.join(dir, "out")
    const result = wsd("run", "--inbox", borough, "--out", out, "--key-file", newKey(dir), "--as-of", AS_OF, "--quiet")
    expect(result.status, result.stderr).toBe(0)
    const injected = new Map<string, number>()
    const injectedReasons = new Map<string, number>()
    const truthRows = parse(fs.readFileSync(path.join(borough, "truth", "injected_errors.csv")), {
      columns: true
    }) as Array<{ source: string; field: string; reason: string }>
    for (const row of truthRows) {
      injected.set(row.source, (injected.get(row.source) ?? 0) + 1)
      const key = `${row.source}/${row.field}/${row.reason}`
      injectedReasons.set(key, (injectedReasons.get(key) ?? 0) + 1)
    }
    const db = new Database(path.join(out, "warehouse.sqlite"), { readonly: true })
    const inputs = db.prepare("select source, status, rows_read, rows_quarantined from lineage_input").all() as Array<{
      source: string
      status: string
      rows_read: number
      rows_quarantined: number
    }>
    expect(inputs).toHaveLength(13)
    for (const input of inputs) {
      expect(input.status, input.source).toBe("loaded")
      expect(input.rows_read, input.source).toBeGreaterThan(0)
      expect(input.rows_quarantined, input.source).toBe(injected.get(input.source) ?? 0)
    }
    const reasons = db.prepare("select source, field, reason, rows from lineage_quarantine").all() as Array<{
      source: string
      field: string
      reason: string
      rows: number
    }>
    expect(new Map(reasons.map((r) => [`${r.source}/${r.field}/${r.reason}`, r.rows]))).toEqual(injectedReasons)
    const personas = new Map(
      (
        parse(fs.readFileSync(path.join(borough, "truth", "personas.csv")), { columns: true }) as Array<{
          persona: string
          nhs_number: string
        }>
      ).map((p) => [p.persona, p.nhs_number])
    )
    const key = Buffer.from(fs.readFileSync(path.join(dir, "key"), "utf8").trim(), "hex")
    const idOf = (persona: string) =>
      createHmac("sha256", key)
        .update(`nhs_number:${personas.get(persona)}`)
        .digest("hex")
        .slice(0, 32)
    const segment = (persona: string) =>
      db.prepare("select segment, reasons from segment_membership where person_id = ?").get(idOf(persona)) as {
        segment: string
        reasons: string
      }
    expect(segment("joan").segment).toBe("PI")
    expect(segment("joan").reasons).toContain("complex_ltc")
    expect(segment("pete").segment).toBe("PI")
    expect(segment("zainab").segment).toBe("LW")
    for (const child of ["amir", "layla", "yusuf", "daniel", "david"]) expect(segment(child).segment).toBe("BWGW")
    expect(
      db
        .prepare(
          "select link_method from housing_record where person_id = ? and tenure = 'sheltered' and notice_served = 1"
        )
        .get(idOf("pete"))
    ).toEqual({ link_method: "given_name_variant" })
    // The record naming a twin by initial only stays ambiguous.
    const ambiguous = db
      .prepare("select count(*) n from childrens_social_care_episode where link_status = 'ambiguous'")
      .get() as { n: number }
    expect(ambiguous.n).toBeGreaterThanOrEqual(1)
    db.close()
  })

  it("gives every true council link a blocking key in common with its resident, unless its date of birth, postcode and a name are all wrong", () => {
    const read = (file: string) =>
      parse(fs.readFileSync(path.join(borough, `${file}.csv`)), { columns: true }) as Array<Record<string, string>>
    const demographics = (row: Record<string, string>) =>
      demographicsOf({
        given_name: row["given_name"],
        family_name: row["family_name"],
        date_of_birth: row["date_of_birth"] ? parseExtractDate(row["date_of_birth"]) : undefined,
        postcode: row["postcode"] ? normalisePostcode(row["postcode"]) : undefined,
        sex: row["sex"] ? parseSex(row["sex"]) : undefined
      })
    const residents = new Map(read("gp_registrations").map((row) => [row["nhs_number"]!.replace(/ /g, ""), row]))
    const rows = new Map<string, Array<Record<string, string>>>()
    let compared = 0
    const unblocked: Array<string> = []
    for (const truth of read("truth/council_links")) {
      const source = rows.get(truth["source"]!) ?? read(truth["source"]!)
      rows.set(truth["source"]!, source)
      const record = demographics(source[Number(truth["row"]) - 2]!)
      const resident = demographics(residents.get(truth["nhs_number"]!)!)!
      if (record === undefined) continue
      compared++
      const shares = BLOCKING_RULES.some((rule) => {
        const key = rule.key(record)
        return key !== undefined && key === rule.key(resident)
      })
      if (!shares) unblocked.push(truth["corruption"]!)
    }
    expect(compared).toBeGreaterThan(2000)
    for (const corruption of unblocked) {
      expect(corruption).toMatch(/date_of_birth/)
      expect(corruption).toMatch(/postcode/)
      expect(corruption).toMatch(/name|ocr/)
    }
  })

  it("gives more deprived residents more A&E use and emergency admissions, Universal Credit, absence from school and crime", () => {
    const out = path.join(dir, "gradient")
    const result = wsd(
      "run",
      "--inbox",
      borough,
      "--out",
      out,
      "--key-file",
      newKey(dir, "gradient-key"),
      "--as-of",
      AS_OF,
      "--quiet"
    )
    expect(result.status, result.stderr).toBe(0)
    const rows = parse(fs.readFileSync(path.join(out, "outcomes.csv")), { columns: true }) as Array<
      Record<string, string>
    >
    // The published (controlled) rate of an indicator in IMD quintile 1 (most deprived) and 5 (least).
    const rateIn = (indicator: string, quintile: string) => {
      const row = rows.find(
        (r) => r["indicator"] === indicator && r["dimension"] === "deprivation_quintile" && r["group"] === quintile
      )
      expect(row?.["rate"], `${indicator} in quintile ${quintile}`).toMatch(/^\d/)
      return Number(row!["rate"])
    }
    for (const indicator of [
      "ae_attendances",
      "emergency_admissions",
      "universal_credit",
      "persistent_absence",
      "high_crime_area"
    ]) {
      expect(rateIn(indicator, "1"), indicator).toBeGreaterThan(rateIn(indicator, "5"))
    }
    // The gradient is steep enough to be seen through rounding to 5: A&E use at least 1.5 times as high.
    expect(rateIn("ae_attendances", "1")).toBeGreaterThan(1.5 * rateIn("ae_attendances", "5"))
  })
  it("varies the air and crime of LSOAs that share a deprivation decile, as roads and town centres do", () => {
    // Enough residents for several LSOAs in most deciles (3,000 fill one each).
    const larger = path.join(dir, "larger")
    expect(wsd("synth", "--residents", "30000", "--seed", "11", "--out", larger, "--as-of", AS_OF).status).toBe(0)
    const read = (file: string) =>
      parse(fs.readFileSync(path.join(larger, file)), { columns: true }) as Array<Record<string, string>>
    const decileOf = new Map(read("postcode_lsoa.csv").map((row) => [row["lsoa"]!, row["imd_decile"]!]))
    const lsoasOf = new Map<string, Array<Record<string, string>>>()
    for (const row of read("lsoa_environment.csv")) {
      const decile = decileOf.get(row["lsoa"]!)!
      lsoasOf.set(decile, [...(lsoasOf.get(decile) ?? []), row])
    }
    const several = [...lsoasOf.values()].filter((lsoas) => lsoas.length >= 2)
    expect(several.length).toBeGreaterThanOrEqual(8)
    for (const lsoas of several) {
      expect(new Set(lsoas.map((row) => row["pm25_ugm3"])).size).toBeGreaterThan(1)
      expect(new Set(lsoas.map((row) => row["crimes_per_1000"])).size).toBeGreaterThan(1)
    }
  })
  it("starts every reablement within the rules' days of a discharge from an emergency spell, and gives who died in the window their last weeks", () => {
    const read = (file: string) =>
      parse(fs.readFileSync(path.join(borough, file)), { columns: true }) as Array<Record<string, string>>
    const acute = read("acute_activity.csv")
    const ascRows = read("adult_social_care.csv")
    const within = (
      JSON.parse(
        fs.readFileSync(path.join(import.meta.dirname, "..", "..", "rules", "segmentation-v1.json"), "utf8")
      ) as {
        bcf: { reablementStartWithinDays: number }
      }
    ).bcf.reablementStartWithinDays
    const days = (from: string, to: string) =>
      (Date.parse(parseExtractDate(to)!) - Date.parse(parseExtractDate(from)!)) / 86_400_000
    const discharges = new Map<string, Array<string>>()
    for (const row of acute) {
      if (row["activity_type"] !== "APC" || !row["admission_method"]!.startsWith("2") || !row["nhs_number"]) continue
      const nhs = row["nhs_number"].replace(/\D/g, "")
      discharges.set(nhs, [...(discharges.get(nhs) ?? []), row["end_date"]!])
    }
    // Whose each council row is (its NHS number may be missing or wrong there); rows broken on purpose have none.
    const owner = new Map(
      read("truth/council_links.csv")
        .filter((link) => link["source"] === "adult_social_care")
        .map((link) => [Number(link["row"]), link["nhs_number"]!])
    )
    const reablements = ascRows
      .map((row, i) => ({ row, nhs: owner.get(i + 2) }))
      .filter(({ row, nhs }) => nhs !== undefined && row["service_type"] === "reablement")
    expect(reablements.length).toBeGreaterThan(5)
    for (const { row, nhs } of reablements) {
      const gaps = (discharges.get(nhs!) ?? []).map((discharged) => days(discharged, row["event_start"]!))
      expect(
        gaps.some((gap) => gap >= 0 && gap <= within),
        `${nhs}: ${gaps.join(", ")}`
      ).toBe(true)
    }

    // Deaths in the window of people 65+: some died in hospital on the day, some had social care before.
    const windowStart = new Date(Date.parse(AS_OF) - 364 * 86_400_000).toISOString().slice(0, 10)
    const died = read("gp_registrations.csv").filter(
      (row) => row["date_of_death"] && parseExtractDate(row["date_of_death"])! >= windowStart
    )
    const diedOn = new Map(died.map((row) => [row["nhs_number"]!.replace(/\D/g, ""), row["date_of_death"]!]))
    const diedInHospital = acute.filter(
      (row) =>
        row["discharge_destination"] === "79" && diedOn.get(row["nhs_number"]!.replace(/\D/g, "")) === row["end_date"]
    )
    expect(diedInHospital.length).toBeGreaterThan(0)
    const caredForBeforeDeath = ascRows.filter((row, i) => {
      const death = diedOn.get(owner.get(i + 2) ?? "")
      return row["event_type"] === "service" && death !== undefined && row["event_start"]! <= death
    })
    expect(caredForBeforeDeath.length).toBeGreaterThan(0)
  })
})
