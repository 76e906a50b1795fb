/**
 * `wsd lineage verify`: proves the lineage has not been altered and that every
 * published file is the one the run recorded. A chain must link entry to
 * entry from the genesis hash and each entry's hash must match its content.
 * The release's copy holds the published view of each entry
 * (`pipelines/governance/publishedLineage.ts`) with the exact entry's hashes: it must
 * link the same way, each view must match its view hash, and its last
 * entry's signature must verify; where the state area can be read, its
 * entries must be the start of the state area's log (which goes on with later
 * extracts and failed runs), each view the view of the exact entry at its
 * place, and the log must still hold every head in `heads.jsonl`, each
 * signature verifying; `--out` must point at
 * the release of the last run the log records as published; each output of
 * the run that made the current release must match its recorded SHA-256.
 * Given a head IG kept (`--expect-head`), the chain must extend it. The first
 * failure is named.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect, Schema } from "effect"
import { DataFailure, UsageError } from "../errors.js"
import {
  type ChainHead,
  chainBreaksHead,
  describeHead,
  headSignature,
  lineageKeyFingerprint
} from "../../transforms/chainHead.js"
import { parseJsonLines } from "../../transforms/jsonLines.js"
import { type PublishedEntry, publishedChain, publishedChainBreaks, type PublishedRun } from "./publishedLineage.js"
import {
  type AnyEntry,
  type ChainEntry,
  chainFile,
  describeEntry,
  entryHash,
  extractsOf,
  GENESIS,
  headsFile,
  type OutputLineage,
  partialFileOf,
  RELEASE_CHAIN,
  releaseRunFile,
  releaseRunText,
  runsOf,
  undelivered
} from "./lineage.js"
import { type FoundLog, findLog, problemOf } from "./lineageLog.js"
import { sha256OfFile } from "../services/fileDigest.js"
import { isReleaseFile, publishedWarehouse } from "../warehouse/engines.js"
import { filesOfRelease, publicationArea } from "../services/publication.js"
import {
  MANIFEST_FILE,
  manifestBreaksLineage,
  ReleaseManifest,
  releaseBreaksManifest,
  type Vouched
} from "../../transforms/releaseManifest.js"

export interface Verification {
  readonly entries: number
  readonly files: number
  /** Whether the release has a manifest (runs before manifests have their recorded outputs checked only). */
  readonly manifest: boolean
  readonly runId: string
  /** The kept head the chain was shown to extend, and its signing key's fingerprint (null: unsigned). */
  readonly keptHead: { readonly head: ChainHead; readonly signer: string | null } | undefined
  /**
   * The release's copy: whether its views were compared with the state
   * area's exact entries (false: the state area could not be read), and the
   * fingerprint of the key its signature verifies with (null: unsigned).
   */
  readonly publishedCopy: { readonly compared: boolean; readonly signer: string | null }
}

const altered = (message: string) =>
  new DataFailure({
    message,
    nextAction: "treat this publication as altered: restore it from a trusted copy and tell information governance"
  })

/** A chain file's entries, failing on a damaged line or a torn append; `label` says which copy in messages. */
const readLog = <E extends AnyEntry>(file: string, label: string) =>
  Effect.gen(function* () {
    const log = yield* Effect.try({
      try: () => parseJsonLines<E>(fs.readFileSync(file, "utf8")),
      catch: () => new UsageError({ message: `${file} cannot be read`, nextAction: "pass the --out folder of a run" })
    })
    if (log.corruptLine !== undefined) return yield* altered(`${label} entry ${log.corruptLine} is not valid JSON`)
    if (log.tornBytes > 0) {
      return yield* new DataFailure({
        message: `${label} ends in a torn append: its last line (${log.tornBytes} bytes, after entry ${log.values.length}) was cut mid-write, as a process stopped while appending leaves it`,
        nextAction:
          "the next `wsd run` cuts the line off and records the repair in lineage; if no run or extract was stopped while writing, tell information governance"
      })
    }
    return log.values
  })

const unlinked = (label: string, index: number, entry: AnyEntry) =>
  altered(
    `${label} entry ${index} (${describeEntry(entry)}) does not follow the entry before it: an entry was removed, added or reordered`
  )
const changed = (label: string, index: number, entry: AnyEntry) =>
  altered(`${label} entry ${index} (${describeEntry(entry)}) has been altered: its content no longer matches its hash`)

