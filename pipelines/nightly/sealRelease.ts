/**
 * The last step before publishing: the run's lineage entry appended to the
 * lineage log, and the release given its own copy of the evidence (the run's
 * entry, the whole chain, the OpenLineage events and the run's log so far),
 * so a reviewer without access to the state area can verify it.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import type { RunLineage } from "../governance/lineage.js"
import { LineageLog } from "../governance/lineageLog.js"
import { endEvent } from "../governance/openLineage.js"
import { OpenLineageLog } from "../governance/openLineageLog.js"
import { FileSystem } from "../services/fileSystem.js"
import type { PublicationArea } from "../services/publication.js"

export const sealRelease = Effect.fn("sealRelease")(function* (
  lineage: RunLineage,
  staged: string,
  area: PublicationArea
) {
  const runId = lineage.run_id
  const files = yield* FileSystem
  const lineageLog = yield* LineageLog
  const entry = yield* lineageLog.append({ run: lineage })
  const lineageOut = path.join(staged, "lineage")
  const runFile = path.join(lineageOut, "runs", `${runId}.json`)
  yield* files.makeDirectory(path.dirname(runFile), 0o750)
  yield* files.writeFile(runFile, `${JSON.stringify(entry, null, 2)}\n`, 0o640)
  yield* lineageLog.copyTo(path.join(lineageOut, "chain.jsonl"))
  const openLineage = yield* OpenLineageLog
  yield* openLineage.record(endEvent(lineage, path.join(area.releasesDir, runId)))
  yield* openLineage.copyTo(path.join(lineageOut, "openlineage.jsonl"))
  // The run's structured log (counts only) travels with its release, up to this point.
  const log = path.join(area.logsDir, `${runId}.jsonl`)
  if (fs.existsSync(log)) {
    const logCopy = path.join(staged, "logs", `${runId}.jsonl`)
    yield* files.makeDirectory(path.dirname(logCopy), 0o750)
    yield* files.copyFile(log, logCopy)
  }
})
