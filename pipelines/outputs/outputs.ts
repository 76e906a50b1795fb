/**
 * The files a run publishes for the workstreams, from the warehouse through the
 * analyst-readable queries in `sql/outputs/`: the complex-cohort lists (one per
 * practice and one borough-wide), the changes since the last publication, the
 * transitions list, the disclosure-controlled cohort and transitions
 * summaries, the shadow budget and the BCF metrics.
 *
 * Every CSV is written through `csvLine`, which neutralises formula-like text.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import { Effect } from "effect"
import { controlBcf } from "../../transforms/aggregateOutputs.js"
import { COMPLEX_COHORT_SEGMENT, SEGMENT_CODES, segmentOf, TRANSITIONS_SEGMENTS } from "../../schemas/segments.js"
import { AGE_BANDS, SEXES } from "../../transforms/cohortDimensions.js"
import { type DisclosureRules, DEFAULT_DISCLOSURE_RULES } from "../../transforms/disclosureControl.js"
import {
  type ControlledResidents,
  controlResidents,
  residentCount,
  withheldSegments
} from "../../transforms/residentCounts.js"
import { controlBudget } from "../../transforms/shadowBudget.js"
import { type CsvValue, csvLine } from "../../transforms/spreadsheetSafety.js"
import { controlTransitions, type TransitionCount, transitionCount } from "../../transforms/transitionCounts.js"
import type { OutputLineage, RunLineage } from "../governance/lineage.js"
import { type OutputQueries, writeOutputFile } from "./outputFiles.js"

type Row = Record<string, CsvValue>

const query = (queries: OutputQueries, name: string) => queries.rows<Row>(name)

/** Writes a CSV with a header from `columns`. */
const writeCsv = (
  release: string,
  file: string,
  columns: ReadonlyArray<string>,
  rows: ReadonlyArray<Row>,
  recipient: string
) =>
  writeOutputFile(
    release,
    file,
    csvLine(columns) + rows.map((row) => csvLine(columns.map((column) => row[column]))).join(""),
    rows.length,
    recipient
  )

/** The shadow budget's columns, borough-wide and (after the geography and area) per practice, PCN and locality. */
const BUDGET_COLUMNS = ["segment", "service_line", "people", "cost_gbp", "residents", "cost_per_head_gbp", "suppressed"]

/** The complex-cohort lists' columns: what a multidisciplinary team reviews about each member. */
export const COHORT_COLUMNS = [
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

/**
 * The transitions list's columns: who is in the transitions cohort, where they
 * are registered, and why (`transition_reasons`, `;`-separated codes of
 * `TRANSITION_REASONS`).
 */
export const TRANSITIONS_COLUMNS = ["person_id", "practice_code", "age_band", "segment", "transition_reasons"]

/**
 * The transitions list's recipients: the leads of `TRANSITIONS_SEGMENTS`, who
 * plan the move from children's to adult services across the borough, so
 * one borough-wide list and none per practice (the practices' teams receive
 * the complex-cohort lists, for direct care, not this one).
 */
const TRANSITIONS_LEADS = `${TRANSITIONS_SEGMENTS.map((code) => segmentOf(code).name).join(" and ")} workstream leads`

const CHANGE_COLUMNS = ["person_id", "change", "practice_code", "previous_reasons", "reasons"]

/**
 * Who joined, left or changed reasons since the previous publication's
 * borough-wide list. A member who has opted out since is not listed as
 * `left`: that row would tell the reader that someone still registered, and
 * as complex as before, objected; they are named in no file of tonight's.
 */
export const cohortChanges = (
  previous: ReadonlyArray<{ readonly person_id: string; readonly reasons: string; readonly practice_code: string }>,
  current: ReadonlyArray<Row>,
  optedOut: ReadonlySet<string>
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
    if (!now.has(id) && !optedOut.has(id))
      changes.push({ person_id: id, change: "left", practice_code: row.practice_code, previous_reasons: row.reasons })
  }
  return changes.sort(
    (a, b) =>
      String(a["change"]).localeCompare(String(b["change"])) ||
      String(a["person_id"]).localeCompare(String(b["person_id"]))
  )
}

/**
 * Every cell of segment × age band × sex × locality (× deprivation decile when
 * a lookup was supplied), so a zero is a published zero, with 1–7 suppressed and
 * marked, other counts rounded to 5, and the cells the report's totals would
 * otherwise give back suppressed with them (`controlResidents`), and the
 * segments `withheld` hidden as the lineage copy hides them (`withheldSegments`).
 */
