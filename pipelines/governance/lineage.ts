/**
 * The lineage record of a run, for information governance: what came in,
 * what was quarantined and why, how records linked, what was published.
 *
 * Every run, succeeded or failed, and every extract taken from a publication
 * appends one entry to an append-only log in which each entry carries the
 * SHA-256 of the previous one, so an edit, deletion or reordering breaks the
 * chain; after each entry a head (signed when the writer holds the lineage
 * signing key) goes to `heads.jsonl` beside it, and lineage events record
 * what happened to the log itself. Counts only: no value from any
 * resident's record is ever written here.
 */
import { createHash, randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Clock, Effect } from "effect"
import { type ChainHead, GENESIS } from "../../transforms/chainHead.js"
import { type JsonLines, parseJsonLines } from "../../transforms/jsonLines.js"
import type { KAnonymityReport } from "../../transforms/kAnonymity.js"
import type { ModelSummary } from "../../transforms/fellegiSunter.js"
import type { EquityRow } from "../../transforms/linkageEquity.js"
import type { PublishedEntry } from "./publishedLineage.js"
import { DataFailure } from "../errors.js"
import type { CodelistFingerprint } from "../nightly/segmentationRules.js"
import type { FileFingerprint } from "../services/fileDigest.js"

export interface InputLineage {
  readonly source: string
  readonly required: boolean
  /** loaded | missing | failed */
  readonly status: "loaded" | "missing" | "failed"
  readonly path: string
  readonly bytes: number | null
  readonly sha256: string | null
  readonly rows_read: number
  readonly rows_accepted: number
  readonly rows_quarantined: number
  /** NHS numbers present but invalid in a column where they are optional (rows kept). */
  readonly invalid_nhs_numbers?: number
  /**
   * Rows matched on demographics that lacked a given name or a date of birth
   * (kept, linked only on clear evidence). Absent in runs before it was counted.
   */
  readonly partial_demographics?: number
  /**
   * Accepted rows equal in every cell to an earlier row of the file: quarantined
   * as `row/duplicate_record`, or loaded where identical rows recur. Absent in
   * runs before it was counted.
   */
  readonly duplicate_rows?: number
  /** Quarantined rows per `field/reason`. */
  readonly quarantine_reasons: Readonly<Record<string, number>>
  readonly unknown_columns: ReadonlyArray<string>
  readonly message: string | null
  /**
   * The extract's date and its age in days on the as-of date (negative when
   * the file is newer than the as-of date, as when catching up a night): null
   * only for a source whose file was not there.
   */
  readonly extract_date: string | null
  readonly age_days: number | null
  /**
   * Where `extract_date` came from: `extractDates` in the configuration, or the
   * file's modification time (its UTC date) where the configuration names none.
   * Absent in runs before freshness was checked by default.
   */
  readonly extract_date_from?: ExtractDateFrom | null
}

export type ExtractDateFrom = "configuration" | "file_modified"

export interface StageLineage {
  readonly stage: string
  readonly rows_in: number
  readonly rows_out: number
  readonly duration_ms: number
}

export interface OutputLineage {
  /** A file's path in the release, or a PostgreSQL warehouse's URL (no password) and schema. */
  readonly path: string
  readonly rows: number | null
  /**
   * A file's SHA-256, or the warehouse engine's digest of its content; null
   * only in entries of runs from before every engine recorded one.
   */
  readonly sha256: string | null
  readonly recipient: string
}

/**
 * Opt-outs applied. How many residents were excluded is disclosure-controlled
 * (`[suppressed]` for 1–7, else rounded to 5): lineage travels further than
 * the secure area. Records excluded per source stay exact in `linkage`
 * (`opted_out`) in the state area's chain, since row accounting needs them;
 * the release's copy controls them with every other count.
 */
export interface OptOutLineage {
  readonly residents_excluded: string
}

