/**
 * `wsd extract`: a workstream's members with only the fields its profile
 * allows, under a pseudonym specific to the recipient, its quasi-identifiers
 * generalised to k, recorded in lineage (who, when, workstream, purpose,
 * fields, rows, SHA-256, and k with the re-identification figures).
 */
import { Effect, Redacted } from "effect"
import { ExtractProfiles } from "../../schemas/extractProfiles.js"
import { COMPLEX_COHORT_SEGMENT, type SegmentCode, TRANSITIONS_SEGMENTS } from "../../schemas/segments.js"
import { freeTextProblem, MAX_FREE_TEXT } from "../../transforms/freeText.js"
import { DEFAULT_K, kAnonymise } from "../../transforms/kAnonymity.js"
import { recipientKey, recipientPseudonym } from "../../transforms/pseudonym.js"
import { csvLine } from "../../transforms/spreadsheetSafety.js"
import { extractTable, type MemberRow, type OtherFile, profileProblems } from "../../transforms/workstreamExtract.js"
import { COHORT_COLUMNS, TRANSITIONS_COLUMNS } from "../outputs/outputs.js"
import { UsageError } from "../errors.js"
import { deliverExtract, publishedRun } from "./extractDelivery.js"
import { projectFile } from "../services/projectFiles.js"
import { PseudonymKey } from "../services/pseudonymKey.js"
import type { RunLineage } from "./lineage.js"
import { openPublishedWarehouse, queryFile, type WarehouseDb } from "../warehouse/warehouse.js"
import { publishedWarehouse } from "../warehouse/engines.js"
import { readRulesFile } from "../nightly/rulesFile.js"

export const DEFAULT_PROFILES_FILE = projectFile("rules", "extract-profiles-v1.json")

export interface WorkstreamExtractOptions {
  /** The publication (a run's --out). */
  readonly from: string
  /** The segment code of the workstream. */
  readonly workstream: SegmentCode
  /** Needed only when the workstream has profiles for several recipients. */
  readonly recipient?: string | undefined
  readonly purpose: string
  /** The extract file to create. */
  readonly out: string
  readonly profilesFile?: string | undefined
  /** At least k rows share each combination of quasi-identifiers: raises the profile's k, never lowers it. */
  readonly k?: number | undefined
}

export const loadProfiles = (file: string) => readRulesFile(file, ExtractProfiles, "extract profiles", "--profiles")

