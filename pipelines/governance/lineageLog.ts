/**
 * The lineage log as a service: the hash-chained entries of the state area
 * (`.<out>.wsd/lineage/chain.jsonl`) that a run reads (the last run's key,
 * the earlier runs it tables) and appends to. The test layer keeps the chain
 * in memory, hashed the same way, so a step's lineage is checked without files.
 */
import * as fs from "node:fs"
import { Context, Effect, Layer, Ref } from "effect"
import type { PublicationError } from "../errors.js"
import { FileSystem } from "../services/fileSystem.js"
import { appendToChain, type ChainEntry, type ChainRecord, chainEntry, chainFile, readChain } from "./lineage.js"

export interface LineageLogService {
  /** Every entry, oldest first. */
  readonly entries: Effect.Effect<ReadonlyArray<ChainEntry>>
  /** Appends a run or an extract, durably, and returns its entry. */
  readonly append: (record: ChainRecord) => Effect.Effect<ChainEntry, PublicationError>
  /** Writes the whole chain to `file`, for a release. */
  readonly copyTo: (file: string) => Effect.Effect<void, PublicationError>
}

export class LineageLog extends Context.Service<LineageLog, LineageLogService>()(
  "wsd/pipelines/governance/LineageLog"
) {
  /** The chain in `lineageDir`. */
  static readonly layer = (lineageDir: string) =>
    Layer.effect(
      LineageLog,
      Effect.gen(function* () {
        const files = yield* FileSystem
        return LineageLog.of({
          entries: Effect.sync(() => readChain(lineageDir)),
          append: (record) => appendToChain(lineageDir, record),
          copyTo: (file) => files.copyFile(chainFile(lineageDir), file)
        })
      })
    )

  /** A chain in memory, starting with `entries`. */
  static readonly layerTest = (entries: ReadonlyArray<ChainEntry> = []) =>
    Layer.effect(
      LineageLog,
      Effect.map(Ref.make(entries), (chain) =>
        LineageLog.of({
          entries: Ref.get(chain),
          append: (record) =>
            Ref.modify(chain, (current) => {
              const entry = chainEntry(current.at(-1), record)
              return [entry, [...current, entry]]
            }),
          copyTo: (file) =>
            Effect.flatMap(Ref.get(chain), (current) =>
              Effect.sync(() => fs.writeFileSync(file, current.map((entry) => `${JSON.stringify(entry)}\n`).join("")))
            )
        })
      )
    )
}