export interface RunLineage {
  readonly run_id: string
  readonly status: "succeeded" | "failed"
  readonly failure_reason: string | null
  readonly started_at: string
  readonly finished_at: string
  readonly as_of: string
  readonly operator: string
  readonly host: string
  readonly software_version: string
  readonly config_version: string
  readonly config: unknown
  readonly rules_version: string
  /**
   * The rules file's SHA-256, as runs recorded it before `rules_files`
   * replaced it; absent from later runs and from runs before either.
   */
  readonly rules_sha256?: string
  /**
   * Every rules file the run read (segmentation rules, tariff, outcomes
   * framework, and any other a later part of the run reads), each with its
   * path relative to the project and SHA-256: the thresholds, reasons and
   * prices themselves, not only the versions the files declare. Absent from
   * runs before it was recorded.
   */
  readonly rules_files?: ReadonlyArray<FileFingerprint>
  /** The outcomes framework file's version (absent in runs before it existed); its fingerprint is in `rules_files`. */
  readonly outcomes_version?: string
  /** Every codelist file used, with its SHA-256. */
  readonly codelists: ReadonlyArray<CodelistFingerprint>
  readonly key_fingerprint: string | null
  /** The key differs from the previous published run's, as declared with --rotate-key. */
  readonly key_rotated: boolean
  readonly inputs: ReadonlyArray<InputLineage>
  /**
   * The run whose accepted rows per source tonight's were compared with (null:
   * no run had published yet), and the sources whose change was declared
   * with --accept-volume-change. Absent from runs before the comparison existed.
   */
  readonly volume?: { readonly baseline_run: string | null; readonly accepted_changes: ReadonlyArray<string> }
  readonly stages: ReadonlyArray<StageLineage>
  readonly spine: Readonly<Record<string, number | string>>
  readonly opt_outs: OptOutLineage
  /** The sealed re-identification store written for this run, if it was given a key. */
  readonly reidentification_store: { readonly key_fingerprint: string; readonly people: number } | null
  /** The configuration's `warehouseBuildSql` as run in the warehouse (absent from runs before the setting existed). */
  readonly warehouse_build_sql?: { readonly path: string; readonly sha256: string } | null
  /** Records per source by `status` or `status:method` (`linked:nhs_number`, `linked:exact`, `ambiguous:…`, `opted_out`). */
  readonly linkage: Readonly<Record<string, Readonly<Record<string, number>>>>
  /** Demographic linkage rate by deprivation and by ethnic category (see transforms/linkageEquity.ts). */
  readonly linkage_equity: ReadonlyArray<EquityRow>
  /**
   * The probabilistic tier as it ran: its settings and the model it fitted
   * on the night's records. Null when the ladder left it nothing to link;
   * absent from runs before it was recorded.
   */
  readonly linkage_model?: LinkageModelLineage | null
  /** Residents per segment. */
  readonly segments: Readonly<Record<string, number>>
  /**
   * The segments whose residents every published file hides (`all`: the
   * residents of them all), by their cells
   * or by these margins (`withheldSegments`): a decision, not a count, kept so
   * the published view can be made again from this entry. Absent from runs
   * before it was recorded.
   */
  readonly segments_withheld?: ReadonlyArray<string>
  readonly outputs: ReadonlyArray<OutputLineage>
  /**
   * The release's copies of the evidence taken before this entry was appended
   * (the OpenLineage events, the run's log), by path in the release, with
   * their SHA-256: with `outputs`, what vouches for the release's manifest.
   * Absent from failed runs and from runs before releases had a manifest.
   */
  readonly evidence?: ReadonlyArray<{ readonly path: string; readonly sha256: string }>
}

/**
 * The probabilistic linkage tier's settings and fitted Fellegi–Sunter model
 * (docs/linkage.md): per field and comparison level, m (how often a true
 * pair agrees at that level, by EM on the night's candidate pairs) and u
 * (how often two different residents do, from random pairs; for the UPRN
 * and the household, from all pairs of residents sharing one). Probabilities
 * of a model, not counts of people: both lineage copies carry them as they are.
 */
export interface LinkageModelLineage {
  readonly threshold: number
  readonly margin_bits: number
  readonly review_floor: number
  readonly blocking_rules: ReadonlyArray<string>
  readonly fields: ModelSummary
}

/**
 * A file that left the pipeline after a run published: a workstream extract
 * or a re-identified list for direct care. Who took it, when, from which run,
 * for what purpose, with which fields, and the file's SHA-256.
 */
export interface ExtractLineage {
  readonly kind: "workstream_extract" | "reidentification"
  readonly at: string
  readonly operator: string
  readonly host: string
  /** The run whose publication it was taken from. */
  readonly run_id: string
  readonly workstream: string | null
  readonly practice: string | null
  readonly purpose: string
  readonly recipient: string
  /** The extract profiles (or re-identification) version the fields come from. */
  readonly profile_version: string
  /** The extract profiles file the fields come from, by path and SHA-256 (absent from re-identifications and older extracts). */
  readonly profiles_file?: FileFingerprint
  readonly fields: ReadonlyArray<string>
  readonly rows: number
  readonly path: string
  readonly sha256: string
  /** A workstream extract's k and re-identification figures before and after generalising. */
  readonly k_anonymity?: KAnonymityReport
}

