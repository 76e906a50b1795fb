/**
 * The nightly batch: validate every extract, build the spine, pseudonymise and
 * link every record, load the warehouse, record lineage, publish atomically.
 *
 * Identifiers live only in this process's memory between reading a row and
 * curating it. The run either publishes a complete release or leaves the
 * previous publication as it was; either way its lineage entry is appended.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Clock, Effect, Exit, Random, Redacted } from "effect"
import { gpRegistrations, type GpRegistration } from "../../schemas/sources/gpRegistrations.js"
import { optOuts } from "../../schemas/sources/optOuts.js"
import { postcodeLsoa } from "../../schemas/sources/postcodeLsoa.js"
import { practices, type Practice } from "../../schemas/sources/practices.js"
import type { ExtractSource } from "../../schemas/extractSource.js"
import type { RecordTables, WarehouseSchema } from "../../schemas/warehouse.js"
import { formatControlledCount } from "../../transforms/disclosureControl.js"
import { parseExtractDate } from "../../schemas/fields/extractDate.js"
import { type DemographicIndex, demographicsOf, indexSpine } from "../../transforms/demographicMatch.js"
import { type EquityContext, LinkageEquity, observeLinkage } from "../../transforms/linkageEquity.js"
import { postcodeDistrict } from "../../schemas/fields/postcode.js"
import { type LinkageIndex, type LinkOutcome, linkRecord } from "../../transforms/recordLinkage.js"
import { householdId, personId } from "../../transforms/pseudonym.js"
import { type AreaOfPostcode, buildSpine, type Spine } from "../../transforms/spine.js"
import { diskFaultOf, writeFailure } from "../services/diskWrites.js"
import { UsageError } from "../errors.js"
import {
  appendToChain,
  extractsOf,
  type InputLineage,
  isoNow,
  operatorAndHost,
  type OptOutLineage,
  type OutputLineage,
  readChain,
  type RunLineage,
  runsOf,
  sha256OfFile,
  type StageLineage
} from "../governance/lineage.js"
import { softwareVersion } from "../services/projectFiles.js"
import { appendEvents, endEvent, postEvent, startEvent } from "../governance/openLineage.js"
import { writeOutputs } from "../outputs/outputs.js"
import { writeReport } from "../outputs/report.js"
import {
  currentRelease,
  holdLock,
  prepareArea,
  publicationArea,
  publishRelease,
  stagingRelease
} from "../services/publication.js"
import { Progress } from "../services/progress.js"
import { loadKeyFile, PseudonymKey, type PseudonymKeyMaterial } from "../services/pseudonymKey.js"
import { pruneStores, writeStore } from "../governance/reidentification.js"
import type { NumberedRow } from "../ingest/readExtract.js"
import { matchesOnDemographics, RECORD_SOURCES, type RecordSource } from "../ingest/recordSources.js"
import { configVersion, loadRunConfig, type RunConfig } from "./runConfig.js"
import { RunLog } from "../services/runLog.js"
import { buildFeatures, buildHouseholds, segmentResidents } from "./segmentation.js"
import { type LoadedRules, loadRules } from "./segmentationRules.js"
import { requireInbox, type SourceReader, sourceReader } from "../ingest/sourceReader.js"
import {
  complexCohortMembers,
  describeLocation,
  inTransaction,
  insertRows,
  openWarehouse,
  postgresFailure,
  runBuildSql,
  type WarehouseDb,
  type WarehouseLocation
} from "../warehouse/warehouse.js"
import { dropBuild, type PostgresWarehouse, publishBuild } from "../warehouse/postgres.js"

export interface RunOptions {
  readonly runId: string
  readonly inbox: string
  readonly out: string
  /** ISO date; defaults to today. */
  readonly asOf?: string | undefined
  readonly configFile?: string | undefined
  /** The key is meant to differ from the last published run's (a planned rotation). */
  readonly rotateKey?: boolean | undefined
  /** A key to seal the re-identification store with; no store is written without one. */
  readonly reidentificationKeyFile?: string | undefined
  /** Publish the warehouse on this PostgreSQL server instead of as `warehouse.sqlite` in the release. */
  readonly postgres?: PostgresWarehouse | undefined
}

