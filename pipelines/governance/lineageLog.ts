/**
 * The lineage log as a service: the hash-chained entries of the state area
 * (`.<out>.wsd/lineage/chain.jsonl`) that a run reads (the last run's key,
 * the earlier runs it tables) and appends to, and after each entry its head
 * (`heads.jsonl`), signed when the writer was given the lineage signing key.
 *
 * Before a writer appends, under the publication's lock, it opens the log:
 * the chain is checked against its last head (or, with no heads yet, against
 * the current release's copy), so a chain deleted, cut back or rewritten is
 * refused rather than carried on from; `--reinitialise-lineage` starts it
 * again instead, recorded. A last line torn by a crash mid-append, beyond the
 * last head, is cut off and the repair recorded, and so is an extract whose
 * command was killed after recording it and before putting it in place. The test layer keeps the
 * chain and its heads in memory, hashed, signed and checked the same way.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Context, Effect, Layer, Ref } from "effect"
import {
  type ChainHead,
  chainBreaksHead,
  describeHead,
  type LineageSigningKey,
  lineageKeyFingerprint,
  signedHead
} from "../../transforms/chainHead.js"
import type { JsonLines } from "../../transforms/jsonLines.js"
import { type PublishedEntry, publishedChain } from "./publishedLineage.js"
import { type DataFailure, type PublicationError, UsageError } from "../errors.js"
import { appendWhole, writeFailure } from "../services/diskWrites.js"
import { FileSystem } from "../services/fileSystem.js"
import { loadLineageSigningKey } from "../services/lineageKey.js"
import { currentRelease, type PublicationArea } from "../services/publication.js"
import { RunLog } from "../services/runLog.js"
import {
  type AnyEntry,
  type ChainEntry,
  type ChainRecord,
  chainEntry,
  chainFile,
  extractsOf,
  headsFile,
  isoNow,
  lastPublishedOf,
  type LineageEvent,
  newSalt,
  operatorAndHost,
  partialFileOf,
  readChain,
  readJsonLines,
  RELEASE_CHAIN,
  runIdOf,
  undelivered
} from "./lineage.js"

export interface LineageLogService {
  /** Every entry, oldest first. */
  readonly entries: Effect.Effect<ReadonlyArray<ChainEntry>, DataFailure>
  /** Appends a run or an extract, durably, then its head; returns the entry. */
  readonly append: (record: ChainRecord) => Effect.Effect<ChainEntry, PublicationError>
  /**
   * Writes the whole chain's published view to `file`, for a release, its
   * last entry signed when the log's heads are; returns the entries written.
   */
  readonly publishTo: (file: string) => Effect.Effect<ReadonlyArray<PublishedEntry>, PublicationError | DataFailure>
  /**
   * Checks the log before `by` (a run id, or a command) appends to it, under
   * the lock: refuses a log deleted, cut back, rewritten or damaged unless
   * `reinitialise`, repairs a torn last line, removes what an extract recorded
   * but never put in place left under its partial name, records each.
   */
  readonly open: (by: string, reinitialise: boolean) => Effect.Effect<void, UsageError | PublicationError>
}

/** The log as a writer, or `verify`, finds it. */
export interface FoundLog {
  readonly chain: JsonLines<ChainEntry> | undefined
  readonly heads: JsonLines<ChainHead> | undefined
  /** With no heads yet, the current release's copy of the chain, which the chain must still begin with. */
  readonly release: { readonly runId: string; readonly entries: ReadonlyArray<PublishedEntry> } | undefined
}

/** The head after the last of `entries`, signed with `key` when there is one. */
export const headOf = (entries: ReadonlyArray<AnyEntry>, key: LineageSigningKey | undefined): ChainHead => {
  const last = entries.at(-1)!
  const published = lastPublishedOf(entries)
  return signedHead(
    {
      index: entries.length,
      sha256: last.sha256,
      run_id: runIdOf(last),
      published_run: published?.run_id ?? null,
      key_fingerprint: published?.key_fingerprint ?? null
    },
    key
  )
}

/** The log of `area` on disk, and the current release's copy of the chain. */
export const findLog = (area: PublicationArea): FoundLog => {
  const release = currentRelease(area)
  return {
    chain: readJsonLines<ChainEntry>(chainFile(area.lineageDir)),
    heads: readJsonLines<ChainHead>(headsFile(area.lineageDir)),
    release:
      release === undefined
        ? undefined
        : {
            runId: path.basename(release),
            entries: readJsonLines<PublishedEntry>(path.join(release, RELEASE_CHAIN))?.values ?? []
          }
  }
}

/**
 * What no crash explains, completing "the lineage log FILE …": the chain or its
 * heads edited, damaged, cut back or gone since the last head.
 */
