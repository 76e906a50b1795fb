/**
 * The warehouse step: a new warehouse on the run's engine, loaded in one
 * transaction (practices and residents, then every record source, then the
 * models), checked against the sources' verdicts, then the run's own tables
 * and the published files (`writePublishedFiles.ts`) written from it. Returns the
 * lineage of every output, the warehouse's content digest first.
 */
import * as path from "node:path"
import { Effect } from "effect"
import { equityContext, linkageIndex } from "../../transforms/linkageContext.js"
import { diskFaultOf, writeFailure } from "../services/diskWrites.js"
import type { OutputLineage, RunLineage } from "../governance/lineage.js"
import { LineageLog } from "../governance/lineageLog.js"
import { writeStore } from "../governance/reidentification.js"
import type { SourceReader } from "../ingest/sourceReader.js"
import { volumeBaseline } from "../ingest/sourceVerdicts.js"
import { sha256OfFile } from "../services/fileDigest.js"
import type { PseudonymKeyMaterial } from "../services/pseudonymKey.js"
import type { Engine } from "../warehouse/engines.js"
import {
  buildDigest,
  complexCohortMembers,
  inTransaction,
  insertRows,
  openWarehouse,
  runBuildSql,
  type WarehouseDb
} from "../warehouse/warehouse.js"
import { buildModels } from "./buildModels.js"
import { loadRecords } from "./loadRecords.js"
import type { PreparedRun } from "./prepareRun.js"
import type { SpineRead } from "./readSpine.js"
import { windowStartOf } from "./segmentationRules.js"
import type { RunFacts } from "./runLineage.js"
import { RunStages } from "./runStages.js"
import { writeRunTables } from "./runTables.js"
import { writePublishedFiles } from "./writePublishedFiles.js"
import { type OutputQueries, outputQueries } from "../outputs/outputFiles.js"
import { segmentsWithheld } from "../outputs/outputs.js"

export interface WarehouseInputs {
  readonly prepared: PreparedRun
  readonly engine: Engine
  readonly staged: string
  readonly reader: SourceReader
  readonly spineRead: SpineRead
  readonly personIdOf: (nhsNumber: string) => string
  readonly householdIdOf: (uprn: string) => string
  /** Keeps what a step returned for the run's lineage. */
  readonly learnt: (facts: Partial<RunFacts>) => Effect.Effect<void>
  /** The run's lineage as it stands, for its own tables. */
  readonly lineageSoFar: Effect.Effect<RunLineage>
}

const WAREHOUSE_RECIPIENT = "analysts (pseudonymised whole-systems dataset)"

export const buildWarehouse = Effect.fn("buildWarehouse")(function* (inputs: WarehouseInputs) {
  const { engine, prepared } = inputs
  const published = yield* Effect.scoped(
    Effect.gen(function* () {
      const db = yield* openWarehouse(engine, prepared.options.runId)
      const buildSql = prepared.config.warehouseBuildSql
      if (buildSql !== undefined) {
        // Recorded by its hash: the file is the operator's, and may change between runs.
        yield* inputs.learnt({
          warehouseBuildSql: { path: buildSql, sha256: yield* Effect.promise(() => sha256OfFile(buildSql)) }
        })
        yield* runBuildSql(db, buildSql)
      }
      const queries = outputQueries(db)
      const sourceProfiles = yield* inTransaction(db, loadAndModel(db, inputs, queries))
      yield* inputs.reader.failIfRequiredFailed()
      yield* inputs.reader.failIfStale()
      yield* inputs.reader.failIfAboveThreshold()
      const chain = yield* (yield* LineageLog).entries
      const baseline = volumeBaseline(chain)
      const accepted = prepared.options.acceptVolumeChange ?? []
      yield* inputs.learnt({ volume: { baseline_run: baseline?.runId ?? null, accepted_changes: accepted } })
      yield* inputs.reader.failIfVolumeChanged(baseline, new Set(accepted))
      const reidentificationKey = prepared.reidentificationKey
      if (reidentificationKey !== undefined) yield* sealReidentificationStore(db, inputs, reidentificationKey)
      // Decided before any file is written, so every file and the lineage copy hide the same segments.
      const withheld = yield* segmentsWithheld(queries, yield* inputs.lineageSoFar)
      yield* inputs.learnt({ segmentsWithheld: withheld })
      const lineage = yield* inputs.lineageSoFar
      yield* writeRunTables(db, lineage, chain)
      return yield* writePublishedFiles(queries, inputs.staged, inputs.prepared, {
        residents: inputs.spineRead.spine.residents.length,
        keyRotated: lineage.key_rotated,
        sourceProfiles,
        withheld,
        optedOut: new Set([...inputs.spineRead.optedOut].map(inputs.personIdOf))
      })
    })
  ).pipe(
    // SQLite does not name its file when the disk fails it: name the warehouse being built.
    Effect.catchTag("PublicationError", (error) => {
      const fault = diskFaultOf(error.cause)
      const unnamed = fault !== undefined && fault.path === undefined
      return Effect.fail(unnamed ? writeFailure(engine.description, prepared.area.stateDir)(error.cause) : error)
    })
  )
  const warehouse: OutputLineage = {
    path: engine.lineageName,
    rows: null,
    sha256: yield* buildDigest(engine, prepared.options.runId),
    recipient: WAREHOUSE_RECIPIENT
  }
  return [warehouse, ...published]
})