export interface RunResult {
  readonly runId: string
  readonly release: string
  readonly lineage: RunLineage
}

/** A run id that sorts by start time: `20261120T020000123Z-3f9a`. */
export const makeRunId = Effect.gen(function* () {
  const now = yield* Clock.currentTimeMillis
  const suffix = yield* Random.nextIntBetween(0, 0xffff)
  const stamp = new Date(now).toISOString().replace(/[-:.]/g, "")
  return `${stamp}-${suffix.toString(16).padStart(4, "0")}`
})

/** What the run has learnt so far, turned into its lineage entry at the end. */
class RunProgress {
  readonly inputs: Array<InputLineage> = []
  readonly stages: Array<StageLineage> = []
  readonly linkage: Record<string, Record<string, number>> = {}
  spine: Record<string, number | string> = {}
  optOuts: OptOutLineage = { residents_excluded: "0" }
  reidentificationStore: RunLineage["reidentification_store"] = null
  warehouseBuildSql: RunLineage["warehouse_build_sql"] = null
  outputs: Array<OutputLineage> = []
  keyFingerprint: string | null = null
  keyRotated = false
  segments: Record<string, number> = {}

  readonly invalidNhsNumbers: Record<string, number> = {}
  readonly equity = new LinkageEquity()

  /** Counts a record under `status` or `status:method` (`linked:nhs_number`, `ambiguous:given_name_initial`). */
  countLink(source: string, link: LinkOutcome): void {
    const key =
      link === "opted_out"
        ? "opted_out"
        : link.link_method === null
          ? link.link_status
          : `${link.link_status}:${link.link_method}`
    const counts = (this.linkage[source] ??= {})
    counts[key] = (counts[key] ?? 0) + 1
  }

  countInvalidNhsNumber(source: string): void {
    this.invalidNhsNumbers[source] = (this.invalidNhsNumbers[source] ?? 0) + 1
  }
}

/** Times a stage, shows it while it runs and records its row counts. */
const stage = <A, E, R>(
  progress: RunProgress,
  name: string,
  work: Effect.Effect<A, E, R>,
  rows: (result: A) => { readonly rowsIn: number; readonly rowsOut: number }
) =>
  Effect.gen(function* () {
    const started = yield* Clock.currentTimeMillis
    const result = yield* (yield* Progress).track(name, undefined, () => work)
    const finished = yield* Clock.currentTimeMillis
    const { rowsIn, rowsOut } = rows(result)
    progress.stages.push({ stage: name, rows_in: rowsIn, rows_out: rowsOut, duration_ms: finished - started })
    const log = yield* RunLog
    yield* log.info("stage done", { stage: name, rows_in: rowsIn, rows_out: rowsOut, ms: finished - started })
    return result
  })

