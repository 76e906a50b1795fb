/**
 * The lineage record of a run, for information governance: what came in,
 * what was quarantined and why, how records linked, what was published.
 *
 * Every run, succeeded or failed, appends one entry to an append-only log in
 * which each entry carries the SHA-256 of the previous one, so an edit,
 * deletion or reordering breaks the chain. Counts only: no value from any
 * resident's record is ever written here.
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import type { EquityRow } from "../transforms/linkageEquity.js"
import { appendWhole, writeFailure } from "./diskWrites.js"
import type { CodelistFingerprint } from "./segmentationRules.js"

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
  /** Quarantined rows per `field/reason`. */
  readonly quarantine_reasons: Readonly<Record<string, number>>
  readonly unknown_columns: ReadonlyArray<string>
  readonly message: string | null
  /** The extract's date and age in days on the as-of date, when stated in configuration. */
  readonly extract_date: string | null
  readonly age_days: number | null
}

export interface StageLineage {
  readonly stage: string
  readonly rows_in: number
  readonly rows_out: number
  readonly duration_ms: number
}

export interface OutputLineage {
  readonly path: string
  readonly rows: number | null
  readonly sha256: string
  readonly recipient: string
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
  /** Every codelist file used, with its SHA-256. */
  readonly codelists: ReadonlyArray<CodelistFingerprint>
  readonly key_fingerprint: string | null
  /** The key differs from the previous published run's, as declared with --rotate-key. */
  readonly key_rotated: boolean
  readonly inputs: ReadonlyArray<InputLineage>
  readonly stages: ReadonlyArray<StageLineage>
  readonly spine: Readonly<Record<string, number | string>>
  /** Records per source by `status` or `status:method` (`linked:nhs_number`, `linked:exact`, `ambiguous:…`, `opted_out`). */
  readonly linkage: Readonly<Record<string, Readonly<Record<string, number>>>>
  /** Demographic linkage rate by deprivation and by ethnic category (see transforms/linkageEquity.ts). */
  readonly linkage_equity: ReadonlyArray<EquityRow>
  /** Residents per segment. */
  readonly segments: Readonly<Record<string, number>>
  readonly outputs: ReadonlyArray<OutputLineage>
}

export interface ChainEntry {
  readonly previous_sha256: string
  readonly sha256: string
  readonly run: RunLineage
}

/** What the first entry of a chain follows. */
export const GENESIS = "0".repeat(64)

export const entryHash = (previous: string, run: RunLineage): string =>
  createHash("sha256")
    .update(`${previous}\n${JSON.stringify(run)}`)
    .digest("hex")

export const chainFile = (lineageDir: string): string => path.join(lineageDir, "chain.jsonl")

export const readChain = (lineageDir: string): Array<ChainEntry> => {
  const file = chainFile(lineageDir)
  if (!fs.existsSync(file)) return []
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as ChainEntry)
}

/** Appends a run to the chain (durably: the log is the evidence) and returns the entry. */
export const appendToChain = (lineageDir: string, run: RunLineage) =>
  Effect.try({
    try: () => {
      const chain = readChain(lineageDir)
      const previous = chain.at(-1)?.sha256 ?? GENESIS
      const entry: ChainEntry = { previous_sha256: previous, sha256: entryHash(previous, run), run }
      appendWhole(chainFile(lineageDir), `${JSON.stringify(entry)}\n`, { durable: true })
      return entry
    },
    // The lineage folder is the state area's (`.<out>.wsd/lineage`).
    catch: writeFailure(chainFile(lineageDir), path.dirname(lineageDir))
  })

export const sha256OfFile = (file: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash("sha256")
    fs.createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")))
  })
