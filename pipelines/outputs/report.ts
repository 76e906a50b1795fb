/**
 * The run report: `report.html`, one self-contained page of charts and tables
 * made from the warehouse the run just built (its segments, features, output
 * queries and lineage tables), and `report-figures.json`, the same
 * disclosure-controlled figures as data, which the next run reads to show what
 * changed. Both are outputs like any other: hashed into lineage and checked by
 * `wsd lineage verify`.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect, Option, Schema } from "effect"
import type { TopLevelSpec } from "vega-lite"
import { DEFAULT_DISCLOSURE_RULES } from "../../transforms/disclosureControl.js"
import type { OutcomeRow } from "../../transforms/outcomeIndicators.js"
import { outcomesSection } from "../../transforms/outcomesReportSection.js"
import { reportPage } from "../../transforms/reportCharts.js"
import { type ReportCounts, ReportFigures, reportFigures } from "../../transforms/reportFigures.js"
import { historyAfter } from "../../transforms/reportTrend.js"
import { reportHtml, type ReportSection } from "../../transforms/reportHtml.js"
import type { SourceProfileCounts } from "../../transforms/reportSources.js"
import { residentCount } from "../../transforms/residentCounts.js"
import { transitionCount } from "../../transforms/transitionCounts.js"
import { chartSvg } from "./chartSvg.js"
import type { OutputLineage, RunLineage } from "../governance/lineage.js"
import type { RunConfig } from "../nightly/runConfig.js"
import { outputError, type OutputQueries, writeOutputFile } from "./outputFiles.js"
import { RunLog } from "../services/runLog.js"
import type { WarehouseDb } from "../warehouse/warehouse.js"

export const REPORT_FILE = "report.html"
export const REPORT_FIGURES_FILE = "report-figures.json"

const RECIPIENT = "analysts, workstream leads and the partnership (aggregate, disclosure-controlled)"

const warehouseRead = <A>(what: string, read: () => Promise<A>) =>
  Effect.tryPromise({ try: read, catch: outputError(`cannot read ${what} for the report`) })

const ruleParameter = (db: WarehouseDb, name: string) =>
  warehouseRead(`the rule parameter ${name}`, () =>
    db.selectFrom("rule_parameter").select("value").where("name", "=", name).executeTakeFirstOrThrow()
  ).pipe(Effect.map((row) => row.value))

/** What the warnings list needs from the run's lineage entry, as the run recorded it before its outputs. */
const warningFacts = (lineage: RunLineage, config: RunConfig): ReportCounts["warnings"] => ({
  inputs: lineage.inputs.map((input) => ({
    source: input.source,
    required: input.required,
    status: input.status,
    rows_read: input.rows_read,
    rows_quarantined: input.rows_quarantined,
    duplicate_rows: input.duplicate_rows ?? 0,
    unknown_columns: input.unknown_columns,
    extract_date: input.extract_date,
    age_days: input.age_days
  })),
  freshnessWarnDays: config.freshnessWarnDays,
  linkageWarnPercent: config.linkageWarnPercent,
  conflictingDatesOfBirth: Number(lineage.spine["conflicting_date_of_birth"] ?? 0),
  keyRotated: lineage.key_rotated,
  acceptedVolumeChanges: lineage.volume?.accepted_changes ?? []
})

