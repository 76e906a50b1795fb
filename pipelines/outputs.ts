/**
 * The files a run publishes for the workstreams, from the warehouse through the
 * analyst-readable queries in `sql/outputs/`: the complex-cohort lists (one per
 * practice and one borough-wide), the changes since the last publication, the
 * disclosure-controlled cohort summary, the shadow budget and the BCF metrics.
 *
 * Every CSV is written through `csvLine`, which neutralises formula-like text.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import { Effect } from "effect"
import { sql } from "kysely"
import { ageBand } from "../transforms/extractDate.js"
import { type DisclosureRules, controlCount, DEFAULT_DISCLOSURE_RULES } from "../transforms/disclosureControl.js"
import { type CsvValue, csvLine } from "../transforms/spreadsheetSafety.js"
import { PublicationError } from "./errors.js"
import type { OutputLineage } from "./lineage.js"
import { sha256OfFile } from "./lineage.js"
import { projectFile } from "./projectFiles.js"
import type { WarehouseDb } from "./warehouse.js"

type Row = Record<string, CsvValue>

const outputError = (message: string) => (cause: unknown) =>
  new PublicationError({ message, nextAction: "check free space and permissions of the output area", cause })

const query = (db: WarehouseDb, name: string) =>
  Effect.tryPromise({
    try: async () => {
      const text = fs.readFileSync(projectFile("sql", "outputs", `${name}.sql`), "utf8")
      return (await sql.raw<Row>(text).execute(db)).rows
    },
    catch: outputError(`output query ${name} failed`)
  })

/** Writes a CSV (header from `columns`) readable by owner and group, and describes it for lineage. */
const writeCsv = (
  release: string,
  file: string,
  columns: ReadonlyArray<string>,
  rows: ReadonlyArray<Row>,
  recipient: string
) =>
  Effect.tryPromise({
    try: async (): Promise<OutputLineage> => {
      const target = path.join(release, file)
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o750 })
      const text = csvLine(columns) + rows.map((row) => csvLine(columns.map((column) => row[column]))).join("")
      fs.writeFileSync(target, text, { mode: 0o640 })
      return { path: file, rows: rows.length, sha256: await sha256OfFile(target), recipient }
    },
    catch: outputError(`cannot write ${file}`)
  })

const COHORT_COLUMNS = [
  "person_id",
  "rank",
  "practice_code",
  "pcn",
  "locality",
  "age_band",
  "sex",
  "risk_score",
  "reasons",
  "ltc_count",
  "ltcs",
  "frailty",
  "ae_attendances",
  "non_elective_admissions",
  "elective_admissions",
  "bed_days",
  "community_contacts",
  "asc_service_type",
  "asc_service_term",
  "care_home",
  "csc_status",
  "housing_tenure",
  "temporary_accommodation",
  "homeless",
  "overcrowded",
  "notice_served",
  "benefit_types",
  "universal_credit",
  "household_size",
  "lives_alone"
]

const CHANGE_COLUMNS = ["person_id", "change", "practice_code", "previous_reasons", "reasons"]

/** Who joined, left or changed reasons since the previous publication's borough-wide list. */
export const cohortChanges = (
  previous: ReadonlyArray<{ readonly person_id: string; readonly reasons: string; readonly practice_code: string }>,
  current: ReadonlyArray<Row>
): Array<Row> => {
  const before = new Map(previous.map((row) => [row.person_id, row]))
  const now = new Map(current.map((row) => [String(row["person_id"]), row]))
  const changes: Array<Row> = []
  for (const [id, row] of now) {
    const earlier = before.get(id)
    if (earlier === undefined)
      changes.push({ person_id: id, change: "joined", practice_code: row["practice_code"], reasons: row["reasons"] })
    else if (earlier.reasons !== row["reasons"]) {
      changes.push({
        person_id: id,
        change: "reasons_changed",
        practice_code: row["practice_code"],
        previous_reasons: earlier.reasons,
        reasons: row["reasons"]
      })
    }
  }
  for (const [id, row] of before) {
    if (!now.has(id))
      changes.push({ person_id: id, change: "left", practice_code: row.practice_code, previous_reasons: row.reasons })
  }
  return changes.sort(
    (a, b) =>
      String(a["change"]).localeCompare(String(b["change"])) ||
      String(a["person_id"]).localeCompare(String(b["person_id"]))
  )
}

const AGE_BANDS = Array.from({ length: 18 }, (_, i) => ageBand(i * 5))
const SEXES = ["female", "male", "indeterminate", "not_known"]
const SEGMENTS = ["BWGW", "LW", "PI"]

/**
 * Every cell of segment × age band × sex × locality (× deprivation decile when
 * a lookup was supplied), so a zero is a published zero, with 1–7 suppressed and
 * marked and other counts rounded to 5.
 */