export const problemOf = (found: FoundLog): string | undefined => {
  if (found.chain?.corruptLine !== undefined) {
    return `line ${found.chain.corruptLine} is not valid JSON: it was edited or damaged`
  }
  if (found.heads?.corruptLine !== undefined) {
    return `has heads (heads.jsonl) whose line ${found.heads.corruptLine} is not valid JSON: they were edited or damaged`
  }
  const lastHead = found.heads?.values.at(-1)
  const [witness, head] =
    lastHead !== undefined
      ? ["its last signed head", lastHead]
      : found.release !== undefined && found.release.entries.length > 0
        ? [`release ${found.release.runId}'s copy of it`, headOf(found.release.entries, undefined)]
        : [undefined, undefined]
  if (head === undefined) return undefined
  if (found.chain === undefined) return `is missing, but ${witness} is ${describeHead(head)}: the chain was deleted`
  return chainBreaksHead(found.chain.values, head, witness)
}

type Opening =
  | {
      readonly kind: "reinitialise"
      readonly finding: string
      readonly previousHead: ChainHead | null
      readonly published: LineageEvent["published"]
    }
  | {
      readonly kind: "repair"
      readonly torn: ReadonlyArray<{ readonly file: string; readonly keep: number; readonly bytes: number }>
    }

/** What opening the log found, and what to do about it; the refusals, as the person at the terminal reads them. */
const openingOf = (
  found: FoundLog,
  files: { readonly chain: string; readonly heads: string },
  reinitialise: boolean,
  key: LineageSigningKey | undefined
): Effect.Effect<Opening, UsageError> => {
  const problem = problemOf(found)
  const lastHead = found.heads?.values.at(-1)
  if (problem !== undefined) {
    if (!reinitialise) {
      return Effect.fail(
        new UsageError({
          message: `the lineage log ${files.chain} ${problem}`,
          nextAction:
            "run `wsd lineage verify --out` on the publication and tell information governance; restore the log and its heads from a backup, or start the log again with --reinitialise-lineage (recorded in lineage)"
        })
      )
    }
    const carried =
      lastHead !== undefined
        ? lastHead.published_run === null
          ? null
          : { run_id: lastHead.published_run, key_fingerprint: lastHead.key_fingerprint }
        : lastPublishedOf(found.release?.entries ?? [])
    return Effect.succeed({
      kind: "reinitialise",
      finding: problem,
      previousHead: lastHead ?? null,
      published: carried
    })
  }
  if (reinitialise) {
    return Effect.fail(
      new UsageError({
        message: `--reinitialise-lineage was given but the lineage log ${files.chain} still extends its last head: there is nothing to re-initialise`,
        nextAction: "run again without --reinitialise-lineage"
      })
    )
  }
  if (lastHead?.public_key != null && key === undefined) {
    return Effect.fail(
      new UsageError({
        message: `the lineage log ${files.chain} has heads signed with lineage key ${lineageKeyFingerprint(lastHead.public_key)}, and no signing key was given`,
        nextAction: "pass the lineage signing key with --lineage-key-file"
      })
    )
  }
  const torn = [
    { file: files.chain, log: found.chain },
    { file: files.heads, log: found.heads }
  ].flatMap(({ file, log }) =>
    log !== undefined && log.tornBytes > 0 ? [{ file, keep: log.completeBytes, bytes: log.tornBytes }] : []
  )
  return Effect.succeed({ kind: "repair", torn })
}

/** An event `by` records in the log, stamped with when, who and where. */
export const lineageEvent = (
  by: string,
  fields: Omit<LineageEvent, "at" | "operator" | "host" | "recorded_by">
): Effect.Effect<{ readonly event: LineageEvent }> =>
  Effect.map(isoNow, (at) => ({ event: { ...fields, at, ...operatorAndHost(), recorded_by: by } }))

const jsonLinesOf = (entries: ReadonlyArray<PublishedEntry>) =>
  entries.map((entry) => `${JSON.stringify(entry)}\n`).join("")

const tornFinding = (file: string, bytes: number) =>
  `${path.basename(file)} ended in a line cut mid-append (${bytes} bytes, a crash while appending); the line was cut off`