export const nightlyRun = Effect.fn("nightlyRun")(function* (options: RunOptions) {
  const log = yield* RunLog
  const config = yield* loadRunConfig(options.configFile)
  const asOf = options.asOf ?? (yield* Effect.map(isoNow, (now) => now.slice(0, 10)))
  if (parseExtractDate(asOf) !== asOf) {
    return yield* new UsageError({
      message: `--as-of ${asOf} is not a YYYY-MM-DD date`,
      nextAction: "pass --as-of YYYY-MM-DD"
    })
  }
  yield* requireInbox(options.inbox)
  const rules = yield* loadRules(config.rulesFile)
  const reidentificationKey =
    options.reidentificationKeyFile === undefined
      ? undefined
      : yield* loadKeyFile(options.reidentificationKeyFile, "re-identification key")
  const area = publicationArea(options.out)
  yield* prepareArea(area)
  const runStarted = yield* Clock.currentTimeMillis
  const startedAt = new Date(runStarted).toISOString()
  const progress = new RunProgress()

  const lineageOf = (status: RunLineage["status"], failureReason: string | null, finishedAt: string): RunLineage => ({
    run_id: options.runId,
    status,
    failure_reason: failureReason,
    started_at: startedAt,
    finished_at: finishedAt,
    as_of: asOf,
    ...operatorAndHost(),
    software_version: softwareVersion,
    config_version: configVersion(config),
    config,
    rules_version: rules.rules.version,
    codelists: rules.codelists,
    key_fingerprint: progress.keyFingerprint,
    key_rotated: progress.keyRotated,
    inputs: progress.inputs.map((input) => ({
      ...input,
      invalid_nhs_numbers: progress.invalidNhsNumbers[input.source] ?? 0
    })),
    stages: progress.stages,
    spine: progress.spine,
    opt_outs: progress.optOuts,
    reidentification_store: progress.reidentificationStore,
    warehouse_build_sql: progress.warehouseBuildSql,
    linkage: progress.linkage,
    linkage_equity: progress.equity.rows(),
    segments: progress.segments,
    outputs: progress.outputs
  })

  const openLineageLog = path.join(area.lineageDir, "openlineage.jsonl")
  const start = startEvent({ run_id: options.runId, started_at: startedAt, as_of: asOf })
  appendEvents(openLineageLog, [start])
  /** Posts an event when an endpoint is configured; a failed post is logged and recorded, never fatal. */
  const deliver = (event: { readonly eventType: string }) =>
    config.openLineageUrl === undefined
      ? Effect.void
      : postEvent(config.openLineageUrl, event).pipe(
          Effect.tap((delivery) =>
            Effect.gen(function* () {
              const at = yield* isoNow
              appendEvents(path.join(area.lineageDir, "openlineage-delivery.jsonl"), [
                { run_id: options.runId, at, ...delivery }
              ])
              const fields = { event: delivery.eventType, attempts: delivery.attempts }
              if (delivery.delivered) yield* log.info("openlineage event delivered", fields)
              else yield* log.warn("openlineage event not delivered", fields)
            })
          )
        )
  yield* deliver(start)
  yield* log.info("run started", { run_id: options.runId, as_of: asOf })
  return yield* Effect.gen(function* () {
    yield* holdLock(area, options.runId)
    // The staging release has its own scope: a failed run's partial release is removed, and its
    // space freed, before the failure is recorded below (still under the lock).
    return yield* Effect.scoped(
      Effect.gen(function* () {
        const staged = yield* stagingRelease(area, options.runId)
        if (options.postgres !== undefined) yield* postgresBuild(options.postgres, options.runId)
        const built = yield* buildRelease({
          options,
          config,
          rules,
          asOf,
          area,
          staged,
          progress,
          lineageOf,
          reidentificationKey
        })
        // The database's swap comes first: if it fails, nothing has been published anywhere.
        if (options.postgres !== undefined) {
          yield* publishPostgres(options.postgres, options.runId, config.warehouseReaders)
        }
        const release = yield* publishRelease(area, staged, options.runId, config.keepReleases)
        yield* pruneStores(area)
        return { built, release }
      })
    )
  }).pipe(
    Effect.onExit((exit) =>
      Exit.isSuccess(exit)
        ? Effect.void
        : Effect.gen(function* () {
            // Best effort: on a full or read-only disk the failure cannot be recorded, only reported.
            const reason = Exit.isFailure(exit) ? failureReasonOf(exit.cause) : "interrupted"
            yield* Effect.exit(log.error("run failed", { run_id: options.runId, reason }))
            const failed = lineageOf("failed", reason, yield* isoNow)
            yield* appendToChain(area.lineageDir, { run: failed }).pipe(Effect.ignore)
            const fail = endEvent(failed, undefined)
            yield* Effect.try(() => appendEvents(openLineageLog, [fail])).pipe(Effect.ignore)
            yield* deliver(fail)
          })
    ),
    Effect.scoped,
    Effect.flatMap(({ built, release }) =>
      Effect.gen(function* () {
        yield* log.info("published", {
          run_id: options.runId,
          residents: built.spine["residents"] ?? 0,
          ms: (yield* Clock.currentTimeMillis) - runStarted
        })
        yield* deliver(endEvent(built, release))
        return { runId: options.runId, release, lineage: built } satisfies RunResult
      })
    )
  )
})

