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
import { loadRunConfig, type RunConfig } from "../nightly/runConfig.js"
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
    return { inputs, verdict, config }
  }).pipe(
    Effect.scoped,
    Effect.provide(
      Layer.mergeAll(RunLog.memory([]), Progress.none, FileSystem.layer(os.tmpdir()), ExtractReaders.layer)
    )
  )

/** A source's extract older than the warning limit, as a run would warn of it. */
const staleLine = (input: InputLineage, config: RunConfig): ReadonlyArray<string> =>
  input.age_days === null || input.age_days <= config.freshnessWarnDays
    ? []
    : [
        `    stale: extract of ${input.extract_date} (${
          input.extract_date_from === "file_modified" ? "its file's modification date" : "extractDates"
        }), ${input.age_days} days old (a warning after ${config.freshnessWarnDays} days; a required source fails after ${config.freshnessFailDays})`
      ]

/** The report a partner manager reads: one line per source, then its quarantine reasons and staleness. */
export const formatValidation = (inputs: ReadonlyArray<InputLineage>, config: RunConfig): string =>
  inputs
    .map((input) => {
      const head = `${input.source.padEnd(22)} ${input.status.padEnd(7)} read ${input.rows_read}, would accept ${input.rows_accepted}, would quarantine ${input.rows_quarantined}`
      const reasons = Object.entries(input.quarantine_reasons).map(([reason, rows]) => `    ${reason}: ${rows}`)
      return [
        head,
        ...(input.message === null ? [] : [`    ${input.message}`]),
        ...reasons,
        ...staleLine(input, config)
      ].join("\n")
    })
    .join("\n")