/** Everything the report counts, for one run, from the warehouse. */
const reportCounts = (
  queries: OutputQueries,
  runId: string,
  config: RunConfig,
  sourceProfiles: ReadonlyArray<SourceProfileCounts>
) =>
  Effect.gen(function* () {
    const { db } = queries
    const run = yield* warehouseRead("the run", () =>
      db
        .selectFrom("run")
        .select(["run_id", "as_of", "started_at", "software_version", "lineage_json"])
        .where("run_id", "=", runId)
        .executeTakeFirstOrThrow()
    )
    const window = { start: yield* ruleParameter(db, "window_start"), end: run.as_of }
    const lineage = JSON.parse(run.lineage_json) as RunLineage
    const counts: ReportCounts = {
      run: {
        run_id: run.run_id,
        as_of: run.as_of,
        started_at: run.started_at,
        rules_version: yield* ruleParameter(db, "rules_version"),
        software_version: run.software_version
      },
      cohortCounts: (yield* queries.rows("cohort_counts")).map(residentCount),
      transitionCounts: (yield* queries.rows("transition_counts")).map(transitionCount),
      utilisation: yield* queries.rows("segment_utilisation"),
      shadowBudget: yield* queries.rows("shadow_budget"),
      practices: yield* warehouseRead("the practices", () =>
        db.selectFrom("practice").select(["practice_code", "pcn", "locality"]).orderBy("practice_code").execute()
      ),
      bcf: yield* queries.rows("bcf_metrics"),
      inputs: yield* warehouseRead("the inputs", () =>
        db.selectFrom("lineage_input").selectAll().where("run_id", "=", runId).orderBy("source").execute()
      ),
      quarantine: yield* warehouseRead("the quarantine", () =>
        db
          .selectFrom("lineage_quarantine")
          .selectAll()
          .where("run_id", "=", runId)
          .orderBy("source")
          .orderBy("field")
          .orderBy("reason")
          .execute()
      ),
      linkage: yield* warehouseRead("the linkage", () =>
        db
          .selectFrom("lineage_linkage")
          .selectAll()
          .where("run_id", "=", runId)
          .orderBy("source")
          .orderBy("link_status")
          .orderBy("link_method")
          .execute()
      ),
      equity: yield* warehouseRead("the linkage equity", () =>
        db
          .selectFrom("lineage_linkage_equity")
          .selectAll()
          .where("run_id", "=", runId)
          .orderBy("dimension")
          .orderBy("category")
          .orderBy("source")
          .execute()
      ),
      lineageTotals: {
        equity: lineage.linkage_equity,
        spine: lineage.spine,
        segments: lineage.segments,
        withheld: lineage.segments_withheld ?? []
      },
      warnings: warningFacts(lineage, config),
      sourceProfiles,
      window
    }
    return counts
  })

/**
 * How long each stage took, in order, as the run's lineage entry recorded
 * them before the outputs: times, not figures of the data, so in the page
 * and not in its figures.
 */
const stageTimings = (db: WarehouseDb, runId: string) =>
  warehouseRead("the stage timings", () =>
    db.selectFrom("run").select("lineage_json").where("run_id", "=", runId).executeTakeFirstOrThrow()
  ).pipe(
    Effect.map((run) =>
      (JSON.parse(run.lineage_json) as RunLineage).stages.map(({ stage, duration_ms }) => ({ stage, duration_ms }))
    )
  )

const decodeFigures = Schema.decodeUnknownOption(Schema.fromJsonString(ReportFigures))

/** The previous publication's figures; none on a first run or when it predates them. */
const previousFigures = (previousRelease: string | undefined): ReportFigures | undefined => {
  const file = previousRelease && path.join(previousRelease, REPORT_FIGURES_FILE)
  if (!file || !fs.existsSync(file)) return undefined
  return Option.getOrUndefined(decodeFigures(fs.readFileSync(file, "utf8")))
}

/** Draws every section's chart; a warning is logged with the chart it came from. */
const drawSection = (section: ReportSection<TopLevelSpec>) =>
  Effect.gen(function* () {
    if (section.chart === undefined) return { ...section, chart: undefined }
    const drawing = yield* chartSvg(section.chart.drawing, `${section.id}-chart`)
    const log = yield* RunLog
    for (const warning of drawing.warnings) yield* log.warn("report chart warning", { chart: section.id, warning })
    return { ...section, chart: { caption: section.chart.caption, drawing: drawing.svg } }
  })

export const writeReport = Effect.fn("writeReport")(function* (
  queries: OutputQueries,
  release: string,
  previousRelease: string | undefined,
  runId: string,
  config: RunConfig,
  outcomes: ReadonlyArray<OutcomeRow>,
  sourceProfiles: ReadonlyArray<SourceProfileCounts>
) {
  const previous = previousFigures(previousRelease)
  const figures: ReportFigures = {
    ...reportFigures(yield* reportCounts(queries, runId, config, sourceProfiles), DEFAULT_DISCLOSURE_RULES),
    history: historyAfter(previous, config.reportTrendRuns)
  }
  const page = reportPage(figures, previous, yield* stageTimings(queries.db, runId))
  const sections = [...(yield* Effect.forEach(page.sections, drawSection)), outcomesSection<string>(outcomes)]
  const outputs: Array<OutputLineage> = [
    yield* writeOutputFile(release, REPORT_FILE, reportHtml({ ...page, sections }), null, RECIPIENT),
    yield* writeOutputFile(
      release,
      REPORT_FIGURES_FILE,
      `${JSON.stringify(figures, null, 2)}\n`,
      null,
      "the next run's report (figures to compare with)"
    )
  ]
  return outputs
})
