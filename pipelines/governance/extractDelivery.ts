/**
 * What every file that leaves the pipeline after a run goes through: it is
 * taken from the publication's current release, written as a new file (never
 * over another) and recorded in the lineage chain, under the publication's
 * lock so that a nightly run and an extract never interleave their entries.
 * If the entry cannot be recorded, the file is removed: nothing leaves unrecorded.
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { UsageError } from "../errors.js"
import { FileSystem } from "../services/fileSystem.js"
import { currentRelease, publicationArea, writeNewFile } from "../services/publication.js"
import { RunLock } from "../services/runLock.js"
import { chainFile, type ExtractLineage, isoNow, operatorAndHost, runsOf } from "./lineage.js"
import { LineageLog } from "./lineageLog.js"

/** The current release of the publication `from`, and the run that made it. */
export const publishedRun = (from: string) =>
  Effect.gen(function* () {
    const area = publicationArea(from)
    const release = currentRelease(area)
    if (release === undefined || !fs.existsSync(chainFile(area.lineageDir))) {
      return yield* new UsageError({
        message: `${from} is not a publication with its lineage log beside it`,
        nextAction: "pass the --out folder of a run, as the user who runs wsd"
      })
    }
    const runId = path.basename(release)
    const run = runsOf(yield* (yield* LineageLog).entries).find((r) => r.run_id === runId && r.status === "succeeded")
    if (run === undefined) {
      return yield* new UsageError({
        message: `the lineage log has no record of run ${runId}, which made ${from}`,
        nextAction: "run `wsd lineage verify --out` on it and tell information governance"
      })
    }
    return { area, release, run }
  })

export type ExtractDescription = Omit<ExtractLineage, "at" | "operator" | "host" | "path" | "sha256">

/**
 * Whether `file` would be written inside the publication's state area (its
 * releases included, through the `--out` link too), where the next release
 * or a copy of it would carry an identifiable file away from its lineage.
 */
const insideStateArea = (stateDir: string, file: string): boolean => {
  const real = (dir: string) => {
    try {
      return fs.realpathSync(dir)
    } catch {
      return path.resolve(dir)
    }
  }
  const folder = real(path.dirname(path.resolve(file)))
  const state = real(stateDir)
  return folder === state || folder.startsWith(`${state}${path.sep}`)
}

/** Writes `content` to the new file `file` with `mode` and records it; returns the lineage entry. */
export const deliverExtract = (
  from: string,
  file: string,
  content: string,
  mode: number,
  description: ExtractDescription
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const area = publicationArea(from)
      if (insideStateArea(area.stateDir, file)) {
        return yield* new UsageError({
          message: `--out ${file} is inside the publication ${from}: a file that leaves it must be written outside it`,
          nextAction: "write it to a folder outside the publication and its state area"
        })
      }
      const at = yield* isoNow
      const by = `${description.kind} at ${at}`
      yield* (yield* RunLock).hold(by)
      const lineageLog = yield* LineageLog
      yield* lineageLog.open(by, false)
      yield* writeNewFile(file, content, mode)
      const extract: ExtractLineage = {
        ...description,
        at,
        ...operatorAndHost(),
        path: path.resolve(file),
        sha256: createHash("sha256").update(content).digest("hex")
      }
      const files = yield* FileSystem
      yield* lineageLog.append({ extract }).pipe(Effect.tapError(() => Effect.ignore(files.remove(file))))
      return extract
    })
  )