export const cohortSummary = (residents: ControlledResidents): Array<Row> => {
  const rows: Array<Row> = []
  for (const segment of SEGMENT_CODES) {
    for (const band of AGE_BANDS) {
      for (const sex of SEXES) {
        for (const locality of residents.localities) {
          for (const decile of residents.deciles) {
            const controlled = residents.cell(segment, band, sex, locality, decile)
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

/** Who receives the cohort and transitions summaries. */
const AGGREGATE_SUMMARIES = "workstream leads and the partnership (aggregate)"

/** The transitions cohort per segment, then in all (`segment = all`), controlled as `controlTransitions` does. */
export const transitionsSummary = (counts: ReadonlyArray<TransitionCount>, rules: DisclosureRules): Array<Row> => {
  const transitions = controlTransitions(counts, rules)
  return [
    ...SEGMENT_CODES.map((segment) => [segment, transitions.segment(segment)] as const),
    ["all", transitions.all] as const
  ].map(([segment, controlled]) => ({
    segment,
    residents: controlled.suppressed ? null : controlled.count,
    suppressed: controlled.suppressed ? "Y" : "N"
  }))
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

/** The complex-cohort lists' recipient: the lead of the workstream whose members they list. */
const COHORT_LEAD = `${segmentOf(COMPLEX_COHORT_SEGMENT).name} workstream lead`

/**
 * A run that rotated the key lists no one in `changes.csv`, only that the
 * rotation happened: every pseudonym changed, so the previous list's people
 * cannot be found among this one's by pseudonym, and listing them all as
 * left and this list's all as joined would let their practices and reasons
 * pair each old pseudonym with its new one. The next run compares with this
 * run's list, under the new key.
 */
export const KEY_ROTATED_CHANGES: ReadonlyArray<Row> = [{ change: "key_rotated" }]

/**
 * The segments every published file hides (`withheldSegments`), from the
 * finished warehouse's cells and the run's lineage so far: recorded in the
 * lineage before any file is written, so each file and the lineage copy
 * hide the same.
 */
export const segmentsWithheld = (queries: OutputQueries, lineage: RunLineage) =>
  Effect.gen(function* () {
    const practices = yield* Effect.promise(() =>
      queries.db.selectFrom("practice").select(["practice_code", "pcn", "locality"]).orderBy("practice_code").execute()
    )
    const counts = (yield* query(queries, "cohort_counts")).map(residentCount)
    return withheldSegments(counts, practices, DEFAULT_DISCLOSURE_RULES, {
      inputs: lineage.inputs,
      linkage: lineage.linkage,
      totals: { equity: lineage.linkage_equity, spine: lineage.spine, segments: lineage.segments }
    })
  })

export interface OutputsNight {
  /** The current publication, which "changes since the last run" compares with. */
  readonly previousRelease: string | undefined
  readonly keyRotated: boolean
  /** The segments every file hides (`withheldSegments`), as the run's lineage records them. */
  readonly withheld: ReadonlyArray<string>
  /** The person ids of everyone on tonight's opt-out list. */
  readonly optedOut: ReadonlySet<string>
}

export const writeOutputs = (
  queries: OutputQueries,
  release: string,
  { previousRelease, keyRotated, withheld, optedOut }: OutputsNight
) =>
  Effect.gen(function* () {
    const outputs: Array<OutputLineage> = []
    const rules = DEFAULT_DISCLOSURE_RULES

    const cohort = yield* query(queries, "complex_cohort")
    const team = "practice multidisciplinary team (pseudonymised; direct care)"
    outputs.push(
      yield* writeCsv(
        release,
        "complex-cohort/all.csv",
        COHORT_COLUMNS,
        cohort.map((r) => ({ ...r, rank: r["borough_rank"] })),
        COHORT_LEAD
      )
    )
    const practices = yield* Effect.promise(() =>
      queries.db.selectFrom("practice").select(["practice_code", "pcn", "locality"]).orderBy("practice_code").execute()
    )
    for (const { practice_code: practice } of practices) {
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
          keyRotated ? KEY_ROTATED_CHANGES : cohortChanges(previous, cohort, optedOut),
          COHORT_LEAD
        )
      )
    }

    outputs.push(
      yield* writeCsv(
        release,
        "transitions/all.csv",
        TRANSITIONS_COLUMNS,
        yield* query(queries, "transitions"),
        TRANSITIONS_LEADS
      )
    )

    const controlledResidents = controlResidents(
      (yield* query(queries, "cohort_counts")).map(residentCount),
      practices,
      rules,
      withheld
    )
    const summary = cohortSummary(controlledResidents)
    outputs.push(
      yield* writeCsv(
        release,
        "cohort-summary.csv",
        ["segment", "age_band", "sex", "locality", "imd_decile", "residents", "suppressed"],
        summary,
        AGGREGATE_SUMMARIES
      )
    )
    outputs.push(
      yield* writeCsv(
        release,
        "transitions-summary.csv",
        ["segment", "residents", "suppressed"],
        transitionsSummary((yield* query(queries, "transition_counts")).map(transitionCount), rules),
        AGGREGATE_SUMMARIES
      )
    )

    const yesNo = (suppressed: boolean) => (suppressed ? "Y" : "N")
    const budget = controlBudget(yield* query(queries, "shadow_budget"), practices, controlledResidents, rules)
    const yesNoLine = <Line extends { readonly suppressed: boolean }>(line: Line) => ({
      ...line,
      suppressed: yesNo(line.suppressed)
    })
    outputs.push(
      yield* writeCsv(
        release,
        "shadow-budget.csv",
        BUDGET_COLUMNS,
        budget.borough.map(yesNoLine),
        "workstream leads and finance (aggregate)"
      )
    )
    outputs.push(
      yield* writeCsv(
        release,
        "shadow-budget-by-area.csv",
        ["geography", "area", ...BUDGET_COLUMNS],
        budget.areas.map(yesNoLine),
        "workstream leads and finance (aggregate)"
      )
    )

    // Its denominators are the residents and those 65+ again, published as the report's pyramids publish them.
    const bcf = controlBcf(yield* query(queries, "bcf_metrics"), rules, controlledResidents.populations).map(
      (metric) => ({
        ...metric,
        suppressed: yesNo(metric.suppressed)
      })
    )
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