const failureReasonOf = (cause: unknown): string => {
  const error = (cause as { reasons?: ReadonlyArray<{ error?: { message?: string } }> }).reasons?.[0]?.error
  return error?.message ?? "internal error"
}

interface BuildContext {
  readonly options: RunOptions
  readonly config: RunConfig
  readonly rules: LoadedRules
  readonly asOf: string
  readonly area: ReturnType<typeof publicationArea>
  readonly staged: string
  readonly progress: RunProgress
  readonly lineageOf: (status: RunLineage["status"], failureReason: string | null, finishedAt: string) => RunLineage
  readonly reidentificationKey: PseudonymKeyMaterial | undefined
}

/** Everything up to (not including) the atomic swap: the release is complete when this returns. */
const buildRelease = Effect.fn("buildRelease")(function* (context: BuildContext) {
  const { area, asOf, config, options, progress, staged } = context
  const { fingerprint, key } = yield* PseudonymKey
  progress.keyFingerprint = fingerprint
  progress.keyRotated = yield* checkKeyContinuity(fingerprint, area.lineageDir, options.rotateKey === true)
  if (context.reidentificationKey?.fingerprint === fingerprint) {
    return yield* new UsageError({
      message: "the re-identification key is the pseudonymisation key",
      nextAction: "generate a separate key for re-identification with `wsd keygen --out FILE`"
    })
  }
  const keyBytes = Redacted.value(key)

  const quarantineDir = path.join(area.quarantineDir, options.runId)
  fs.mkdirSync(quarantineDir, { recursive: true, mode: 0o700 })
  const reader = sourceReader({ inbox: options.inbox, quarantineDir, config, asOf, inputs: progress.inputs })
  // Every source is parsed as early as the reader threads can: the spine's build need not wait for them.
  yield* reader.prefetch([
    practices,
    postcodeLsoa,
    optOuts,
    gpRegistrations,
    ...RECORD_SOURCES.map((recordSource) => recordSource.source)
  ] as ReadonlyArray<ExtractSource<unknown>>)

  // Pseudonyms are computed once per distinct identifier: records repeat them.
  const personIdOf = memoise((nhsNumber: string) => personId(keyBytes, nhsNumber))
  const householdIdOf = memoise((uprn: string) => householdId(keyBytes, uprn))

  const spineStage = yield* stage(
    progress,
    "spine",
    Effect.gen(function* () {
      const practiceRows = yield* reader.collect(practices)
      const areaRows = yield* reader.collect(postcodeLsoa)
      const optOutRows = yield* reader.collect(optOuts)
      const registrations = new Map<string, Array<GpRegistration>>()
      yield* reader.read(gpRegistrations, (rows) =>
        Effect.sync(() => {
          for (const { value } of rows) {
            const existing = registrations.get(value.nhs_number)
            if (existing) existing.push(value)
            else registrations.set(value.nhs_number, [value])
            // Derived while the reader thread parses the next batch, which this thread would
            // otherwise wait for: the spine's build finds them memoised.
            personIdOf(value.nhs_number)
            if (value.uprn !== undefined) householdIdOf(value.uprn)
          }
        })
      )
      yield* reader.failIfRequiredFailed()
      const areaOfPostcode = new Map<string, AreaOfPostcode>(
        areaRows.map(({ value }) => [value.postcode, { lsoa: value.lsoa, imdDecile: value.imd_decile }])
      )
      const optedOut = new Set(optOutRows.map(({ value }) => value.nhs_number))
      const spine = buildSpine({
        registrations,
        coveredPractices: new Set(practiceRows.map(({ value }) => value.practice_code)),
        optedOut,
        areaOfPostcode,
        asOf,
        personIdOf,
        householdIdOf
      })
      const registrationRows = [...registrations.values()].reduce((n, rows) => n + rows.length, 0)
      return { spine, optedOut, areaOfPostcode, practiceRows, registrationRows }
    }),
    (result) => ({ rowsIn: result.registrationRows, rowsOut: result.spine.residents.length })
  )
  const { practiceRows, spine } = spineStage
  progress.spine = {
    registration_rows: spineStage.registrationRows,
    people: Object.values(spine.peopleByStatus).reduce((a, b) => a + b, 0),
    ...Object.fromEntries(Object.entries(spine.peopleByStatus).map(([status, n]) => [`people_${status}`, n])),
    residents: spine.residents.length,
    conflicting_date_of_birth: spine.conflictingDateOfBirth
  }
  progress.optOuts = { residents_excluded: formatControlledCount(spine.optedOutResidents.length) }
  // A data-quality finding for the partner, not a failure: each such person's winning registration gives the date.
  if (spine.conflictingDateOfBirth > 0) {
    yield* (yield* RunLog).warn("conflicting dates of birth", {
      source: gpRegistrations.name,
      people: spine.conflictingDateOfBirth
    })
  }

  const index = linkageIndex(spine, personIdOf, spineStage.optedOut)
  const ethnicCategories = new Map(
    spine.residents.map(({ person }) => [person.person_id, person.ethnic_category ?? "unknown"])
  )
  const equityContext: EquityContext = {
    ethnicCategoryOf: (personId) => ethnicCategories.get(personId) ?? "unknown",
    areaOf: (postcode) => {
      const decile = postcode === undefined ? undefined : spineStage.areaOfPostcode.get(postcode)?.imdDecile
      if (decile !== undefined) return { dimension: "imd_decile", category: String(decile) }
      return {
        dimension: "postcode_district",
        category: postcode === undefined ? "unknown" : postcodeDistrict(postcode)
      }
    },
    matchByDemographics: (demographics) => {
      const match = index.demographic.match(demographics)
      return match.outcome === "linked" ? match.personId : undefined
    }
  }
  const warehouseFile = path.join(staged, "warehouse.sqlite")
  const location: WarehouseLocation =
    options.postgres === undefined
      ? { kind: "sqlite", file: warehouseFile }
      : { kind: "postgres", server: options.postgres }
  const published = yield* Effect.scoped(
    Effect.gen(function* () {
      const db = yield* openWarehouse(location, options.runId)
      if (config.warehouseBuildSql !== undefined) {
        // Recorded by its hash: the file is the operator's, and may change between runs.
        const sha256 = yield* Effect.promise(() => sha256OfFile(config.warehouseBuildSql!))
        progress.warehouseBuildSql = { path: config.warehouseBuildSql, sha256 }
        yield* runBuildSql(db, config.warehouseBuildSql)
      }
      yield* inTransaction(
        db,
        Effect.gen(function* () {
          yield* stage(
            progress,
            "load person",
            Effect.andThen(
              insertRows(db, "practice", sortedPractices(practiceRows.map(({ value }) => value))),
              insertRows(
                db,
                "registered_person",
                spine.residents.map((resident) => resident.person)
              )
            ),
            () => ({ rowsIn: spine.residents.length, rowsOut: spine.residents.length })
          )
          const loadContext: LoadContext = { db, index, equityContext, householdIdOf, reader, progress }
          // Council sources load last: until then the demographic index is not held in memory.
          const firstMatchedOnDemographics = RECORD_SOURCES.findIndex(matchesOnDemographics)
          for (const [i, recordSource] of RECORD_SOURCES.entries()) {
            if (i === firstMatchedOnDemographics) {
              yield* stage(progress, "linkage index", Effect.sync(index.indexDemographics), () => {
                const people = spine.residents.length + spine.optedOutResidents.length
                return { rowsIn: people, rowsOut: people }
              })
            }
            yield* loadRecordSource(recordSource as RecordSource<unknown, keyof RecordTables>, loadContext)
          }
          yield* stage(progress, "households", buildHouseholds(db), () => ({
            rowsIn: spine.residents.length,
            rowsOut: spine.residents.length
          }))
          yield* stage(progress, "features", buildFeatures(db, context.rules, asOf), () => ({
            rowsIn: spine.residents.length,
            rowsOut: spine.residents.length
          }))
          progress.segments = yield* stage(progress, "segments", segmentResidents(db), (sizes) => ({
            rowsIn: spine.residents.length,
            rowsOut: Object.values(sizes).reduce((a, b) => a + b, 0)
          }))
        })
      )
      yield* reader.failIfRequiredFailed()
      yield* reader.failIfStale()
      yield* reader.failIfAboveThreshold()
      if (context.reidentificationKey !== undefined) {
        const members = yield* complexCohortMembers(db)
        const nhsNumberOf = new Map(
          spine.residents
            .filter((resident) => members.has(resident.person.person_id))
            .map((resident) => [resident.person.person_id, resident.nhsNumber])
        )
        yield* writeStore(area, options.runId, context.reidentificationKey, nhsNumberOf)
        progress.reidentificationStore = {
          key_fingerprint: context.reidentificationKey.fingerprint,
          people: nhsNumberOf.size
        }
      }
      yield* writeRunTables(db, context, area.lineageDir)
      const written = yield* stage(progress, "outputs", writeOutputs(db, staged, currentRelease(area)), (files) => ({
        rowsIn: spine.residents.length,
        rowsOut: files.reduce((n, output) => n + (output.rows ?? 0), 0)
      }))
      const report = yield* stage(
        progress,
        "report",
        writeReport(db, staged, currentRelease(area), options.runId),
        (files) => ({
          rowsIn: spine.residents.length,
          rowsOut: files.length
        })
      )
      return [...written, ...report]
    })
  ).pipe(
    // SQLite does not name its file when the disk fails it: name the warehouse being built.
    Effect.catchTag("PublicationError", (error) => {
      const fault = diskFaultOf(error.cause)
      const unnamed = fault !== undefined && fault.path === undefined
      return Effect.fail(unnamed ? writeFailure(warehouseFile, area.stateDir)(error.cause) : error)
    })
  )

  progress.outputs = [yield* warehouseOutput(location), ...published]
  const lineage = context.lineageOf("succeeded", null, yield* isoNow)
  const entry = yield* appendToChain(area.lineageDir, { run: lineage })
  const lineageOut = path.join(staged, "lineage")
  fs.mkdirSync(path.join(lineageOut, "runs"), { recursive: true, mode: 0o750 })
  fs.writeFileSync(path.join(lineageOut, "runs", `${options.runId}.json`), `${JSON.stringify(entry, null, 2)}\n`, {
    mode: 0o640
  })
  fs.copyFileSync(path.join(area.lineageDir, "chain.jsonl"), path.join(lineageOut, "chain.jsonl"))
  const openLineageLog = path.join(area.lineageDir, "openlineage.jsonl")
  appendEvents(openLineageLog, [endEvent(lineage, path.join(area.releasesDir, options.runId))])
  fs.copyFileSync(openLineageLog, path.join(lineageOut, "openlineage.jsonl"))
  // The run's structured log (counts only) travels with its release, up to this point.
  const log = path.join(area.logsDir, `${options.runId}.jsonl`)
  if (fs.existsSync(log)) {
    fs.mkdirSync(path.join(staged, "logs"), { mode: 0o750 })
    fs.copyFileSync(log, path.join(staged, "logs", `${options.runId}.jsonl`))
  }
  return lineage
})