/**
 * Practices and residents, every record source, then the models: one
 * transaction (committed part way where the budget is costed beside the
 * build). Returns the record sources' profiles for the run report.
 */
const loadAndModel = Effect.fnUntraced(function* (db: WarehouseDb, inputs: WarehouseInputs, queries: OutputQueries) {
  const { spine } = inputs.spineRead
  const residents = spine.residents.length
  yield* (yield* RunStages).timed(
    "load person",
    Effect.andThen(
      insertRows(db, "practice", inputs.spineRead.practices),
      Effect.andThen(
        insertRows(
          db,
          "lsoa_environment",
          inputs.spineRead.lsoaEnvironment.map((row) => ({
            lsoa: row.lsoa,
            pm25_ugm3: row.pm25_ugm3 ?? null,
            crimes_per_1000: row.crimes_per_1000 ?? null
          }))
        ),
        Effect.andThen(
          insertRows(
            db,
            "registered_person",
            spine.residents.map((resident) => resident.person)
          ),
          insertRows(db, "window_leaver", spine.windowLeavers)
        )
      )
    ),
    () => ({ rowsIn: residents, rowsOut: residents })
  )
  const index = linkageIndex(spine, inputs.personIdOf, inputs.spineRead.optedOut)
  const { asOf, rules, tariff } = inputs.prepared
  const { linked: records, sourceProfiles } = yield* loadRecords({
    db,
    reader: inputs.reader,
    index,
    equityContext: equityContext(spine, inputs.spineRead.areaOfPostcode, index),
    householdIdOf: inputs.householdIdOf,
    people: residents + spine.optedOutResidents.length,
    window: { start: windowStartOf(rules.rules, asOf), end: asOf },
    reviewDir: path.join(inputs.prepared.area.reviewDir, inputs.prepared.options.runId),
    probabilistic: {
      threshold: inputs.prepared.config.linkageThreshold,
      margin: inputs.prepared.config.linkageMargin,
      reviewFloor: inputs.prepared.config.linkageReviewFloor
    }
  })
  yield* inputs.learnt({ records })
  // The published files' queries run while the budget is costed, where the engine can cost it beside them.
  const besideBudget = queries.runAllNotReading("shadow_budget_cost")
  yield* inputs.learnt({ segments: yield* buildModels(db, rules, tariff, asOf, residents, besideBudget) })
  return sourceProfiles
})

/** The NHS numbers behind the complex cohort's pseudonyms, sealed for direct care. */
const sealReidentificationStore = Effect.fnUntraced(function* (
  db: WarehouseDb,
  inputs: WarehouseInputs,
  key: PseudonymKeyMaterial
) {
  const { area, options } = inputs.prepared
  const members = yield* complexCohortMembers(db)
  const nhsNumberOf = new Map(
    inputs.spineRead.spine.residents
      .filter((resident) => members.has(resident.person.person_id))
      .map((resident) => [resident.person.person_id, resident.nhsNumber])
  )
  yield* writeStore(area, options.runId, key, nhsNumberOf)
  yield* inputs.learnt({ reidentificationStore: { key_fingerprint: key.fingerprint, people: nhsNumberOf.size } })
})
