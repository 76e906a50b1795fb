/**
 * Reading a night's inbox source by source, with the run's policy applied:
 * where each file is, what a missing or broken file means (required sources
 * fail the run, optional ones are reported and skipped), where quarantined
 * rows go (the secure area, never the publication), and what lineage records.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import type { ExtractSource } from "../../schemas/extractSource.js"
import { daysBetween } from "../../schemas/fields/extractDate.js"
import { type PublicationError, SourceFileError, UsageError } from "../errors.js"
import { ExtractReaders } from "./extractReaders.js"
import {
  missingMessage,
  quarantineFailure,
  requiredSourceFailure,
  staleSourceFailure,
  type VolumeBaseline,
  volumeFailure
} from "./sourceVerdicts.js"
import type { ExtractRequest } from "./extractWorkerClient.js"
import type { ExtractDateFrom, InputLineage } from "../governance/lineage.js"
import { type ExtractReadSummary, type NumberedRow, type QuarantinedRow, readExtract } from "./readExtract.js"
import type { RunConfig } from "../nightly/runConfig.js"
import { FileSystem } from "../services/fileSystem.js"
import { Progress } from "../services/progress.js"
import { RunLog } from "../services/runLog.js"

export interface SourceReaderOptions {
  readonly inbox: string
  readonly quarantineDir: string
  readonly config: RunConfig
  readonly asOf: string
  /** Lineage of every source read, appended as each is read. */
  readonly inputs: Array<InputLineage>
}

export type SourceReader = ReturnType<typeof sourceReader>

interface ExtractDating {
  readonly date: string | null
  readonly from: ExtractDateFrom | null
}

/** The inbox must be a readable directory: anything else is a usage problem, not a data failure. */
export const requireInbox = (inbox: string) => {
  const stat = fs.statSync(inbox, { throwIfNoEntry: false })
  return stat?.isDirectory()
    ? Effect.void
    : Effect.fail(
        new UsageError({ message: `inbox ${inbox} is not a readable directory`, nextAction: "check --inbox" })
      )
}

/** Where a source's entry in the inbox leads. */
export interface LocatedExtract {
  /** What is read: the entry itself, or the real path its link resolves to (checked once, then read). */
  readonly realFile: string
  readonly isLink: boolean
  /** Its size, for progress. */
  readonly bytes: number
  /** The UTC date it was last modified: its extract date where the configuration states none. */
  readonly modifiedOn: string
}

const isWithin = (dir: string, file: string) => {
  const relative = path.relative(dir, file)
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative)
}

const realPath = (file: string): string | undefined => {
  try {
    return fs.realpathSync(file)
  } catch {
    return undefined
  }
}

/**
 * Finds `name` in the inbox; undefined when there is no such entry. A link is
 * followed only to a regular file inside the inbox: a link leading elsewhere
 * would let whoever can write the inbox make the run read, and quarantine
 * into the secure area, any file the run's user can open.
 */
export const locateExtract = (inbox: string, source: string, name = `${source}.csv`) =>
  Effect.gen(function* () {
    const file = path.join(inbox, name)
    const entry = fs.lstatSync(file, { throwIfNoEntry: false })
    if (entry === undefined) return undefined
    const fail = (message: string, nextAction: string) =>
      Effect.fail(new SourceFileError({ source, file, message, nextAction }))
    const realFile = entry.isSymbolicLink() ? realPath(file) : file
    if (realFile === undefined) {
      return yield* fail(
        `is a link to ${fs.readlinkSync(file)}, which cannot be followed`,
        `put ${name} itself in the inbox`
      )
    }
    const realInbox = realPath(inbox) ?? inbox
    if (entry.isSymbolicLink() && !isWithin(realInbox, realFile)) {
      return yield* fail(
        `is a link to ${realFile}, outside the inbox ${realInbox}: wsd reads only files in the inbox`,
        `put ${name} itself in the inbox rather than a link to it`
      )
    }
    const stat = fs.statSync(realFile)
    if (!stat.isFile()) {
      return yield* fail("is not a regular file", `put ${name} in the inbox as a file`)
    }
    return {
      realFile,
      isLink: entry.isSymbolicLink(),
      bytes: stat.size,
      modifiedOn: stat.mtime.toISOString().slice(0, 10)
    } satisfies LocatedExtract
  })

