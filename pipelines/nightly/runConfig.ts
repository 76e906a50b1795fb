/**
 * Run configuration: what a borough may tune without changing code. Every
 * field has a default; `--config FILE` (JSON) overrides any of them, and the
 * configuration's fingerprint is recorded in lineage.
 */
import { createHash } from "node:crypto"
import { accessSync, constants, readFileSync, statSync } from "node:fs"
import { Effect, Schema } from "effect"
import { SOURCES } from "../../schemas/sourceCatalogue.js"
import { suggestName } from "../../transforms/closestName.js"
import { UsageError } from "../errors.js"

export const RunConfig = Schema.Struct({
  /** Sources whose absence or file-level failure fails the run. */
  requiredSources: Schema.Array(Schema.String),
  /** A source whose quarantined share of rows exceeds this fails the run. */
  quarantineThreshold: Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
  /**
   * A source whose rows repeating an earlier row exactly exceed this share of
   * its rows fails the run: a file sent twice in one, caught even where equal
   * rows are loaded (community contacts) and so not quarantined.
   */
  duplicateThreshold: Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
  /**
   * A required source whose accepted rows fall by more than this share of the
   * last published run's fails the run (a file cut short, a partial export).
   */
  volumeFallShare: Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
  /** ... or rise by more than this share (a file sent twice in one). */
  volumeRiseShare: Schema.Number.check(Schema.isGreaterThanOrEqualTo(0)),
  /** Published releases kept: the current one and those before it. */
  keepReleases: Schema.Int.check(Schema.isGreaterThanOrEqualTo(2)),
  /** The segmentation rules file; the project's rules v1 when absent. */
  rulesFile: Schema.optionalKey(Schema.String),
  /** The unit costs of the activities extracts send no cost for; the project's tariff v1 when absent. */
  tariffFile: Schema.optionalKey(Schema.String),
  /** The outcomes framework file; the project's outcomes v1 when absent. */
  outcomesFile: Schema.optionalKey(Schema.String),
  /** The date each source's extract was taken, when partners state it (`{ "gp_events": "2026-11-19" }`). */
  extractDates: Schema.Record(Schema.String, Schema.String),
  /** An extract older than this many days on the as-of date warns. */
  freshnessWarnDays: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  /** A required extract older than this many days fails the run. */
  freshnessFailDays: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  /** An OpenLineage HTTP endpoint to post run events to (e.g. Marquez `…/api/v1/lineage`). */
  openLineageUrl: Schema.optionalKey(Schema.String),
  /**
   * A SQL file run in each new warehouse after its tables are created and before
   * they are loaded: indexes analysts want, or Citus's distribution of the tables.
   */
  warehouseBuildSql: Schema.optionalKey(Schema.String),
  /**
   * The probabilistic linkage tier (docs/linkage.md): a record links when its
   * best candidate's match probability reaches `linkageThreshold` and its
   * match weight beats the second best's by `linkageMargin` bits; unlinked
   * records whose best candidate reaches `linkageReviewFloor` go to clerical review.
   */
  linkageThreshold: Schema.Number.check(Schema.isBetween({ minimum: 0.5, maximum: 1 })),
  linkageMargin: Schema.Number.check(Schema.isGreaterThanOrEqualTo(0)),
  linkageReviewFloor: Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
  /** The runs the report's trend shows, this one included. */
  reportTrendRuns: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  /** A source linking less than this percentage of its records shows as a warning in the report. */
  linkageWarnPercent: Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 100 })),
  /**
   * The group whose members may read each release (`--group` overrides it):
   * analysts in it open the publication, the state area's secure parts stay
   * the owner's. None by default: only the user running wsd reads anything.
   */
  publicationGroup: Schema.optionalKey(Schema.String.check(Schema.isMinLength(1))),
  /** PostgreSQL roles granted read access to each newly published warehouse schema (`--warehouse postgres://…`). */
  warehouseReaders: Schema.Array(Schema.String.check(Schema.isPattern(/^[a-z_][a-z0-9_]*$/)))
})
export type RunConfig = typeof RunConfig.Type