const WAREHOUSE_RECIPIENT = "analysts (pseudonymised whole-systems dataset)"

/** The warehouse as lineage records it: the file and its hash, or the PostgreSQL schema (not a file). */
const warehouseOutput = (location: WarehouseLocation) =>
  Effect.gen(function* () {
    if (location.kind === "postgres") {
      return { path: describeLocation(location), rows: null, sha256: null, recipient: WAREHOUSE_RECIPIENT }
    }
    // Pseudonymised outputs are readable by the owner and the analysts' group only.
    fs.chmodSync(location.file, 0o640)
    const sha256 = yield* Effect.promise(() => sha256OfFile(location.file))
    return { path: path.basename(location.file), rows: null, sha256, recipient: WAREHOUSE_RECIPIENT }
  })

/** The run's build schema is dropped if the run does not publish it. */
const postgresBuild = (server: PostgresWarehouse, runId: string) =>
  Effect.acquireRelease(Effect.void, (_, exit) =>
    Exit.isSuccess(exit) ? Effect.void : Effect.ignore(Effect.tryPromise(() => dropBuild(server, runId)))
  )

const publishPostgres = (server: PostgresWarehouse, runId: string, readers: ReadonlyArray<string>) =>
  Effect.tryPromise({
    try: () => publishBuild(server, runId, readers),
    catch: postgresFailure(server, "publish the warehouse schema on")
  })

