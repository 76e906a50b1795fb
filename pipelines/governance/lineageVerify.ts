/**
 * `wsd lineage verify`: proves the lineage has not been altered and that every
 * published file is the one the run recorded. A chain must link entry to
 * entry from the genesis hash and each entry's hash must match its content;
 * the release's copy of the chain must be the start of the state area's log
 * (which goes on with later extracts and failed runs); each output of the run
 * that made the current release must match its recorded SHA-256. The first
 * failure is named.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { DataFailure, UsageError } from "../errors.js"
import { type ChainEntry, describeEntry, entryHash, GENESIS, runsOf } from "./lineage.js"
import { sha256OfFile } from "../services/fileDigest.js"
import { publishedWarehouse } from "../warehouse/engines.js"
import { publicationArea } from "../services/publication.js"

export interface Verification {
  readonly entries: number
  readonly files: number
  readonly runId: string
}

const altered = (message: string) =>
  new DataFailure({
    message,
    nextAction: "treat this publication as altered: restore it from a trusted copy and tell information governance"
  })

/** Checks one chain file entry by entry; `label` says which copy in messages. */
const verifyChain = (file: string, label: string) =>
  Effect.gen(function* () {
    const lines = yield* Effect.try({
      try: () =>
        fs
          .readFileSync(file, "utf8")
          .split("\n")
          .filter((line) => line.length > 0),
      catch: () => new UsageError({ message: `${file} cannot be read`, nextAction: "pass the --out folder of a run" })
    })
    let previous = GENESIS
    const entries: Array<ChainEntry> = []
    for (const [index, line] of lines.entries()) {
      const entry = yield* Effect.try({
        try: () => JSON.parse(line) as ChainEntry,
        catch: () => altered(`${label} entry ${index + 1} is not valid JSON`)
      })
      if (entry.previous_sha256 !== previous) {
        return yield* altered(
          `${label} entry ${index + 1} (${describeEntry(entry)}) does not follow the entry before it: an entry was removed, added or reordered`
        )
      }
      if (entryHash(previous, entry) !== entry.sha256) {
        return yield* altered(
          `${label} entry ${index + 1} (${describeEntry(entry)}) has been altered: its content no longer matches its hash`
        )
      }
      previous = entry.sha256
      entries.push(entry)
    }
    return entries
  })

export const verifyPublication = (out: string) =>
  Effect.gen(function* () {
    const release = yield* Effect.try({
      try: () => fs.realpathSync(out),
      catch: () =>
        new UsageError({ message: `${out} is not a publication`, nextAction: "pass the --out folder of a run" })
    })
    const published = yield* verifyChain(path.join(release, "lineage", "chain.jsonl"), "published lineage")

    // The state area is owner-only: a reviewer without access verifies the published copy alone.
    const stateChain = path.join(publicationArea(out).lineageDir, "chain.jsonl")
    let entries = published.length
    if (fs.existsSync(stateChain)) {
      const state = yield* verifyChain(stateChain, "lineage log")
      const diverging = published.findIndex((entry, index) => state[index]?.sha256 !== entry.sha256)
      if (diverging >= 0) {
        return yield* altered(
          `published lineage entry ${diverging + 1} (${describeEntry(published[diverging]!)}) differs from the lineage log's`
        )
      }
      entries = state.length
    }

    // The release names the run that made it in lineage/runs/<run_id>.json.
    const runFiles = fs.existsSync(path.join(release, "lineage", "runs"))
      ? fs.readdirSync(path.join(release, "lineage", "runs"))
      : []
    const runId = runFiles.length === 1 ? runFiles[0]!.replace(/\.json$/, "") : path.basename(release)
    const publishing = runsOf(published).find((run) => run.run_id === runId && run.status === "succeeded")
    if (publishing === undefined)
      return yield* altered(`the lineage has no record of run ${runId}, which made this publication`)
    for (const output of publishing.outputs) {
      // A warehouse is checked by its engine's digest of its content: a PostgreSQL schema is not a file.
      const warehouse = publishedWarehouse(release, output.path)
      const file = path.join(release, output.path)
      if (warehouse === undefined && !fs.existsSync(file)) {
        return yield* altered(`published file ${output.path} is missing`)
      }
      const digest = yield* Effect.tryPromise({
        try: () => (warehouse === undefined ? sha256OfFile(file) : warehouse.contentDigest(undefined)),
        catch: (cause) =>
          warehouse === undefined
            ? new UsageError({
                message: `cannot read published file ${output.path}`,
                nextAction: "check its permissions"
              })
            : new UsageError(warehouse.failure("read the published warehouse", cause))
      })
      if (digest !== output.sha256) {
        const what = warehouse === undefined ? "file" : "warehouse"
        return yield* altered(`published ${what} ${output.path} has changed since run ${runId} recorded it`)
      }
    }
    return { entries, files: publishing.outputs.length, runId } satisfies Verification
  })