export const sourceReader = ({ asOf, config, inbox, inputs, quarantineDir }: SourceReaderOptions) => {
  const isRequired = (source: string) => config.requiredSources.includes(source)
  /** For a source failed as a whole, what to do when it is not asking the partner to resend it. */
  const nextActions = new Map<string, string>()
  const fileOf = (source: string) => path.join(inbox, `${source}.csv`)

  const writeQuarantine = (source: string) => (rows: ReadonlyArray<QuarantinedRow>) =>
    Effect.gen(function* () {
      const lines = rows.map((row) => JSON.stringify(row)).join("\n")
      yield* (yield* FileSystem).appendLines(path.join(quarantineDir, `${source}.jsonl`), `${lines}\n`, { mode: 0o600 })
    })

  /** The date the configuration states for a source's extract, if any. */
  const statedDate = (source: string): ExtractDating => {
    const stated = config.extractDates[source]
    return stated === undefined ? { date: null, from: null } : { date: stated, from: "configuration" }
  }
  /** An extract's own date: the configuration's when it states one, else its file's modification date. */
  const datedExtract = (source: string, located: LocatedExtract) => {
    const stated = config.extractDates[source]
    return stated === undefined
      ? { date: located.modifiedOn, from: "file_modified" as const }
      : { date: stated, from: "configuration" as const }
  }

  const record = (
    source: string,
    file: string,
    status: InputLineage["status"],
    dating: ExtractDating,
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
      duplicate_rows: summary?.duplicateRows ?? 0,
      unknown_columns: summary?.unknownColumns ?? [],
      message: message ?? null,
      extract_date: dating.date,
      age_days: dating.date === null ? null : daysBetween(dating.date, asOf),
      extract_date_from: dating.from
    })

  /** Reads a source if its file is there; undefined when it is missing or failed as a whole. */
  const read = <Row, E = never, R = never>(
    source: ExtractSource<Row>,
    onAccepted: (rows: ReadonlyArray<NumberedRow<Row>>) => Effect.Effect<void, E, R>
  ) =>
    Effect.gen(function* () {
      const log = yield* RunLog
      const file = fileOf(source.name)
      const located = yield* locateExtract(inbox, source.name)
      if (located === undefined) {
        record(
          source.name,
          file,
          "missing",
          statedDate(source.name),
          undefined,
          missingMessage(file, source.name, config.requiredSources)
        )
        yield* log.warn("source missing", { source: source.name, required: isRequired(source.name) })
        return undefined
      }
      const dating = datedExtract(source.name, located)
      const age = daysBetween(dating.date, asOf)
      if (age > config.freshnessWarnDays) {
        yield* log.warn("stale extract", {
          source: source.name,
          age_days: age,
          warn_after_days: config.freshnessWarnDays,
          extract_date: dating.date,
          extract_date_from: dating.from
        })
      }
      const progress = yield* Progress
      const readers = yield* ExtractReaders
      const summary = yield* progress.track(`read ${source.name}`, located.bytes, (onProgress) =>
        readExtract<Row, E | PublicationError, R | FileSystem>({
          source,
          file: located.realFile,
          onAccepted,
          onQuarantined: writeQuarantine(source.name),
          asOf,
          onProgress,
          reader: readers.batches
        })
      )
      const viaLink = located.isLink ? `read through a link to ${located.realFile}` : undefined
      record(source.name, file, "loaded", dating, summary, viaLink)
      yield* log.info("source read", {
        source: source.name,
        read: summary.rowsRead,
        accepted: summary.rowsAccepted,
        quarantined: summary.rowsQuarantined
      })
      return summary
    }).pipe(
      Effect.catchIf(
        (error): error is SourceFileError => error instanceof SourceFileError,
        (error) =>
          Effect.gen(function* () {
            // Named as the inbox names it, even when a link was followed.
            const file = fileOf(source.name)
            record(source.name, file, "failed", statedDate(source.name), undefined, `${file} ${error.message}`)
            if (error.nextAction !== undefined) nextActions.set(source.name, error.nextAction)
            yield* (yield* RunLog).warn("source failed", { source: source.name, required: isRequired(source.name) })
            return undefined
          })
      )
    )

  /**
   * Starts reading these sources now, in the reader threads, for `read` to
   * take up in this order. Scoped: reads not taken up by the end are stopped.
   * A source whose file is missing or refused is left for `read` to report.
   */
  const prefetch = (sources: ReadonlyArray<ExtractSource<unknown>>) =>
    Effect.gen(function* () {
      const requests: Array<ExtractRequest> = []
      for (const source of sources) {
        const located = yield* locateExtract(inbox, source.name).pipe(Effect.orElseSucceed(() => undefined))
        if (located !== undefined) requests.push({ source, file: located.realFile, asOf, bytes: located.bytes })
      }
      yield* (yield* ExtractReaders).prefetch(requests)
    })

  /** Reads a small reference source whole (practices, postcode lookup, opt-outs). */
  const collect = <Row>(source: ExtractSource<Row>) =>
    Effect.gen(function* () {
      const rows: Array<NumberedRow<Row>> = []
      yield* read(source, (batch) => Effect.sync(() => void rows.push(...batch)))
      return rows
    })

  /**
   * Before any stage: a required source whose file is not in the inbox fails
   * the run now, recorded as missing, rather than after every other stage.
   * A file that is there but refused (a link out of the inbox) is judged when read.
   */
  const failIfRequiredMissing = () =>
    Effect.gen(function* () {
      for (const source of config.requiredSources) {
        const located = yield* locateExtract(inbox, source).pipe(Effect.orElseSucceed(() => null))
        if (located === undefined) {
          record(
            source,
            fileOf(source),
            "missing",
            statedDate(source),
            undefined,
            missingMessage(fileOf(source), source, config.requiredSources)
          )
        }
      }
      return yield* requiredSourceFailure(inputs, nextActions)
    })
  const failIfRequiredFailed = () => requiredSourceFailure(inputs, nextActions)
  const failIfStale = () => staleSourceFailure(inputs, config)
  const failIfAboveThreshold = () => quarantineFailure(inputs, config)
  const failIfVolumeChanged = (baseline: VolumeBaseline | undefined, accepted: ReadonlySet<string>) =>
    volumeFailure(inputs, baseline, config, accepted)

  return {
    prefetch,
    read,
    collect,
    failIfRequiredMissing,
    failIfRequiredFailed,
    failIfAboveThreshold,
    failIfStale,
    failIfVolumeChanged
  }
}
