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
import { reportHtml, type ReportSection } from "../../transforms/reportHtml.js"
import { residentCount } from "../../transforms/residentCounts.js"
import { transitionCount } from "../../transforms/transitionCounts.js"
import { chartSvg } from "./chartSvg.js"
import type { OutputLineage } from "../governance/lineage.js"
import { outputError, outputQuery, writeOutputFile } from "./outputFiles.js"
import { RunLog } from "../services/runLog.js"
import type { WarehouseDb } from "../warehouse/warehouse.js"

export const REPORT_FILE = "report.html"
export const REPORT_FIGURES_FILE = "report-figures.json"

const RECIPIENT = "analysts, workstream leads and the partnership (aggregate, disclosure-controlled)"

const warehouseRead = <A>(what: string, read: () => Promise<A>) =>
  Effect.tryPromise({ try: read, catch: outputError(`cannot read ${what} for the report`) })

/** Everything the report counts, for one run, from the warehouse. */
const reportCounts = (db: WarehouseDb, runId: string) =>
  Effect.gen(function* () {
    const run = yield* warehouseRead("the run", () =>
      db
        .selectFrom("run")
        .select(["run_id", "as_of", "started_at", "software_version"])
        .where("run_id", "=", runId)
        .executeTakeFirstOrThrow()
    )
    const rulesVersion = yield* warehouseRead("the rules version", () =>
      db.selectFrom("rule_parameter").select("value").where("name", "=", "rules_version").executeTakeFirstOrThrow()
    )
    const counts: ReportCounts = {
      run: { ...run, rules_version: rulesVersion.value },
      cohortCounts: (yield* outputQuery(db, "cohort_counts")).map(residentCount),
      localities: (yield* warehouseRead("the localities", () =>
        db.selectFrom("practice").select("locality").distinct().orderBy("locality").execute()
      )).map((row) => row.locality),
      transitionCounts: (yield* outputQuery(db, "transition_counts")).map(transitionCount),
      utilisation: yield* outputQuery(db, "segment_utilisation"),
      shadowBudget: yield* outputQuery(db, "shadow_budget"),
      bcf: yield* outputQuery(db, "bcf_metrics"),
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
      )
    }
    return counts
  })

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
  db: WarehouseDb,
  release: string,
  previousRelease: string | undefined,
  runId: string,
  outcomes: ReadonlyArray<OutcomeRow>
) {
  const figures = reportFigures(yield* reportCounts(db, runId), DEFAULT_DISCLOSURE_RULES)
  const page = reportPage(figures, previousFigures(previousRelease))
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