/** Checks the state area's chain entry by entry. */
const verifyChain = (file: string, label: string) =>
  Effect.gen(function* () {
    const entries = yield* readLog<ChainEntry>(file, label)
    let previous = GENESIS
    for (const [index, entry] of entries.entries()) {
      if (entry.previous_sha256 !== previous) return yield* unlinked(label, index + 1, entry)
      if (entryHash(previous, entry) !== entry.sha256) return yield* changed(label, index + 1, entry)
      previous = entry.sha256
    }
    return entries
  })

/**
 * Checks a release's copy on its own: its entries link by the exact entries'
 * hashes, each view matches its view hash, and its last entry's signature
 * verifies. Returns the entries and the signing key's fingerprint (null: unsigned).
 */
const verifyPublishedCopy = (file: string, label: string) =>
  Effect.gen(function* () {
    const entries = yield* readLog<PublishedEntry>(file, label)
    const broken = publishedChainBreaks(entries)
    if (broken !== undefined) {
      const entry = entries[broken.index - 1]!
      if (broken.problem === "unlinked") return yield* unlinked(label, broken.index, entry)
      if (broken.problem === "altered") return yield* changed(label, broken.index, entry)
      return yield* altered(
        `${label} entry ${broken.index} (${describeEntry(entry)}) carries a signature that does not verify with its public key: the copy was edited or cut back and signed again`
      )
    }
    const publicKey = entries.at(-1)?.public_key
    return { entries, signer: publicKey == null ? null : lineageKeyFingerprint(publicKey) }
  })

/**
 * The release's copy against the state area's chain: the same entries, by
 * their exact hashes, each view the published view of the exact entry at its
 * place, and signed with the key of the state area's head for its last entry.
 */
const verifyAgainstState = (
  published: ReadonlyArray<PublishedEntry>,
  state: ReadonlyArray<ChainEntry>,
  found: FoundLog
) =>
  Effect.gen(function* () {
    const diverging = published.findIndex((entry, index) => state[index]?.sha256 !== entry.sha256)
    if (diverging >= 0) {
      return yield* altered(
        `published lineage entry ${diverging + 1} (${describeEntry(published[diverging]!)}) differs from the lineage log's`
      )
    }
    const views = publishedChain(state.slice(0, published.length), undefined)
    const edited = published.findIndex((entry, index) => entry.view_sha256 !== views[index]!.view_sha256)
    if (edited >= 0) {
      return yield* altered(
        `published lineage entry ${edited + 1} (${describeEntry(published[edited]!)}) is not the published view of the lineage log's entry ${edited + 1}: it was edited`
      )
    }
    const head = found.heads?.values.find((head) => head.index === published.length)
    if (head?.public_key != null && published.at(-1)!.public_key !== head.public_key) {
      return yield* altered(
        `published lineage entry ${published.length} is not signed with lineage key ${lineageKeyFingerprint(head.public_key)}, as the lineage log's head for it is: its signature was removed or replaced`
      )
    }
  })

/** A head as `wsd lineage head` printed it, kept by information governance. */
const readKeptHead = (file: string) =>
  Effect.try({
    try: () => {
      const head = JSON.parse(fs.readFileSync(file, "utf8")) as ChainHead
      if (!Number.isInteger(head.index) || head.index < 1 || typeof head.sha256 !== "string") throw new Error()
      return head
    },
    catch: () =>
      new UsageError({
        message: `${file} is not a head printed by \`wsd lineage head\``,
        nextAction: "pass the file the head was kept in, as printed"
      })
  })

/**
 * Checks the state area's heads: each signature, and that the chain still
 * holds every head's entry (the same check a run makes against the last).
 */
const verifyHeads = (found: FoundLog, file: string) =>
  Effect.gen(function* () {
    for (const [index, head] of (found.heads?.values ?? []).entries()) {
      if (headSignature(head) === "invalid") {
        return yield* altered(
          `signed head ${index + 1} in ${file} (${describeHead(head)}) does not verify with its public key: the heads were edited`
        )
      }
    }
    const problem = problemOf(found)
    if (problem !== undefined) return yield* altered(`the lineage log ${problem}`)
  })

