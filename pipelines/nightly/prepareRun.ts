/**
 * The first step of a run: everything it needs before reading a row, checked
 * so that a usage problem fails the run before it takes the lock (the
 * configuration, the as-of date, the inbox, the rules and the optional
 * re-identification key), and the output area made ready.
 */
import { Clock, Effect } from "effect"
import { AS_OF_NEXT_ACTION, asOfProblem } from "../../transforms/asOfDate.js"
import { SOURCES, sourceNamed } from "../../schemas/sourceCatalogue.js"
import { suggestName } from "../../transforms/closestName.js"
import { UsageError } from "../errors.js"
import { isoNow } from "../governance/lineage.js"
import { requireInbox } from "../ingest/sourceReader.js"
import {
  prepareArea,
  type PublicationArea,
  publicationArea,
  type ReaderGroup,
  readerGroup
} from "../services/publication.js"
import { loadKeyFile, type PseudonymKeyMaterial } from "../services/pseudonymKey.js"
import { loadRunConfig, type RunConfig } from "./runConfig.js"
import type { OutcomesFramework } from "../../schemas/outcomesFramework.js"
import { loadOutcomes } from "./outcomesFramework.js"
import type { RulesFile } from "./rulesFile.js"
import { type LoadedRules, loadRules } from "./segmentationRules.js"
import { type LoadedTariff, loadTariff } from "./tariff.js"

export interface RunOptions {
  readonly runId: string
  readonly inbox: string
  readonly out: string
  /** ISO date; defaults to today. */
  readonly asOf?: string | undefined
  readonly configFile?: string | undefined
  /** The key is meant to differ from the last published run's (a planned rotation). */
  readonly rotateKey?: boolean | undefined
  /** Start the lineage log again, recorded, when it no longer extends its last head. */
  readonly reinitialiseLineage?: boolean | undefined
  /** A key to seal the re-identification store with; no store is written without one. */
  readonly reidentificationKeyFile?: string | undefined
  /** Sources whose change in volume against the last published run is declared real. */
  readonly acceptVolumeChange?: ReadonlyArray<string> | undefined
  /** The reader group, in place of the configuration's `publicationGroup`. */
  readonly group?: string | undefined
}

export interface PreparedRun {
  readonly options: RunOptions
  readonly config: RunConfig
  readonly rules: LoadedRules
  readonly tariff: LoadedTariff
  readonly outcomes: RulesFile<OutcomesFramework>
  readonly asOf: string
  readonly area: PublicationArea
  readonly reidentificationKey: PseudonymKeyMaterial | undefined
  /** Whose members may read the release; none: its owner only. */
  readonly readers: ReaderGroup | undefined
  readonly startedAt: string
}

export const prepareRun = Effect.fn("prepareRun")(function* (options: RunOptions) {
  const configured = yield* loadRunConfig(options.configFile)
  // The flag's group goes into the configuration lineage records.
  const config: RunConfig =
    options.group === undefined ? configured : { ...configured, publicationGroup: options.group }
  const asOf = options.asOf ?? (yield* Effect.map(isoNow, (now) => now.slice(0, 10)))
  const asOfWrong = asOfProblem(asOf)
  if (asOfWrong !== undefined) {
    return yield* new UsageError({ message: asOfWrong, nextAction: AS_OF_NEXT_ACTION })
  }
  yield* requireInbox(options.inbox)
  const unknown = (options.acceptVolumeChange ?? []).filter((source) => sourceNamed(source) === undefined)
  if (unknown.length > 0) {
    return yield* new UsageError({
      message: `--accept-volume-change names no source called ${unknown.join(", ")}`,
      nextAction: suggestName(unknown[0]!, Object.keys(SOURCES))
    })
  }
  const rules = yield* loadRules(config.rulesFile)
  const tariff = yield* loadTariff(config.tariffFile)
  const outcomes = yield* loadOutcomes(config.outcomesFile)
  const reidentificationKey =
    options.reidentificationKeyFile === undefined
      ? undefined
      : yield* loadKeyFile(options.reidentificationKeyFile, "--reid-key-file", "re-identification key")
  const readers = config.publicationGroup === undefined ? undefined : yield* readerGroup(config.publicationGroup)
  const area = publicationArea(options.out)
  yield* prepareArea(area, readers)
  const startedAt = new Date(yield* Clock.currentTimeMillis).toISOString()
  return {
    options,
    config,
    rules,
    tariff,
    outcomes,
    asOf,
    area,
    reidentificationKey,
    readers,
    startedAt
  } satisfies PreparedRun
})
