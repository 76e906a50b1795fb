/**
 * The outcomes framework's indicators for one run: counted by
 * `sql/outputs/outcome_indicators.sql`, controlled by
 * `transforms/outcomeIndicators.ts`, and published as `outcomes.csv` (the
 * report shows their deprivation gradient from the same rows). An indicator
 * needing the optional `lsoa_environment` reference is measured only on a
 * night that had rows of it.
 */
import { Effect } from "effect"
import type { OutcomesFramework } from "../../schemas/outcomesFramework.js"
import { lsoaEnvironment } from "../../schemas/sources/lsoaEnvironment.js"
import { DEFAULT_DISCLOSURE_RULES } from "../../transforms/disclosureControl.js"
import { outcomeCount, type OutcomeRow, outcomeRows } from "../../transforms/outcomeIndicators.js"
import { csvLine } from "../../transforms/spreadsheetSafety.js"
import { outputError, type OutputQueries, writeOutputFile } from "./outputFiles.js"

const OUTCOMES_FILE = "outcomes.csv"

const OUTCOMES_COLUMNS = [
  "domain",
  "statement_id",
  "statement",
  "indicator",
  "title",
  "dimension",
  "group",
  "numerator",
  "denominator",
  "rate",
  "per",
  "suppressed",
  "note"
] as const

/** The framework's rows, disclosure-controlled, from the warehouse. */
export const outcomeFigures = (queries: OutputQueries, framework: OutcomesFramework) =>
  Effect.gen(function* () {
    const counts = (yield* queries.rows("outcome_indicators")).map(outcomeCount)
    const localities = yield* Effect.tryPromise({
      try: () => queries.db.selectFrom("practice").select("locality").distinct().orderBy("locality").execute(),
      catch: outputError("cannot read the localities for the outcomes")
    })
    const environment = yield* Effect.tryPromise({
      try: () => queries.db.selectFrom("lsoa_environment").select("lsoa").limit(1).execute(),
      catch: outputError("cannot read the LSOA reference figures for the outcomes")
    })
    return outcomeRows(
      framework,
      counts,
      localities.map((row) => row.locality),
      new Set(environment.length > 0 ? [lsoaEnvironment.name] : []),
      DEFAULT_DISCLOSURE_RULES
    )
  })

export const writeOutcomes = (release: string, rows: ReadonlyArray<OutcomeRow>) =>
  writeOutputFile(
    release,
    OUTCOMES_FILE,
    csvLine(OUTCOMES_COLUMNS) +
      rows
        .map((row) =>
          csvLine(
            OUTCOMES_COLUMNS.map((column) =>
              column === "suppressed" ? (row.dimension === null ? null : row.suppressed ? "Y" : "N") : row[column]
            )
          )
        )
        .join(""),
    rows.length,
    "workstream leads and the partnership (aggregate)"
  )