/** Proves the chain (the state area's when readable, else the release's copy) extends the head IG kept. */
const verifyKeptHead = (file: string, chain: ReadonlyArray<AnyEntry>, found: FoundLog | undefined) =>
  Effect.gen(function* () {
    const kept = yield* readKeptHead(file)
    const signature = headSignature(kept)
    if (signature === "invalid") {
      return yield* altered(
        `the kept head ${file} does not verify with its public key: it was edited after it was kept`
      )
    }
    if (found === undefined && kept.index > chain.length) {
      return yield* new UsageError({
        message: `the kept head is ${describeHead(kept)}, beyond this release's copy of the chain (${chain.length} entries)`,
        nextAction: "verify as the user who runs wsd, where the state area's lineage log can be read"
      })
    }
    if (found !== undefined && found.chain === undefined) {
      return yield* altered(
        `the lineage log is missing, but the kept head is ${describeHead(kept)}: the chain was deleted`
      )
    }
    const problem = chainBreaksHead(chain, kept, "the kept head")
    if (problem !== undefined) return yield* altered(`the lineage log ${problem}`)
    const signer = kept.public_key === null ? null : lineageKeyFingerprint(kept.public_key)
    const lastSigner = found?.heads?.values.at(-1)?.public_key
    if (signer !== null && lastSigner != null && lineageKeyFingerprint(lastSigner) !== signer) {
      return yield* altered(
        `the lineage log's last head is signed with lineage key ${lineageKeyFingerprint(lastSigner)}, not the kept head's key ${signer}: its heads were signed again with another key`
      )
    }
    return { head: kept, signer }
  })

/** The SHA-256 of a file of the release. */
const digestOf = (release: string, file: string) =>
  Effect.tryPromise({
    try: () => sha256OfFile(path.join(release, file)),
    catch: () => new UsageError({ message: `cannot read published file ${file}`, nextAction: "check its permissions" })
  })

/** Each output against the digest the run recorded: a warehouse by its engine's digest of its content. */
const verifyOutputs = (
  release: string,
  runId: string,
  outputs: ReadonlyArray<Pick<OutputLineage, "path" | "sha256">>
) =>
  Effect.forEach(outputs, (output) =>
    Effect.gen(function* () {
      const warehouse = publishedWarehouse(release, output.path)
      if (warehouse === undefined && !fs.existsSync(path.join(release, output.path))) {
        return yield* altered(`published file ${output.path} is missing`)
      }
      const digest =
        warehouse === undefined
          ? yield* digestOf(release, output.path)
          : yield* Effect.tryPromise({
              try: () => warehouse.contentDigest(undefined),
              catch: (cause) => new UsageError(warehouse.failure("read the published warehouse", cause))
            })
      if (digest !== output.sha256) {
        const what = warehouse === undefined ? "file" : "warehouse"
        return yield* altered(`published ${what} ${output.path} has changed since run ${runId} recorded it`)
      }
    })
  )

/**
 * The release against its manifest (no file added, missing or changed), the
 * manifest against the run's lineage entry, and the release's copy of that
 * entry against the chain; a warehouse that is not a file of the release (on
 * PostgreSQL) by its digest. A release of a run from before manifests has its
 * recorded outputs checked only. Returns how many files were checked.
 */
const verifyRelease = (release: string, entry: PublishedEntry & { readonly run: PublishedRun }) =>
  Effect.gen(function* () {
    const { run } = entry
    const runId = run.run_id
    if (run.evidence === undefined) {
      yield* verifyOutputs(release, runId, run.outputs)
      return { files: run.outputs.length, manifest: false }
    }
    const manifest = yield* readManifest(release, runId)
    const found = new Map<string, string>()
    for (const file of filesOfRelease(release).filter((file) => file !== MANIFEST_FILE)) {
      found.set(file, yield* digestOf(release, file))
    }
    const vouched: Vouched = new Map<string, string | "chain">([
      ...run.outputs.flatMap((output) =>
        isReleaseFile(output.path) && output.sha256 !== null ? [[output.path, output.sha256] as const] : []
      ),
      ...run.evidence.map((file) => [file.path, file.sha256] as const),
      [releaseRunFile(runId), "chain"],
      [RELEASE_CHAIN, "chain"]
    ])
    const problem = releaseBreaksManifest(manifest, found, runId) ?? manifestBreaksLineage(manifest, vouched, runId)
    if (problem !== undefined) return yield* altered(problem)
    if (fs.readFileSync(path.join(release, releaseRunFile(runId)), "utf8") !== releaseRunText(entry)) {
      return yield* altered(
        `${releaseRunFile(runId)} is not run ${runId}'s entry in the published lineage: it was edited`
      )
    }
    yield* verifyOutputs(
      release,
      runId,
      run.outputs.filter((output) => !isReleaseFile(output.path))
    )
    return { files: found.size + 1, manifest: true }
  })

