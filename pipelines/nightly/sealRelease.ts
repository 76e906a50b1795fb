/**
 * The last step before publishing: the release given its own copy of the
 * evidence (the OpenLineage events and the run's log so far, its counts
 * disclosure-controlled as the lineage copy's are), the run's
 * lineage entry appended to the lineage log with those copies' SHA-256, the
 * whole chain and the run's entry copied in as their published view (counts
 * disclosure-controlled: the release is read more widely than the state
 * area), and last the manifest listing every file of the release with its
 * SHA-256, so a reviewer without access to the state area can verify it and
 * `wsd lineage verify` names any file added, missing or changed.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { DEFAULT_DISCLOSURE_RULES } from "../../transforms/disclosureControl.js"
import { publishedLog } from "../../transforms/publishedLog.js"
import { controlRunCounts } from "../../transforms/runCounts.js"
import { MANIFEST_FILE, type ReleaseManifest } from "../../transforms/releaseManifest.js"
import { RELEASE_CHAIN, releaseRunFile, releaseRunText, type RunLineage } from "../governance/lineage.js"
import { LineageLog } from "../governance/lineageLog.js"
import { endEvent } from "../governance/openLineage.js"
import { OpenLineageLog } from "../governance/openLineageLog.js"
import { sha256OfFile } from "../services/fileDigest.js"
import { FileSystem } from "../services/fileSystem.js"
import { filesOfRelease, type PublicationArea } from "../services/publication.js"

export const sealRelease = Effect.fn("sealRelease")(function* (
  lineage: RunLineage,
  staged: string,
  area: PublicationArea
) {
  const runId = lineage.run_id
  const files = yield* FileSystem
  const lineageLog = yield* LineageLog
  yield* files.makeDirectory(path.join(staged, path.dirname(releaseRunFile(runId))), 0o750)
  // The copies are taken before the entry is appended, so the entry can record their SHA-256.
  const openLineage = yield* OpenLineageLog
  yield* openLineage.record(endEvent(lineage, path.join(area.releasesDir, runId)))
  const events = "lineage/openlineage.jsonl"
  yield* openLineage.copyTo(path.join(staged, events))
  const evidence = [events]
  // The run's structured log travels with its release, up to this point, as its published view.
  const log = path.join(area.logsDir, `${runId}.jsonl`)
  if (fs.existsSync(log)) {
    const logCopy = `logs/${runId}.jsonl`
    yield* files.makeDirectory(path.join(staged, "logs"), 0o750)
    // The counts the lineage copy hides by secondary suppression are hidden in the log's lines too.
    const { hiddenExact } = controlRunCounts(lineage.inputs, lineage.linkage, DEFAULT_DISCLOSURE_RULES, {
      equity: lineage.linkage_equity,
      spine: lineage.spine,
      segments: lineage.segments,
      withheld: lineage.segments_withheld ?? []
    })
    const view = publishedLog(fs.readFileSync(log, "utf8"), { rules: DEFAULT_DISCLOSURE_RULES, hidden: hiddenExact })
    yield* files.writeFile(path.join(staged, logCopy), view, 0o640)
    evidence.push(logCopy)
  }
  const sealed: RunLineage = {
    ...lineage,
    evidence: yield* Effect.forEach(evidence, (file) =>
      Effect.map(digestOf(path.join(staged, file)), (sha256) => ({ path: file, sha256 }))
    )
  }
  yield* lineageLog.append({ run: sealed })
  // The chain's last entry is the run's own: the lock keeps any other writer out until it publishes.
  const published = yield* lineageLog.publishTo(path.join(staged, RELEASE_CHAIN))
  yield* files.writeFile(path.join(staged, releaseRunFile(runId)), releaseRunText(published.at(-1)!), 0o640)
  yield* writeManifest(staged, sealed)
  return sealed
})

const digestOf = (file: string) => Effect.promise(() => sha256OfFile(file))

/** Lists every file of the release but itself; the outputs' SHA-256 are the lineage's, the rest are hashed now. */
const writeManifest = Effect.fnUntraced(function* (staged: string, lineage: RunLineage) {
  const recorded = new Map(
    [...lineage.outputs, ...(lineage.evidence ?? [])].flatMap((file) =>
      file.sha256 === null ? [] : [[file.path, file.sha256] as const]
    )
  )
  const manifest: ReleaseManifest = {
    run_id: lineage.run_id,
    files: yield* Effect.forEach(filesOfRelease(staged), (file) =>
      Effect.map(
        recorded.has(file) ? Effect.succeed(recorded.get(file)!) : digestOf(path.join(staged, file)),
        (sha256) => ({ path: file, bytes: fs.statSync(path.join(staged, file)).size, sha256 })
      )
    )
  }
  yield* (yield* FileSystem).writeFile(
    path.join(staged, MANIFEST_FILE),
    `${JSON.stringify(manifest, null, 2)}\n`,
    0o640
  )
})
