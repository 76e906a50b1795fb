/**
 * Reading a night's inbox source by source, with the run's policy applied:
 * where each file is, what a missing or broken file means (required sources
 * fail the run, optional ones are reported and skipped), where quarantined
 * rows go (the secure area, never the publication), and what lineage records.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import type { ExtractSource } from "../schemas/extractSource.js"
import { daysBetween } from "../transforms/extractDate.js"
import { implausibleDates } from "../transforms/plausibility.js"
import { DataFailure, SourceFileError, UsageError } from "./errors.js"
import type { InputLineage } from "./lineage.js"
import { type ExtractReadSummary, type NumberedRow, type QuarantinedRow, readExtract } from "./readExtract.js"
import type { RunConfig } from "./runConfig.js"
import { Progress } from "./progress.js"
import { RunLog } from "./runLog.js"

export interface SourceReaderOptions {
  readonly inbox: string
  readonly quarantineDir: string
  readonly config: RunConfig
  readonly asOf: string
  /** Lineage of every source read, appended as each is read. */
  readonly inputs: Array<InputLineage>
}

export type SourceReader = ReturnType<typeof sourceReader>

/** The inbox must be a readable directory: anything else is a usage problem, not a data failure. */
export const requireInbox = (inbox: string) => {
  const stat = fs.statSync(inbox, { throwIfNoEntry: false })
  return stat?.isDirectory()
    ? Effect.void
    : Effect.fail(
        new UsageError({ message: `inbox ${inbox} is not a readable directory`, nextAction: "check --inbox" })
      )
}

export const sourceReader = ({ asOf, config, inbox, inputs, quarantineDir }: SourceReaderOptions) => {
  const isRequired = (source: string) => config.requiredSources.includes(source)

  const writeQuarantine = (source: string) => (rows: ReadonlyArray<QuarantinedRow>) =>
    Effect.sync(() => {
      const lines = rows.map((row) => JSON.stringify(row)).join("\n")
      fs.appendFileSync(path.join(quarantineDir, `${source}.jsonl`), `${lines}\n`, { mode: 0o600 })
    })

  const extractDate = (source: string) => config.extractDates[source] ?? null
  const ageDays = (source: string) => {
    const date = extractDate(source)
    return date === null ? null : daysBetween(date, asOf)
  }

  const record = (
    source: string,
    file: string,
    status: InputLineage["status"],
    summary?: ExtractReadSummary,
    message?: string
  ) =>
    inputs.push({
      source,
      required: isRequired(source),
      status,
      path: file,
      bytes: summary?.bytes ?? null,
      sha256: summary?.sha256 ?? null,
      rows_read: summary?.rowsRead ?? 0,
      rows_accepted: summary?.rowsAccepted ?? 0,
      rows_quarantined: summary?.rowsQuarantined ?? 0,
      quarantine_reasons: summary?.quarantineReasons ?? {},
      unknown_columns: summary?.unknownColumns ?? [],
      message: message ?? null,
      extract_date: extractDate(source),
      age_days: ageDays(source)
    })

  /** Reads a source if its file is there; undefined when it is missing or failed as a whole. */
  const read = <Row>(
    source: ExtractSource<Row>,
    onAccepted: (rows: ReadonlyArray<NumberedRow<Row>>) => Effect.Effect<void>
  ) =>
    Effect.gen(function* () {
      const log = yield* RunLog
      const file = path.join(inbox, `${source.name}.csv`)
      const stat = fs.lstatSync(file, { throwIfNoEntry: false })
      if (stat === undefined) {
        record(source.name, file, "missing", undefined, `${file} is missing`)
        yield* log.warn("source missing", { source: source.name, required: isRequired(source.name) })
        return undefined
      }
      if (!stat.isFile()) {
        const message = `${file} is not a regular file (links and directories are not read)`
        record(source.name, file, "failed", undefined, message)
        yield* log.warn("source failed", { source: source.name, reason: "not_a_regular_file" })
        return undefined
      }
      const age = ageDays(source.name)
      if (age !== null && age > config.freshnessWarnDays) {
        yield* log.warn("stale extract", {
          source: source.name,
          age_days: age,
          warn_after_days: config.freshnessWarnDays
        })
      }
      const rowProblems = (row: Row) => implausibleDates(row as { readonly date_of_birth?: unknown }, asOf)
      const progress = yield* Progress
      return yield* progress
        .track(`read ${source.name}`, stat.size, (onProgress) =>
          readExtract({
            source,
            file,
            onAccepted,
            onQuarantined: writeQuarantine(source.name),
            rowProblems,
            onProgress
          })
        )
        .pipe(
          Effect.tap((summary) =>
            Effect.gen(function* () {
              record(source.name, file, "loaded", summary)
              yield* log.info("source read", {
                source: source.name,
                read: summary.rowsRead,
                accepted: summary.rowsAccepted,
                quarantined: summary.rowsQuarantined
              })
            })
          ),
          Effect.catchTag("SourceFileError", (error: SourceFileError) =>
            Effect.gen(function* () {
              record(source.name, file, "failed", undefined, `${error.file} ${error.message}`)
              yield* log.warn("source failed", { source: source.name, required: isRequired(source.name) })
              return undefined
            })
          )
        )
    })

  /** Reads a small reference source whole (practices, postcode lookup, opt-outs). */
  const collect = <Row>(source: ExtractSource<Row>) =>
    Effect.gen(function* () {
      const rows: Array<NumberedRow<Row>> = []
      yield* read(source, (batch) => Effect.sync(() => void rows.push(...batch)))
      return rows
    })

  /** A required source older than the hard freshness limit fails the run. */
  const failIfStale = () => {
    const stale = inputs.find(
      (input) => input.required && input.age_days !== null && input.age_days > config.freshnessFailDays
    )
    return stale === undefined
      ? Effect.void
      : Effect.fail(
          new DataFailure({
            message: `required source ${stale.source} is ${stale.age_days} days old (extract date ${stale.extract_date}, limit ${config.freshnessFailDays} days)`,
            nextAction: `ask the partner for a current ${path.basename(stale.path)}, or correct extractDates in the configuration`
          })
        )
  }

  const failIfRequiredFailed = () => {
    const failed = inputs.find((input) => input.required && input.status !== "loaded")
    return failed === undefined
      ? Effect.void
      : Effect.fail(
          new DataFailure({
            message: `required source ${failed.source} ${failed.status}: ${failed.message}`,
            nextAction: `ask the partner to resend ${path.basename(failed.path)}; the previous publication is unchanged`
          })
        )
  }

  const failIfAboveThreshold = () => {
    const over = inputs.find(
      (input) => input.rows_read > 0 && input.rows_quarantined / input.rows_read > config.quarantineThreshold
    )
    if (over === undefined) return Effect.void
    const share = ((over.rows_quarantined / over.rows_read) * 100).toFixed(1)
    const [topReason] = Object.entries(over.quarantine_reasons).sort((a, b) => b[1] - a[1])
    return Effect.fail(
      new DataFailure({
        message: `${over.path}: ${over.rows_quarantined} of ${over.rows_read} rows quarantined (${share}%, threshold ${
          config.quarantineThreshold * 100
        }%), mostly ${topReason?.[0] ?? "unknown"}`,
        nextAction: "review the quarantined rows with the partner and ask for a corrected extract"
      })
    )
  }

  return { read, collect, failIfRequiredFailed, failIfAboveThreshold, failIfStale }
}