/**
 * A new key gives every resident a new pseudonym, breaking linkage with every
 * earlier run: refuse it unless the rotation is declared. Returns whether the
 * key was rotated.
 */
const checkKeyContinuity = (fingerprint: string, lineageDir: string, rotationDeclared: boolean) =>
  Effect.gen(function* () {
    const last = runsOf(readChain(lineageDir))
      .filter((run) => run.status === "succeeded")
      .at(-1)
    if (last?.key_fingerprint == null || last.key_fingerprint === fingerprint) return false
    if (!rotationDeclared) {
      return yield* new UsageError({
        message: `the key's fingerprint ${fingerprint} differs from ${last.key_fingerprint} used by run ${last.run_id}; every pseudonym would change`,
        nextAction: "use the previous key, or pass --rotate-key if the change is intended (it is recorded in lineage)"
      })
    }
    return true
  })

const memoise = (f: (key: string) => string) => {
  const cache = new Map<string, string>()
  return (key: string): string => {
    let value = cache.get(key)
    if (value === undefined) cache.set(key, (value = f(key)))
    return value
  }
}

const sortedPractices = (rows: ReadonlyArray<Practice>) =>
  [...new Map(rows.map((row) => [row.practice_code, row])).values()].sort((a, b) =>
    a.practice_code < b.practice_code ? -1 : 1
  )

