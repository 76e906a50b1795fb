import { createHmac } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import { beforeAll, describe, expect, it } from "vitest"
import { FIXTURE_AS_OF, newKey, openWarehouse, repoRoot, runFixtures, tempDir, type WsdResult } from "./wsdCommand.js"

interface Persona {
  readonly persona: string
  readonly nhs_number: string
  readonly uprn: string
}

const personas = new Map(
  (parse(fs.readFileSync(path.join(repoRoot, "fixtures", "personas.csv")), { columns: true }) as Array<Persona>).map(
    (p) => [p.persona, p]
  )
)

const WINDOW_START = "2025-11-21"

describe("wsd run on the bundled fixtures", () => {
  let out: string
  let key: Buffer
  let result: WsdResult
  const idOf = (persona: string) =>
    createHmac("sha256", key)
      .update(`nhs_number:${personas.get(persona)!.nhs_number}`)
      .digest("hex")
      .slice(0, 32)

  beforeAll(() => {
    const dir = tempDir("e2e")
    const keyFile = newKey(dir)
    key = Buffer.from(fs.readFileSync(keyFile, "utf8").trim(), "hex")
    out = path.join(dir, "out")
    result = runFixtures({ out, keyFile })
  })

  it("exits 0 and publishes through a link to a complete release", () => {
    expect(result.status, result.stderr).toBe(0)
    expect(fs.lstatSync(out).isSymbolicLink()).toBe(true)
    expect(fs.existsSync(path.join(out, "warehouse.sqlite"))).toBe(true)
    expect(fs.statSync(path.join(out, "warehouse.sqlite")).mode & 0o777).toBe(0o640)
    expect(result.stdout).toContain("28 residents")
  })

  it("records every input with rows read = accepted + quarantined, and the reasons", () => {
    const db = openWarehouse(out)
    const inputs = db.prepare("select * from lineage_input order by source").all() as Array<
      Record<string, number | string>
    >
    expect(inputs.map((input) => input.source)).toEqual([
      "acute_activity",
      "adult_social_care",
      "benefits",
      "childrens_social_care",
      "community_contacts",
      "education",
      "gp_events",
      "gp_registrations",
      "housing",
      "lsoa_environment",
      "opt_outs",
      "postcode_lsoa",
      "practices"
    ])
    for (const input of inputs) {
      expect(input.status).toBe("loaded")
      expect(Number(input.rows_read)).toBe(Number(input.rows_accepted) + Number(input.rows_quarantined))
      expect(String(input.sha256)).toMatch(/^[0-9a-f]{64}$/)
    }
    const reasons = db.prepare("select source, field, reason, rows from lineage_quarantine order by source").all()
    expect(reasons).toEqual([
      { source: "acute_activity", field: "end_date", reason: "end_before_start", rows: 1 },
      { source: "adult_social_care", field: "weekly_cost", reason: "negative_money", rows: 1 },
      { source: "community_contacts", field: "service", reason: "unknown_code", rows: 1 },
      { source: "gp_events", field: "event_date", reason: "invalid_date", rows: 1 },
      { source: "gp_registrations", field: "nhs_number", reason: "nhs_number_check_digit", rows: 1 }
    ])
    db.close()
  })

  it("keeps exactly the residents: registered, alive and at a partnership practice on the as-of date", () => {
    const db = openWarehouse(out)
    const ids = new Set(
      (db.prepare("select person_id from person").all() as Array<{ person_id: string }>).map((row) => row.person_id)
    )
    expect(ids.size).toBe(28)
    for (const resident of [
      "joan",
      "pete",
      "zainab",
      "amir",
      "layla",
      "yusuf",
      "daniel",
      "david",
      "mover",
      "dob_conflict"
    ]) {
      expect(ids.has(idOf(resident)), resident).toBe(true)
    }
    for (const absent of ["deceased", "moved_away", "uncovered", "opted_out"]) {
      expect(ids.has(idOf(absent)), absent).toBe(false)
    }
    const mover = db.prepare("select practice_code from person where person_id = ?").get(idOf("mover"))
    expect(mover).toEqual({ practice_code: "F84004" })
    const joan = db
      .prepare(
        "select age_years, age_band, year_of_birth, sex, postcode_district, lsoa, imd_decile from person where person_id = ?"
      )
      .get(idOf("joan"))
    expect(joan).toEqual({
      age_years: 73,
      age_band: "70-74",
      year_of_birth: 1953,
      sex: "female",
      postcode_district: "E1",
      lsoa: "E01004290",
      imd_decile: 2
    })
    db.close()
  })

  it("links the personas' health records by NHS number", () => {
    const db = openWarehouse(out)
    const count = (query: string, ...params: Array<string>) => (db.prepare(query).get(...params) as { n: number }).n
    expect(
      count(
        "select count(*) n from acute_activity where person_id = ? and activity_type = 'AE' and start_date >= ?",
        idOf("joan"),
        WINDOW_START
      )
    ).toBe(6)
    expect(
      count(
        "select count(*) n from acute_activity where person_id = ? and admission_category = 'non_elective' and start_date >= ?",
        idOf("pete"),
        WINDOW_START
      )
    ).toBe(2)
    expect(
      count("select count(*) n from gp_event where person_id = ? and snomed_code = '13645005'", idOf("joan"))
    ).toBe(1)
    expect(
      count("select count(*) n from gp_event where person_id = ? and snomed_code = '231504006'", idOf("zainab"))
    ).toBe(1)
    db.close()
  })

  it("puts Zainab's family at one address and keeps the twins apart", () => {
    const db = openWarehouse(out)
    const household = (persona: string) =>
      (db.prepare("select household_id from person where person_id = ?").get(idOf(persona)) as { household_id: string })
        .household_id
    const family = ["zainab", "amir", "layla", "yusuf"].map(household)
    expect(new Set(family).size).toBe(1)
    expect(db.prepare("select residents from household where household_id = ?").get(family[0])).toEqual({
      residents: 4
    })
    expect(idOf("daniel")).not.toBe(idOf("david"))
    expect(household("daniel")).toBe(household("david"))
    const joanHousehold = db.prepare("select residents from household where household_id = ?").get(household("joan"))
    expect(joanHousehold).toEqual({ residents: 1 })
    db.close()
  })

  it("counts every record's linkage, keeps unlinked records, and drops opted-out people's records", () => {
    const db = openWarehouse(out)
    const linkage = (source: string) =>
      Object.fromEntries(
        (
          db
            .prepare("select link_status, link_method, rows from lineage_linkage where source = ?")
            .all(source) as Array<{ link_status: string; link_method: string; rows: number }>
        ).map((row) => [row.link_method === "" ? row.link_status : `${row.link_status}:${row.link_method}`, row.rows])
      )
    expect(linkage("acute_activity")).toMatchObject({ opted_out: 1, no_nhs_number: 1, not_resident: 1 })
    expect(linkage("housing")).toEqual({ "linked:exact": 4, "linked:given_name_variant": 1, opted_out: 1 })
    const stored = db
      .prepare("select link_status, count(*) n from acute_activity group by link_status order by link_status")
      .all()
    expect(stored).toEqual([
      { link_status: "linked", n: linkage("acute_activity")["linked:nhs_number"] },
      { link_status: "no_nhs_number", n: 1 },
      { link_status: "not_resident", n: 1 }
    ])
    expect(db.prepare("select count(*) n from acute_activity where person_id = ?").get(idOf("opted_out"))).toEqual({
      n: 0
    })
    expect(db.prepare("select count(*) n from housing_record").get()).toEqual({ n: 5 })
    db.close()
  })

  it("links council records without NHS numbers by demographics, recording the tier", () => {
    const db = openWarehouse(out)
    const pete = db
      .prepare("select link_status, link_method, tenure, notice_served from housing_record where person_id = ?")
      .get(idOf("pete"))
    expect(pete).toEqual({
      link_status: "linked",
      link_method: "given_name_variant",
      tenure: "sheltered",
      notice_served: 1
    })
    expect(db.prepare("select link_method from benefit_claim where person_id = ?").get(idOf("pete"))).toEqual({
      link_method: "exact"
    })
    const amir = db
      .prepare("select link_method, sen_provision, sen_primary_need from education_record where person_id = ?")
      .get(idOf("amir"))
    expect(amir).toEqual({ link_method: "exact", sen_provision: "E", sen_primary_need: "ASD" })
    expect(db.prepare("select count(*) n from education_record where person_id = ?").get(idOf("layla"))).toEqual({
      n: 1
    })
    expect(db.prepare("select sen_primary_need from education_record where person_id = ?").get(idOf("daniel"))).toEqual(
      { sen_primary_need: "SEMH" }
    )
    expect(db.prepare("select sen_provision from education_record where person_id = ?").get(idOf("david"))).toEqual({
      sen_provision: "N"
    })
    const ambiguous = db
      .prepare("select person_id, link_method from childrens_social_care_episode where link_status = 'ambiguous'")
      .all()
    expect(ambiguous).toEqual([{ person_id: null, link_method: "given_name_initial" }])
    const input = db.prepare("select invalid_nhs_numbers from lineage_input where source = 'adult_social_care'").get()
    expect(input).toEqual({ invalid_nhs_numbers: 1 })
    expect(db.prepare("select count(*) n from adult_social_care_event where link_method = 'exact'").get()).toEqual({
      n: 2
    })
    db.close()
  })

  it("segments the personas as personas.md says", () => {
    const db = openWarehouse(out)
    const membership = (persona: string) =>
      db
        .prepare("select segment, reasons, transition, ltc from segment_membership where person_id = ?")
        .get(idOf(persona))
    expect(membership("joan")).toEqual({ segment: "PI", reasons: "complex_ltc", transition: 0, ltc: 0 })
    expect(membership("pete")).toEqual({ segment: "PI", reasons: "complex_ltc", transition: 0, ltc: 0 })
    expect(membership("zainab")).toEqual({ segment: "LW", reasons: "adult", transition: 0, ltc: 1 })
    for (const child of ["amir", "layla", "yusuf", "daniel", "david"]) {
      expect(membership(child), child).toMatchObject({ segment: "BWGW", reasons: "age_under_18" })
    }
    const joan = db.prepare("select * from risk_score where person_id = ?").get(idOf("joan"))
    expect(joan).toMatchObject({ age_points: 1, ltc_points: 2, ae_points: 4, living_alone_points: 1, total: 8 })
    const pete = db
      .prepare(
        "select ltcs, non_elective_admissions, sheltered, notice_served from person_features where person_id = ?"
      )
      .get(idOf("pete"))
    expect(pete).toEqual({ ltcs: "diabetes;hypertension", non_elective_admissions: 2, sheltered: 1, notice_served: 1 })
    const amir = db
      .prepare("select sen_provision, sen_primary_need, autism from person_features where person_id = ?")
      .get(idOf("amir"))
    expect(amir).toEqual({ sen_provision: "E", sen_primary_need: "ASD", autism: 1 })
    expect(db.prepare("select count(*) n from segment_membership").get()).toEqual({ n: 28 })
    db.close()
  })

  it("measures demographic linkage by deprivation and by ethnic category", () => {
    const db = openWarehouse(out)
    const rows = db.prepare("select source, dimension, category, records, linked from lineage_linkage_equity").all()
    // The twins' ambiguous record lives in IMD decile 2 and did not link.
    expect(rows).toContainEqual({
      source: "childrens_social_care",
      dimension: "imd_decile",
      category: "2",
      records: 1,
      linked: 0
    })
    // Zainab's family (decile 3) linked from education; E2 has no lookup entry for one ASC record, so its district is used.
    expect(rows).toContainEqual({ source: "education", dimension: "imd_decile", category: "3", records: 2, linked: 2 })
    expect(rows).toContainEqual({
      source: "adult_social_care",
      dimension: "postcode_district",
      category: "E2",
      records: 1,
      linked: 1
    })
    // Records with a proving NHS number check whether demographics alone would have found the same resident.
    const byEthnicity = rows.filter((row) => (row as { dimension: string }).dimension === "ethnic_category")
    expect(byEthnicity.length).toBeGreaterThan(0)
    db.close()
  })

  it("records the run's lineage in the warehouse and in the published hash chain", () => {
    const db = openWarehouse(out)
    const run = db.prepare("select * from run").get() as Record<string, string>
    expect(run.status).toBe("succeeded")
    expect(run.as_of).toBe(FIXTURE_AS_OF)
    expect(run.key_fingerprint).toMatch(/^[0-9a-f]{16}$/)
    const lineage = JSON.parse(run.lineage_json!) as {
      spine: Record<string, number>
      rules_version: string
      codelists: Array<{ sha256: string }>
      segments: Record<string, number>
      opt_outs: Record<string, string>
      linkage_model: { margin_bits: number } | null
    }
    expect(lineage.spine.conflicting_date_of_birth).toBe(1)
    // The ladder links every council record of the fixtures but the twins' (ambiguous), which the
    // probabilistic tier is given and cannot settle either: it fitted a model, and the record stays as the ladder left it.
    expect(lineage.linkage_model).toMatchObject({ margin_bits: 3 })
    expect(lineage.rules_version).toBe("segmentation-v1")
    expect(lineage.codelists).toHaveLength(24)
    for (const codelist of lineage.codelists) expect(codelist.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(lineage.segments).toEqual({ BWGW: 7, LW: 17, PI: 4 })
    // One resident opted out: the count is suppressed, and no spine figure gives it away.
    expect(lineage.opt_outs).toEqual({ residents_excluded: "[suppressed]" })
    expect(lineage.spine.people_resident).toBe(lineage.spine.residents)
    db.close()
    const chain = fs
      .readFileSync(path.join(out, "lineage", "chain.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
    expect(chain).toHaveLength(1)
    expect(chain[0].previous_sha256).toBe("0".repeat(64))
    expect(chain[0].run.outputs[0].path).toBe("warehouse.sqlite")
    expect(chain[0].run.stages.map((s: { stage: string }) => s.stage)).toContain("load acute_activity")
  })
})
