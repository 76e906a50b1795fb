/**
 * `wsd lineage verify`: proves the published lineage has not been altered and
 * that every published file is the one the run recorded. The chain must link
 * entry to entry from the genesis hash, each entry's hash must match its
 * content, and each output of the run that made the current release must match
 * its recorded SHA-256. The first failure is named.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { DataFailure, UsageError } from "./errors.js"
import { type ChainEntry, entryHash, GENESIS, sha256OfFile } from "./lineage.js"

export interface Verification {
  readonly entries: number
  readonly files: number
  readonly runId: string
}

export const verifyPublication = (out: string) =>
  Effect.gen(function* () {
    const release = yield* Effect.try({
      try: () => fs.realpathSync(out),
      catch: () =>
        new UsageError({ message: `${out} is not a publication`, nextAction: "pass the --out folder of a run" })
    })
    const chainPath = path.join(release, "lineage", "chain.jsonl")
    const lines = yield* Effect.try({
      try: () =>
        fs
          .readFileSync(chainPath, "utf8")
          .split("\n")
          .filter((line) => line.length > 0),
      catch: () =>
        new UsageError({ message: `${chainPath} cannot be read`, nextAction: "pass the --out folder of a run" })
    })
    const failure = (message: string) =>
      new DataFailure({
        message,
        nextAction: "treat this publication as altered: restore it from a trusted copy and tell information governance"
      })

    let previous = GENESIS
    const entries: Array<ChainEntry> = []
    for (const [index, line] of lines.entries()) {
      const entry = yield* Effect.try({
        try: () => JSON.parse(line) as ChainEntry,
        catch: () => failure(`lineage entry ${index + 1} is not valid JSON`)
      })
      if (entry.previous_sha256 !== previous) {
        return yield* failure(
          `lineage entry ${index + 1} (run ${entry.run?.run_id}) does not follow the entry before it: an entry was removed, added or reordered`
        )
      }
      if (entryHash(previous, entry.run) !== entry.sha256) {
        return yield* failure(
          `lineage entry ${index + 1} (run ${entry.run?.run_id}) has been altered: its content no longer matches its hash`
        )
      }
      previous = entry.sha256
      entries.push(entry)
    }

    // The release names the run that made it in lineage/runs/<run_id>.json.
    const runFiles = fs.existsSync(path.join(release, "lineage", "runs"))
      ? fs.readdirSync(path.join(release, "lineage", "runs"))
      : []
    const runId = runFiles.length === 1 ? runFiles[0]!.replace(/\.json$/, "") : path.basename(release)
    const publishing = entries.find((entry) => entry.run.run_id === runId && entry.run.status === "succeeded")
    if (publishing === undefined)
      return yield* failure(`the lineage has no record of run ${runId}, which made this publication`)
    for (const output of publishing.run.outputs) {
      const file = path.join(release, output.path)
      if (!fs.existsSync(file)) return yield* failure(`published file ${output.path} is missing`)
      if ((yield* Effect.promise(() => sha256OfFile(file))) !== output.sha256) {
        return yield* failure(`published file ${output.path} has changed since run ${runId} recorded it`)
      }
    }
    return { entries: entries.length, files: publishing.run.outputs.length, runId } satisfies Verification
  })