/**
 * Everything linkage needs: residents by NHS number, and residents and
 * opted-out people by demographics (the latter so that their council records,
 * which have no NHS number, are recognised and excluded too).
 *
 * The demographic index is built when first needed, or by
 * `indexDemographics`: it is a large share of the run's memory, and the
 * sources that load before the council's never use it.
 */
const linkageIndex = (
  spine: Spine,
  personIdOf: (nhsNumber: string) => string,
  optedOut: ReadonlySet<string>
): LinkageIndex & { readonly indexDemographics: () => void } => {
  const optedOutPersonIds = new Set(spine.optedOutResidents.map(({ nhsNumber }) => personIdOf(nhsNumber)))
  /** Residents and opted-out people, with the demographics they are matched on. */
  function* matchable() {
    const people = [
      ...spine.residents.map(({ person, registration }) => ({ personId: person.person_id, registration })),
      ...spine.optedOutResidents.map(({ nhsNumber, registration }) => ({
        personId: personIdOf(nhsNumber),
        registration
      }))
    ]
    for (const { personId, registration } of people) {
      const demographics = demographicsOf(registration)
      if (demographics !== undefined) yield { personId, demographics }
    }
  }
  let demographic: DemographicIndex | undefined
  const demographicIndex = () => (demographic ??= indexSpine(matchable()))
  return {
    residentPersonId: (nhsNumber) => spine.residentByNhsNumber.get(nhsNumber)?.person.person_id,
    personIdOf,
    isOptedOut: (nhsNumber) => optedOut.has(nhsNumber),
    demographic: { match: (record) => demographicIndex().match(record) },
    indexDemographics: () => void demographicIndex(),
    isOptedOutPerson: (personId) => optedOutPersonIds.has(personId)
  }
}

interface LoadContext {
  readonly db: WarehouseDb
  readonly index: LinkageIndex
  readonly equityContext: EquityContext
  readonly householdIdOf: (uprn: string) => string
  readonly reader: SourceReader
  readonly progress: RunProgress
}