/**
 * Something that happened to the lineage log itself, recorded in it by the
 * next run or command that holds the lock: a last line cut off after a crash
 * mid-append, the log started again with `--reinitialise-lineage` after it
 * was found missing, cut back, rewritten or damaged, or an extract recorded
 * but never put in place (its command stopped, or its disk refused it).
 */
export interface LineageEvent {
  readonly kind: "torn_append_repaired" | "reinitialised" | "delivery_interrupted"
  readonly at: string
  readonly operator: string
  readonly host: string
  /** The run, or the command, that found and recorded it. */
  readonly recorded_by: string
  /** What was found, in words (`verify` and the refusal give the same). */
  readonly finding: string
  /** torn_append_repaired: the file repaired and the bytes cut off its end; delivery_interrupted: the file the extract's entry records. */
  readonly file?: string
  readonly bytes_removed?: number
  /** reinitialised: the last head before (null: none was kept) and where the old log and heads were set aside. */
  readonly previous_head?: ChainHead | null
  readonly set_aside?: ReadonlyArray<string>
  /** reinitialised: the last published run and its key fingerprint, carried over for the key-rotation guard. */
  readonly published?: PublishedKey | null
}

/** The last run published and the fingerprint of the key it pseudonymised with. */
export interface PublishedKey {
  readonly run_id: string
  readonly key_fingerprint: string | null
}

/** One entry of the log: a run, an extract taken from a run's publication, or an event of the log itself. */
export type ChainRecord =
  { readonly run: RunLineage } | { readonly extract: ExtractLineage } | { readonly event: LineageEvent }

export type ChainEntry = ChainRecord & {
  readonly previous_sha256: string
  readonly sha256: string
  /**
   * Random, hashed with the entry and kept in the state area only: the
   * release publishes `sha256` beside the entry's controlled view, and
   * without a secret in it an entry with few figures could be found again
   * by hashing every exact value its view allows. Absent from entries
   * written before it was added.
   */
  readonly salt?: string
}

/** What the first entry of a chain follows. */
export { GENESIS }

const payloadOf = (record: ChainRecord): RunLineage | ExtractLineage | LineageEvent =>
  "run" in record ? record.run : "extract" in record ? record.extract : record.event

export const entryHash = (previous: string, record: ChainRecord & { readonly salt?: string }): string =>
  createHash("sha256")
    .update(`${previous}\n${record.salt === undefined ? "" : `${record.salt}\n`}${JSON.stringify(payloadOf(record))}`)
    .digest("hex")

/** A new entry's salt: 256 random bits. */
export const newSalt = (): string => randomBytes(32).toString("hex")

/**
 * An entry of the state area's chain or of a release's copy of it (its
 * published view, `pipelines/governance/publishedLineage.ts`): what reads either
 * reads only what both hold.
 */
export type AnyEntry = ChainEntry | PublishedEntry

type RunOf<E> = E extends { readonly run: infer R } ? R : never
type ExtractOf<E> = E extends { readonly extract: infer X } ? X : never

/** The runs of a chain, in order: exact from the state area's, controlled from a release's copy. */
export const runsOf = <E extends AnyEntry>(entries: ReadonlyArray<E>): Array<RunOf<E>> =>
  entries.flatMap((entry) => ("run" in entry ? [entry.run as RunOf<E>] : []))

/** The extracts of a chain, in order. */
export const extractsOf = <E extends AnyEntry>(entries: ReadonlyArray<E>): Array<ExtractOf<E>> =>
  entries.flatMap((entry) => ("extract" in entry ? [entry.extract as ExtractOf<E>] : []))

/** The events of the log itself, in order. */
export const eventsOf = (entries: ReadonlyArray<AnyEntry>): Array<LineageEvent> =>
  entries.flatMap((entry) => ("event" in entry ? [entry.event] : []))

/**
 * The last run published, from the chain, or from the re-initialisation that
 * carried it over when the chain it was in was set aside.
 */
export const lastPublishedOf = (entries: ReadonlyArray<AnyEntry>): PublishedKey | null => {
  for (const entry of [...entries].reverse()) {
    if ("run" in entry && entry.run.status === "succeeded") {
      return { run_id: entry.run.run_id, key_fingerprint: entry.run.key_fingerprint }
    }
    if ("event" in entry && entry.event.published !== undefined) return entry.event.published
  }
  return null
}