export const DEFAULT_CONFIG: RunConfig = {
  // A night without a readable opt-out list must not publish secondary-use data.
  requiredSources: ["gp_registrations", "gp_events", "acute_activity", "opt_outs", "practices"],
  quarantineThreshold: 0.05,
  duplicateThreshold: 0.3,
  volumeFallShare: 0.2,
  volumeRiseShare: 0.5,
  keepReleases: 2,
  extractDates: {},
  freshnessWarnDays: 3,
  freshnessFailDays: 10,
  linkageThreshold: 0.999,
  linkageMargin: 3,
  linkageReviewFloor: 0.5,
  reportTrendRuns: 7,
  linkageWarnPercent: 95,
  warehouseReaders: []
}

const decodeConfig = Schema.decodeUnknownEffect(RunConfig, { errors: "all" })

const SETTINGS = Object.keys(RunConfig.fields)
const SOURCE_NAMES = Object.keys(SOURCES)

/**
 * The first name in the overrides that is not a setting, or a setting's
 * source that is not a source: a misspelt key would otherwise be ignored
 * and its default silently used (a threshold never applied, a required
 * source never required), so it is refused with the name it most likely meant.
 */
const misnamed = (
  overrides: object
): { readonly what: string; readonly name: string; readonly suggestion: string } | undefined => {
  const setting = Object.keys(overrides).find((key) => !SETTINGS.includes(key))
  if (setting !== undefined) return { what: "setting", name: setting, suggestion: suggestName(setting, SETTINGS) }
  const { extractDates, requiredSources } = overrides as Partial<Record<string, unknown>>
  const sources = [
    ...(Array.isArray(requiredSources) ? requiredSources.filter((name) => typeof name === "string") : []),
    ...(typeof extractDates === "object" && extractDates !== null ? Object.keys(extractDates) : [])
  ]
  const source = sources.find((name) => !SOURCE_NAMES.includes(name))
  return source === undefined
    ? undefined
    : { what: "source", name: source, suggestion: suggestName(source, SOURCE_NAMES) }
}

/** The defaults, overridden by the JSON object in `file` when one is given. */
export const loadRunConfig = (file: string | undefined) =>
  Effect.gen(function* () {
    if (file === undefined) return DEFAULT_CONFIG
    const overrides = yield* Effect.try({
      try: () => JSON.parse(readFileSync(file, "utf8")) as unknown,
      catch: () =>
        new UsageError({
          message: `configuration ${file} cannot be read as JSON`,
          nextAction: "fix or remove --config"
        })
    })
    if (typeof overrides !== "object" || overrides === null || Array.isArray(overrides)) {
      return yield* new UsageError({
        message: `configuration ${file} is not a JSON object of settings`,
        nextAction: 'write it as { "setting": value, … } (docs/publication.md lists the settings)'
      })
    }
    const wrong = misnamed(overrides)
    if (wrong !== undefined) {
      return yield* new UsageError({
        message: `configuration ${file} names no ${wrong.what} called ${wrong.name}`,
        nextAction: wrong.suggestion
      })
    }
    const config = yield* decodeConfig({ ...DEFAULT_CONFIG, ...overrides }).pipe(
      Effect.mapError(
        (error) =>
          new UsageError({
            message: `configuration ${file} is invalid: ${error.message}`,
            nextAction: "fix the named setting"
          })
      )
    )
    // Checked now rather than when the warehouse is built, minutes into the run.
    if (config.warehouseBuildSql !== undefined && !isReadableFile(config.warehouseBuildSql)) {
      return yield* new UsageError({
        message: `configuration ${file}: warehouseBuildSql ${config.warehouseBuildSql} is not a readable file`,
        nextAction: "fix the path (relative to where wsd runs) or remove the setting"
      })
    }
    return config
  })

const isReadableFile = (file: string): boolean => {
  try {
    accessSync(file, constants.R_OK)
    return statSync(file).isFile()
  } catch {
    return false
  }
}

/** A short fingerprint of the effective configuration, recorded in lineage. */
export const configVersion = (config: RunConfig): string =>
  createHash("sha256").update(JSON.stringify(config)).digest("hex").slice(0, 12)
