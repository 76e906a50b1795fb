/**
 * `wsd validate --inbox DIR`: checks a night's extracts against the contract
 * without publishing anything: per source, what would be accepted and
 * quarantined and why, and whether the run would fail.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Layer } from "effect"
import { SOURCES } from "../../schemas/sourceCatalogue.js"
import type { ExtractSource } from "../../schemas/extractSource.js"
import type { InputLineage } from "../governance/lineage.js"
import { loadRunConfig } from "../nightly/runConfig.js"
import { FileSystem } from "../services/fileSystem.js"
import { ExtractReaders } from "./extractReaders.js"
import { Progress } from "../services/progress.js"
import { RunLog } from "../services/runLog.js"
import { requireInbox, sourceReader } from "./sourceReader.js"

export const validateInbox = (options: {
  readonly inbox: string
  readonly asOf: string
  readonly configFile?: string | undefined
}) =>
  Effect.gen(function* () {
    yield* requireInbox(options.inbox)
    const config = yield* loadRunConfig(options.configFile)
    const inputs: Array<InputLineage> = []
    // Quarantined rows carry identifiers: they go to a private scratch folder, removed afterwards.
    const scratch = yield* Effect.acquireRelease(
      Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "wsd-validate-"))),
      (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
    )
    const reader = sourceReader({ inbox: options.inbox, quarantineDir: scratch, config, asOf: options.asOf, inputs })
    for (const source of Object.values<ExtractSource<unknown>>(SOURCES)) yield* reader.read(source, () => Effect.void)
    const verdict = yield* Effect.all([
      reader.failIfRequiredFailed(),
      reader.failIfStale(),
      reader.failIfAboveThreshold()
    ]).pipe(
      Effect.as(undefined),
      Effect.catchTag("DataFailure", (failure) => Effect.succeed(failure))
    )
    return { inputs, verdict }
  }).pipe(
    Effect.scoped,
    Effect.provide(
      Layer.mergeAll(RunLog.memory([]), Progress.none, FileSystem.layer(os.tmpdir()), ExtractReaders.layer)
    )
  )

/** The report a partner manager reads: one line per source, then its quarantine reasons. */
export const formatValidation = (inputs: ReadonlyArray<InputLineage>): string =>
  inputs
    .map((input) => {
      const head = `${input.source.padEnd(22)} ${input.status.padEnd(7)} read ${input.rows_read}, would accept ${input.rows_accepted}, would quarantine ${input.rows_quarantined}`
      const reasons = Object.entries(input.quarantine_reasons).map(([reason, rows]) => `    ${reason}: ${rows}`)
      return [head, ...(input.message === null ? [] : [`    ${input.message}`]), ...reasons].join("\n")
    })
    .join("\n")