/** How an entry names itself in a message: `run X`, `extract taken at T` or `lineage event … at T`. */
export const describeEntry = (entry: Partial<AnyEntry>): string => {
  if (entry === null || typeof entry !== "object") return "an entry that is not an object"
  if ("extract" in entry && entry.extract) return `${entry.extract.kind} taken at ${entry.extract.at}`
  if ("event" in entry && entry.event) return `lineage event ${entry.event.kind} at ${entry.event.at}`
  return `run ${(entry as { run?: RunLineage }).run?.run_id}`
}

/** The run (or command) an entry belongs to, as its head names it. */
export const runIdOf = (entry: AnyEntry): string =>
  "run" in entry ? entry.run.run_id : "extract" in entry ? entry.extract.run_id : entry.event.recorded_by

const PARTIAL = ".wsd-partial"

/**
 * Where an extract is written until it is put in place: beside it, so the
 * rename is atomic, and named after the file and when it was taken, so the
 * next command finds it from the extract's entry and no other entry for the
 * same path claims it. It exists only while its delivery is unfinished.
 */
export const partialFileOf = (extract: Pick<ExtractLineage, "path" | "at">): string =>
  path.join(path.dirname(extract.path), `.${path.basename(extract.path)}.${extract.at.replace(/[-:.]/g, "")}${PARTIAL}`)

/** Whether `name`, in the folder of `file`, is the partial file of a delivery of `file`. */
export const isPartialFileOf = (file: string, name: string): boolean =>
  name.startsWith(`.${path.basename(file)}.`) && name.endsWith(PARTIAL)

/** An extract recorded but not put in place, in the words of `verify` and of the event recording it. */
export const undelivered = (extract: Pick<ExtractLineage, "kind" | "at" | "path" | "sha256">): string =>
  `${extract.kind} taken at ${extract.at} is recorded as ${extract.path} (SHA-256 ${extract.sha256}), but it was never put in place`

/** When a lineage event happens, from the clock service (replaceable in tests). */
export const isoNow = Effect.map(Clock.currentTimeMillis, (now) => new Date(now).toISOString())

/** Who did it, and on which machine. */
export const operatorAndHost = () => ({ operator: os.userInfo().username, host: os.hostname() })

export const chainFile = (lineageDir: string): string => path.join(lineageDir, "chain.jsonl")

/** Where a release keeps its copy of the chain, and of the entry of the run that made it: both the published view. */
export const RELEASE_CHAIN = "lineage/chain.jsonl"
export const releaseRunFile = (runId: string): string => `lineage/runs/${runId}.json`

/** The text of a release's copy of its run's entry (as its copy of the chain has it): `verify` expects exactly this. */
export const releaseRunText = (entry: PublishedEntry): string => `${JSON.stringify(entry, null, 2)}\n`

/** The chain's heads, one per entry appended (`transforms/chainHead.ts`), beside the chain. */
export const headsFile = (lineageDir: string): string => path.join(lineageDir, "heads.jsonl")

/** A JSON-lines log as found on disk, or undefined when there is no such file. */
export const readJsonLines = <T>(file: string): JsonLines<T> | undefined =>
  fs.existsSync(file) ? parseJsonLines<T>(fs.readFileSync(file, "utf8")) : undefined

/**
 * The entries of the chain in `lineageDir` (none when it has no chain), a
 * last line torn mid-append left out: the next run or extract repairs it.
 * A line damaged anywhere else fails, naming it.
 */
export const readChain = <E extends AnyEntry = ChainEntry>(lineageDir: string) =>
  Effect.gen(function* () {
    const file = chainFile(lineageDir)
    const log = readJsonLines<E>(file)
    if (log?.corruptLine !== undefined) {
      return yield* new DataFailure({
        message: `lineage log ${file} line ${log.corruptLine} is not valid JSON: it was edited or damaged`,
        nextAction: "run `wsd lineage verify --out` on the publication and tell information governance"
      })
    }
    return [...(log?.values ?? [])]
  })

/** The entry that follows `last` (none: the chain is empty) for `record`, hashed with `salt`. */
export const chainEntry = (last: ChainEntry | undefined, record: ChainRecord, salt: string): ChainEntry => {
  const previous = last?.sha256 ?? GENESIS
  const salted = { ...record, salt }
  return { previous_sha256: previous, sha256: entryHash(previous, salted), ...salted } as ChainEntry
}