export const workstreamExtract = Effect.fn("workstreamExtract")(function* (options: WorkstreamExtractOptions) {
  // Lineage keeps and shows both: one printable line each.
  for (const [flag, text] of [
    ["--purpose", options.purpose],
    ["--recipient", options.recipient]
  ] as const) {
    const problem = text === undefined ? undefined : freeTextProblem(text)
    if (problem !== undefined) {
      return yield* new UsageError({
        message: `${flag} ${problem}`,
        nextAction: `say in one line of at most ${MAX_FREE_TEXT} characters ${flag === "--purpose" ? "what the extract is for" : "who receives it"}`
      })
    }
  }
  const profilesFile = options.profilesFile ?? DEFAULT_PROFILES_FILE
  const { fingerprint: profilesFingerprint, value: profiles } = yield* loadProfiles(profilesFile)
  const candidates = profiles.profiles.filter(
    (profile) =>
      profile.workstream === options.workstream &&
      (options.recipient === undefined || profile.recipient === options.recipient)
  )
  if (candidates.length !== 1) {
    const recipients = profiles.profiles.filter((p) => p.workstream === options.workstream).map((p) => p.recipient)
    return yield* new UsageError({
      message:
        candidates.length === 0
          ? `${profilesFile} has no profile for ${options.workstream}${options.recipient === undefined ? "" : ` and recipient ${options.recipient}`}`
          : `${profilesFile} has profiles for several recipients of ${options.workstream}`,
      nextAction:
        recipients.length === 0
          ? "add a profile for the workstream"
          : `pass --recipient, one of: ${recipients.map((r) => `"${r}"`).join(", ")}`
    })
  }
  const profile = candidates[0]!
  const { release, run } = yield* publishedRun(options.from)
  const { fingerprint, key } = yield* PseudonymKey
  if (run.key_fingerprint !== fingerprint) {
    return yield* new UsageError({
      message: `the key's fingerprint ${fingerprint} is not that of run ${run.run_id} (${run.key_fingerprint}), which made the publication`,
      nextAction: "pass the --key-file the nightly run uses"
    })
  }
  const { columns, rows } = yield* Effect.scoped(
    Effect.gen(function* () {
      const db = yield* openPublishedWarehouse(yield* publishedEngine(release, run))
      yield* requireRun(db, run.run_id)
      return yield* queryFile<MemberRow>(db, projectFile("sql", "extracts", "workstream_members.sql"))
    })
  )
  // Files about the same people that could be joined to this one: the other
  // recipients' extracts of the workstream, and the lists its lead receives.
  const segment = options.workstream
  const others: Array<OtherFile> = [
    ...profiles.profiles
      .filter((other) => other.workstream === profile.workstream && other.recipient !== profile.recipient)
      .map((other) => ({ name: `the extract for ${other.recipient}`, columns: other.fields })),
    ...(segment === COMPLEX_COHORT_SEGMENT ? [{ name: "the complex-cohort lists", columns: COHORT_COLUMNS }] : []),
    ...(TRANSITIONS_SEGMENTS.includes(segment) ? [{ name: "the transitions list", columns: TRANSITIONS_COLUMNS }] : [])
  ]
  const problems = profileProblems(profile, columns, others)
  if (problems.length > 0) {
    return yield* new UsageError({
      message: `the ${options.workstream} profile for ${profile.recipient} in ${profilesFile} cannot be used: ${problems.join("; ")}`,
      nextAction: "fix the profile"
    })
  }
  const k = options.k ?? profile.k ?? DEFAULT_K
  if (k < (profile.k ?? DEFAULT_K)) {
    return yield* new UsageError({
      message: `--k ${k} is below the ${profile.k ?? DEFAULT_K} the ${options.workstream} profile for ${profile.recipient} requires`,
      nextAction: `pass --k of at least ${profile.k ?? DEFAULT_K}, or leave it out`
    })
  }
  const keyOfRecipient = recipientKey(Redacted.value(key), profile.recipient)
  const anonymous = kAnonymise(
    rows.filter((row) => row["segment"] === segment),
    profile.quasi_identifiers,
    k
  )
  const table = extractTable(anonymous.rows, profile, (personId) => recipientPseudonym(keyOfRecipient, personId))
  const content = csvLine(table.columns) + table.rows.map((row) => csvLine(row)).join("")
  // Pseudonymised: readable by the owner and the analysts' group.
  return yield* deliverExtract(options.from, options.out, content, 0o640, {
    kind: "workstream_extract",
    run_id: run.run_id,
    workstream: options.workstream,
    practice: null,
    purpose: options.purpose,
    recipient: profile.recipient,
    profile_version: profiles.version,
    profiles_file: profilesFingerprint,
    fields: table.columns,
    rows: table.rows.length,
    k_anonymity: anonymous.report
  })
})

/**
 * Where the publishing run put its warehouse, as its lineage names it: the
 * SQLite file in its release, or a PostgreSQL schema (the password, as for
 * the run, from `PGPASSWORD` or `~/.pgpass`).
 */
const publishedEngine = (release: string, run: RunLineage) => {
  const engine = run.outputs
    .map((output) => publishedWarehouse(release, output.path))
    .find((found) => found !== undefined)
  return engine === undefined
    ? Effect.fail(
        new UsageError({
          message: `the lineage of run ${run.run_id} names no warehouse among its outputs`,
          nextAction: "check the publication with `wsd lineage verify`"
        })
      )
    : Effect.succeed(engine)
}

/** A PostgreSQL schema is replaced by each run: refuse one that holds another run than the publication's. */
const requireRun = (db: WarehouseDb, runId: string) =>
  Effect.gen(function* () {
    const latest = yield* Effect.tryPromise({
      try: () =>
        db
          .selectFrom("run")
          .select("run_id")
          .where("status", "=", "succeeded")
          .orderBy("run_id", "desc")
          .limit(1)
          .executeTakeFirst(),
      catch: () =>
        new UsageError({
          message: "cannot read the published warehouse",
          nextAction: "check the warehouse is reachable"
        })
    })
    if (latest?.run_id !== runId) {
      return yield* new UsageError({
        message: `the warehouse holds run ${latest?.run_id ?? "none"}, not run ${runId} which made the publication`,
        nextAction: "wait for the run in progress to publish, then extract again"
      })
    }
  })