export const cohortSummary = (
  counts: ReadonlyArray<Row>,
  localities: ReadonlyArray<string>,
  rules: DisclosureRules
): Array<Row> => {
  const withDeprivation = counts.some((row) => row["imd_decile"] !== "unknown")
  const deciles = withDeprivation ? [...Array.from({ length: 10 }, (_, i) => String(i + 1)), "unknown"] : ["all"]
  const counted = new Map<string, number>()
  for (const row of counts) {
    const decile = withDeprivation ? String(row["imd_decile"]) : "all"
    const key = [row["segment"], row["age_band"], row["sex"], row["locality"], decile].join("|")
    counted.set(key, (counted.get(key) ?? 0) + Number(row["residents"]))
  }
  const rows: Array<Row> = []
  for (const segment of SEGMENTS) {
    for (const band of AGE_BANDS) {
      for (const sex of SEXES) {
        for (const locality of localities) {
          for (const decile of deciles) {
            const controlled = controlCount(counted.get([segment, band, sex, locality, decile].join("|")) ?? 0, rules)
            rows.push({
              segment,
              age_band: band,
              sex,
              locality,
              imd_decile: decile,
              residents: controlled.suppressed ? null : controlled.count,
              suppressed: controlled.suppressed ? "Y" : "N"
            })
          }
        }
      }
    }
  }
  return rows
}

const readPreviousCohort = (previousRelease: string | undefined) => {
  const file = previousRelease && path.join(previousRelease, "complex-cohort", "all.csv")
  if (!file || !fs.existsSync(file)) return undefined
  return parse(fs.readFileSync(file), { columns: true }) as Array<{
    person_id: string
    reasons: string
    practice_code: string
  }>
}

export const writeOutputs = (db: WarehouseDb, release: string, previousRelease: string | undefined) =>
  Effect.gen(function* () {
    const outputs: Array<OutputLineage> = []
    const rules = DEFAULT_DISCLOSURE_RULES

    const cohort = yield* query(db, "complex_cohort")
    const team = "practice multidisciplinary team (pseudonymised; direct care)"
    outputs.push(
      yield* writeCsv(
        release,
        "complex-cohort/all.csv",
        COHORT_COLUMNS,
        cohort.map((r) => ({ ...r, rank: r["borough_rank"] })),
        "Promoting Independence workstream lead"
      )
    )
    const practices = (yield* Effect.promise(() =>
      db.selectFrom("practice").select("practice_code").orderBy("practice_code").execute()
    )).map((row) => row.practice_code)
    for (const practice of practices) {
      const rows = cohort
        .filter((row) => row["practice_code"] === practice)
        .map((r) => ({ ...r, rank: r["practice_rank"] }))
      rows.sort((a, b) => Number(a["rank"]) - Number(b["rank"]))
      outputs.push(
        yield* writeCsv(release, `complex-cohort/${practice}.csv`, COHORT_COLUMNS, rows, `${practice} ${team}`)
      )
    }
    const previous = readPreviousCohort(previousRelease)
    if (previous !== undefined) {
      outputs.push(
        yield* writeCsv(
          release,
          "complex-cohort/changes.csv",
          CHANGE_COLUMNS,
          cohortChanges(previous, cohort),
          "Promoting Independence workstream lead"
        )
      )
    }

    const localities = [
      ...new Set(
        (yield* Effect.promise(() => db.selectFrom("practice").select("locality").execute())).map((r) => r.locality)
      )
    ].sort()
    const summary = cohortSummary(yield* query(db, "cohort_counts"), localities, rules)
    outputs.push(
      yield* writeCsv(
        release,
        "cohort-summary.csv",
        ["segment", "age_band", "sex", "locality", "imd_decile", "residents", "suppressed"],
        summary,
        "workstream leads and the partnership (aggregate)"
      )
    )

    const budget = (yield* query(db, "shadow_budget")).map((row) => {
      const people = controlCount(Number(row["people"]), rules)
      return {
        segment: row["segment"],
        service_line: row["service_line"],
        people: people.suppressed ? null : people.count,
        cost_gbp: people.suppressed ? null : Math.round(Number(row["cost_gbp"])),
        suppressed: people.suppressed ? "Y" : "N"
      }
    })
    outputs.push(
      yield* writeCsv(
        release,
        "shadow-budget.csv",
        ["segment", "service_line", "people", "cost_gbp", "suppressed"],
        budget,
        "workstream leads and finance (aggregate)"
      )
    )

    const bcf = (yield* query(db, "bcf_metrics")).map((row) => {
      const numerator = controlCount(Number(row["numerator"]), rules)
      const denominator = Number(row["denominator"])
      const shownDenominator = controlCount(denominator, rules)
      const value =
        numerator.suppressed || denominator === 0
          ? null
          : Math.round((Number(row["numerator"]) / denominator) * Number(row["per"]) * 10) / 10
      return {
        metric: row["metric"],
        numerator: numerator.suppressed ? null : numerator.count,
        denominator: shownDenominator.suppressed ? null : shownDenominator.count,
        value,
        suppressed: numerator.suppressed ? "Y" : "N"
      }
    })
    outputs.push(
      yield* writeCsv(
        release,
        "bcf-metrics.csv",
        ["metric", "numerator", "denominator", "value", "suppressed"],
        bcf,
        "Better Care Fund board (aggregate)"
      )
    )
    return outputs
  })