/** Streams one record source into its table: decode, link, curate, insert, a batch at a time. */
const loadRecordSource = <Row, Table extends keyof RecordTables>(
  recordSource: RecordSource<Row, Table>,
  { db, equityContext, householdIdOf, index, progress, reader }: LoadContext
) => {
  const name = recordSource.source.name
  let loaded = 0
  const curateBatch = (rows: ReadonlyArray<NumberedRow<Row>>) => {
    const curated: Array<RecordTables[Table]> = []
    for (const { row, value } of rows) {
      const nhsNumber = recordSource.nhsNumberOf(value)
      if (typeof nhsNumber === "object" && !nhsNumber.valid) progress.countInvalidNhsNumber(name)
      const demographics = recordSource.demographicsOf(value)
      const link = linkRecord(index, nhsNumber, demographics)
      progress.countLink(name, link)
      if (link === "opted_out") continue
      observeLinkage(progress.equity, equityContext, name, link, demographics)
      curated.push(recordSource.curate(value, { sourceRow: row, link, householdIdOf }))
    }
    loaded += curated.length
    return curated
  }
  return stage(
    progress,
    `load ${name}`,
    reader.read(recordSource.source, (rows) =>
      insertRows(db, recordSource.table, curateBatch(rows) as ReadonlyArray<WarehouseSchema[Table]>)
    ),
    (summary) => ({ rowsIn: summary?.rowsRead ?? 0, rowsOut: loaded })
  )
}

/** The run's own lineage, as tables an analyst or IG reviewer can query. */
const writeRunTables = (db: WarehouseDb, context: BuildContext, lineageDir: string) =>
  Effect.gen(function* () {
    const { options, progress } = context
    const runId = options.runId
    const current = context.lineageOf("succeeded", null, yield* isoNow)
    const chain = readChain(lineageDir)
    const earlier = runsOf(chain).filter((run) => run.run_id !== runId)
    yield* insertRows(
      db,
      "run",
      [...earlier, current].map((run) => ({
        run_id: run.run_id,
        started_at: run.started_at,
        finished_at: run.finished_at,
        status: run.status,
        failure_reason: run.failure_reason,
        as_of: run.as_of,
        software_version: run.software_version,
        config_version: run.config_version,
        key_fingerprint: run.key_fingerprint,
        lineage_json: JSON.stringify(run)
      }))
    )
    yield* insertRows(
      db,
      "lineage_input",
      current.inputs.map((input) => ({
        run_id: runId,
        source: input.source,
        status: input.status,
        path: input.path,
        bytes: input.bytes,
        sha256: input.sha256,
        rows_read: input.rows_read,
        rows_accepted: input.rows_accepted,
        rows_quarantined: input.rows_quarantined,
        invalid_nhs_numbers: input.invalid_nhs_numbers ?? 0,
        unknown_columns: input.unknown_columns.length === 0 ? null : input.unknown_columns.join(",")
      }))
    )
    yield* insertRows(
      db,
      "lineage_quarantine",
      progress.inputs.flatMap((input) =>
        Object.entries(input.quarantine_reasons).map(([fieldReason, rows]) => {
          const [field = "row", reason = "unknown"] = fieldReason.split("/")
          return { run_id: runId, source: input.source, field, reason, rows }
        })
      )
    )
    yield* insertRows(
      db,
      "lineage_linkage",
      Object.entries(progress.linkage).flatMap(([source, counts]) =>
        Object.entries(counts).map(([outcome, rows]) => {
          const [link_status = outcome, link_method = ""] = outcome.split(":")
          return { run_id: runId, source, link_status, link_method, rows }
        })
      )
    )
    yield* insertRows(
      db,
      "lineage_stage",
      progress.stages.map((s) => ({ run_id: runId, ...s }))
    )
    yield* insertRows(
      db,
      "lineage_extract",
      extractsOf(chain).map((extract) => ({ ...extract, fields: extract.fields.join(",") }))
    )
    yield* insertRows(
      db,
      "lineage_linkage_equity",
      progress.equity.rows().map((row) => ({ run_id: runId, ...row }))
    )
  })
