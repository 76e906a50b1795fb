/**
 * Everything up to (not including) the atomic swap, under the lock: the key
 * checked, every required extract found in the inbox, every extract read ahead, the spine, the warehouse and its files,
 * the lineage sealed into the release. The release is complete when this returns.
 */
import * as path from "node:path"
import { Effect } from "effect"
import type { ExtractSource } from "../../schemas/extractSource.js"
import { SOURCES } from "../../schemas/sourceCatalogue.js"
import { householdId, personId } from "../../transforms/pseudonym.js"
import type { RunLineage } from "../governance/lineage.js"
import type { SourceReader } from "../ingest/sourceReader.js"
import { PseudonymKey } from "../services/pseudonymKey.js"
import { FileSystem } from "../services/fileSystem.js"
import type { Engine } from "../warehouse/engines.js"
import { buildWarehouse } from "./buildWarehouse.js"
import { checkKeyUse } from "./keyUse.js"
import type { PreparedRun } from "./prepareRun.js"
import { readSpine } from "./readSpine.js"
import { windowStartOf } from "./segmentationRules.js"
import type { RunFacts } from "./runLineage.js"
import { sealRelease } from "./sealRelease.js"

export interface ReleaseInputs {
  readonly prepared: PreparedRun
  readonly staged: string
  readonly engine: Engine
  /** A reader of the inbox that quarantines into `quarantineDir`. */
  readonly readerInto: (quarantineDir: string) => SourceReader
  readonly learnt: (facts: Partial<RunFacts>) => Effect.Effect<void>
  /** The run's lineage as it stands, with `status`. */
  readonly lineageAt: (status: RunLineage["status"]) => Effect.Effect<RunLineage>
}

export const buildRelease = Effect.fn("buildRelease")(function* (inputs: ReleaseInputs) {
  const { area, options, reidentificationKey } = inputs.prepared
  // The fingerprint is recorded even when the key is refused: it says which key was tried.
  yield* inputs.learnt({ keyFingerprint: (yield* PseudonymKey).fingerprint })
  const key = yield* checkKeyUse(options.rotateKey === true, reidentificationKey)
  yield* inputs.learnt({ keyRotated: key.rotated })

  const quarantineDir = path.join(area.quarantineDir, options.runId)
  yield* (yield* FileSystem).makeDirectory(quarantineDir, 0o700)
  const reader = inputs.readerInto(quarantineDir)
  yield* reader.failIfRequiredMissing()
  // Every source is parsed as early as the reader threads can: the spine's build need not wait for them.
  yield* reader.prefetch(Object.values<ExtractSource<unknown>>(SOURCES))

  // Pseudonyms are computed once per distinct identifier: records repeat them.
  const personIdOf = memoise((nhsNumber: string) => personId(key.keyBytes, nhsNumber))
  const householdIdOf = memoise((uprn: string) => householdId(key.keyBytes, uprn))
  const { asOf, rules } = inputs.prepared
  const windowStart = windowStartOf(rules.rules, asOf)
  const spineRead = yield* readSpine({ reader, asOf, windowStart, personIdOf, householdIdOf })
  yield* inputs.learnt({ spine: spineRead.lineage })

  const outputs = yield* buildWarehouse({
    prepared: inputs.prepared,
    engine: inputs.engine,
    staged: inputs.staged,
    reader,
    spineRead,
    personIdOf,
    householdIdOf,
    learnt: inputs.learnt,
    lineageSoFar: inputs.lineageAt("succeeded")
  })
  yield* inputs.learnt({ outputs })
  // The lineage as sealed: with the SHA-256 of the release's copies of the evidence.
  return yield* sealRelease(yield* inputs.lineageAt("succeeded"), inputs.staged, area)
})

const memoise = (f: (key: string) => string) => {
  const cache = new Map<string, string>()
  return (key: string): string => {
    let value = cache.get(key)
    if (value === undefined) cache.set(key, (value = f(key)))
    return value
  }
}