export class LineageLog extends Context.Service<LineageLog, LineageLogService>()(
  "wsd/pipelines/governance/LineageLog"
) {
  /** The log in the state area of `area`, its heads signed with the key in `signingKeyFile` when given. */
  static readonly layer = (area: PublicationArea, signingKeyFile: string | undefined) =>
    Layer.effect(
      LineageLog,
      Effect.gen(function* () {
        const files = yield* FileSystem
        const log = yield* RunLog
        const key = signingKeyFile === undefined ? undefined : yield* loadLineageSigningKey(signingKeyFile)
        const dir = area.lineageDir
        const chain = chainFile(dir)
        const heads = headsFile(dir)
        const append = (record: ChainRecord) =>
          Effect.gen(function* () {
            // Opened first, so the chain holds whole lines only.
            const entries = readJsonLines<ChainEntry>(chain)?.values ?? []
            const entry = chainEntry(entries.at(-1), record, newSalt())
            yield* Effect.try({
              try: () => appendWhole(chain, `${JSON.stringify(entry)}\n`, { durable: true }),
              catch: writeFailure(chain, area.stateDir)
            })
            // The entry is recorded once the chain has it: a head that cannot be written lags,
            // and the next entry's head vouches for this one too.
            yield* Effect.ignore(
              files.appendLines(heads, `${JSON.stringify(headOf([...entries, entry], key))}\n`, { durable: true })
            )
            return entry
          })
        // What opening the log finds is said to the person at the terminal as well as recorded.
        const record = (found: { readonly event: LineageEvent }) =>
          Effect.andThen(
            append(found),
            log.warn("lineage event recorded", { kind: found.event.kind, finding: found.event.finding })
          )
        return LineageLog.of({
          entries: readChain(dir),
          append,
          publishTo: (file) =>
            Effect.gen(function* () {
              const published = publishedChain(yield* readChain(dir), key)
              yield* files.writeFile(file, jsonLinesOf(published), 0o640)
              return published
            }),
          open: (by, reinitialise) =>
            Effect.gen(function* () {
              const opening = yield* openingOf(findLog(area), { chain, heads }, reinitialise, key)
              if (opening.kind === "reinitialise") {
                // Set aside, not removed: what is left of the old log is evidence too.
                const setAside = [chain, heads]
                  .filter((file) => fs.existsSync(file))
                  .map((file) => ({ file, to: file.replace(/\.jsonl$/, `.before-${by}.jsonl`) }))
                for (const { file, to } of setAside) yield* files.rename(file, to)
                yield* record(
                  yield* lineageEvent(by, {
                    kind: "reinitialised",
                    finding: opening.finding,
                    previous_head: opening.previousHead,
                    set_aside: setAside.map(({ to }) => path.basename(to)),
                    published: opening.published
                  })
                )
                return
              }
              for (const { bytes, file, keep } of opening.torn) {
                yield* Effect.try({ try: () => fs.truncateSync(file, keep), catch: writeFailure(file, area.stateDir) })
                yield* record(
                  yield* lineageEvent(by, {
                    kind: "torn_append_repaired",
                    finding: tornFinding(file, bytes),
                    file: path.basename(file),
                    bytes_removed: bytes
                  })
                )
              }
              // An extract recorded whose command stopped before putting it in place: what it left
              // under its partial name may hold identifiers, so it goes, and the entry is known unfulfilled.
              for (const extract of extractsOf(readJsonLines<ChainEntry>(chain)?.values ?? [])) {
                const partial = partialFileOf(extract)
                if (!fs.existsSync(partial)) continue
                // Recorded first: stopped in between, the next command finds the file and records it again.
                yield* record(
                  yield* lineageEvent(by, {
                    kind: "delivery_interrupted",
                    finding: `${undelivered(extract)}: the command writing it was stopped; its partial file ${partial} was removed`,
                    file: extract.path
                  })
                )
                yield* files.remove(partial)
              }
            })
        })
      })
    )

  /** A log in memory, starting with `entries` and `heads`, its heads signed with `key` when given. */
  static readonly layerTest = (
    entries: ReadonlyArray<ChainEntry> = [],
    options: { readonly heads?: ReadonlyArray<ChainHead>; readonly key?: LineageSigningKey } = {}
  ) =>
    Layer.effect(
      LineageLog,
      Effect.gen(function* () {
        const log = yield* Ref.make({ entries, heads: options.heads ?? [] })
        const append = (record: ChainRecord) =>
          Ref.modify(log, (current) => {
            const entry = chainEntry(current.entries.at(-1), record, newSalt())
            const chain = [...current.entries, entry]
            return [entry, { entries: chain, heads: [...current.heads, headOf(chain, options.key)] }]
          })
        const inMemory = (values: ReadonlyArray<unknown>) => ({
          values,
          completeBytes: 0,
          tornBytes: 0,
          corruptLine: undefined
        })
        return LineageLog.of({
          entries: Effect.map(Ref.get(log), (current) => current.entries),
          append,
          publishTo: (file) =>
            Effect.flatMap(Ref.get(log), (current) =>
              Effect.sync(() => {
                const published = publishedChain(current.entries, options.key)
                fs.writeFileSync(file, jsonLinesOf(published))
                return published
              })
            ),
          open: (by, reinitialise) =>
            Effect.gen(function* () {
              const current = yield* Ref.get(log)
              const opening = yield* openingOf(
                {
                  chain:
                    current.entries.length === 0 ? undefined : (inMemory(current.entries) as JsonLines<ChainEntry>),
                  heads: inMemory(current.heads) as JsonLines<ChainHead>,
                  release: undefined
                },
                { chain: "(in memory)", heads: "(in memory)" },
                reinitialise,
                options.key
              )
              if (opening.kind === "reinitialise") {
                yield* Ref.set(log, { entries: [], heads: [] })
                yield* append(
                  yield* lineageEvent(by, {
                    kind: "reinitialised",
                    finding: opening.finding,
                    previous_head: opening.previousHead,
                    set_aside: [],
                    published: opening.published
                  })
                )
              }
            })
        })
      })
    )
}