const readManifest = (release: string, runId: string) =>
  Effect.gen(function* () {
    const file = path.join(release, MANIFEST_FILE)
    if (!fs.existsSync(file)) {
      return yield* altered(
        `the release's ${MANIFEST_FILE} is missing, though run ${runId} sealed the release with one`
      )
    }
    return yield* Effect.try({
      try: () => JSON.parse(fs.readFileSync(file, "utf8")) as unknown,
      catch: () => altered(`the release's ${MANIFEST_FILE} is not valid JSON: it was edited or damaged`)
    }).pipe(
      Effect.flatMap(decodeManifest),
      Effect.mapError((error) =>
        error instanceof DataFailure
          ? error
          : altered(`the release's ${MANIFEST_FILE} is not a manifest: it was edited`)
      )
    )
  })

const decodeManifest = Schema.decodeUnknownEffect(ReleaseManifest)

export const verifyPublication = (out: string, expectHead?: string) =>
  Effect.gen(function* () {
    const release = yield* Effect.try({
      try: () => fs.realpathSync(out),
      catch: () =>
        new UsageError({ message: `${out} is not a publication`, nextAction: "pass the --out folder of a run" })
    })
    const copy = yield* verifyPublishedCopy(path.join(release, RELEASE_CHAIN), "published lineage")
    const published = copy.entries

    // The state area is owner-only: a reviewer without access verifies the published copy alone.
    const area = publicationArea(out)
    const stateChain = chainFile(area.lineageDir)
    const found = fs.existsSync(area.lineageDir) ? findLog(area) : undefined
    let chain: ReadonlyArray<AnyEntry> = published
    if (found !== undefined) {
      yield* verifyHeads(found, headsFile(area.lineageDir))
      if (found.chain !== undefined) {
        const state = yield* verifyChain(stateChain, "lineage log")
        yield* verifyAgainstState(published, state, found)
        chain = state
      }
    }
    const keptHead = expectHead === undefined ? undefined : yield* verifyKeptHead(expectHead, chain, found)
    // Its partial file is there only while a recorded extract's delivery is unfinished.
    const unfinished = extractsOf(chain).find((extract) => fs.existsSync(partialFileOf(extract)))
    if (unfinished !== undefined) {
      return yield* new DataFailure({
        message: `${undelivered(unfinished)}: the command writing it was stopped, and its partial file ${partialFileOf(unfinished)} is still there`,
        nextAction:
          "the next `wsd run`, `extract` or `reidentify` removes the partial file and records it in lineage; take the extract again if it is still needed"
      })
    }

    // The release names the run that made it in lineage/runs/<run_id>.json; a file planted beside
    // it names no published run, and the manifest names it below.
    const publishedRuns = new Set(
      runsOf(published)
        .filter((run) => run.status === "succeeded")
        .map((run) => run.run_id)
    )
    const runFiles = fs.existsSync(path.join(release, "lineage", "runs"))
      ? fs
          .readdirSync(path.join(release, "lineage", "runs"))
          .map((file) => file.replace(/\.json$/, ""))
          .filter((id) => publishedRuns.has(id))
      : []
    const runId = runFiles.length === 1 ? runFiles[0]! : path.basename(release)
    const publishing = published.find(
      (entry): entry is PublishedEntry & { readonly run: PublishedRun } =>
        "run" in entry && entry.run.run_id === runId && entry.run.status === "succeeded"
    )
    if (publishing === undefined)
      return yield* altered(`the lineage has no record of run ${runId}, which made this publication`)
    const lastPublished = runsOf(chain)
      .filter((run) => run.status === "succeeded")
      .at(-1)
    if (lastPublished !== undefined && lastPublished.run_id !== runId) {
      return yield* altered(
        `${out} points at release ${runId}, older than run ${lastPublished.run_id}, the last run the lineage log records as published: the publication was rolled back`
      )
    }
    const { files, manifest } = yield* verifyRelease(release, publishing)
    return {
      entries: chain.length,
      files,
      manifest,
      runId,
      keptHead,
      publishedCopy: { compared: chain !== published, signer: copy.signer }
    } satisfies Verification
  })
