/**
 * What every file that leaves the pipeline after a run goes through: it is
 * taken from the publication's current release, recorded in the lineage
 * chain and written as a new file (never over another), under the
 * publication's lock so that a nightly run and an extract never interleave
 * their entries. Nothing identifiable is on disk before its entry is: nothing
 * leaves unrecorded, even when the command is killed.
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { UsageError } from "../errors.js"
import { FileSystem } from "../services/fileSystem.js"
import { currentRelease, publicationArea } from "../services/publication.js"
import { RunLock } from "../services/runLock.js"
import {
  chainFile,
  type ExtractLineage,
  isoNow,
  operatorAndHost,
  isPartialFileOf,
  partialFileOf,
  runsOf,
  undelivered
} from "./lineage.js"
import { LineageLog, lineageEvent } from "./lineageLog.js"

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

/**
 * Writes `content` to the new file `file` with `mode` and records it; returns
 * the lineage entry. The file is made empty under its partial name first
 * (which shows the folder takes it), its entry appended, then the content
 * written and the file renamed into place: a command stopped at any moment
 * leaves nothing identifiable that lineage does not record, and a recorded
 * file not in place is found by the next command from its partial name.
 */
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
      // Opening the log also deals with an earlier delivery stopped half-way.
      yield* lineageLog.open(by, false)
      const target = path.resolve(file)
      if (fs.existsSync(target)) {
        return yield* new UsageError({ message: `${file} already exists`, nextAction: "choose a new file name" })
      }
      const extract: ExtractLineage = {
        ...description,
        at,
        ...operatorAndHost(),
        path: target,
        sha256: createHash("sha256").update(content).digest("hex")
      }
      const partial = partialFileOf(extract)
      const files = yield* FileSystem
      // Removed however the command ends; once renamed into place there is nothing left to remove.
      yield* Effect.acquireRelease(createEmpty(partial, target, mode), () => Effect.ignore(files.remove(partial)))
      // Once recorded, a signal waits for the file to be in place: a recorded file is written.
      yield* Effect.uninterruptible(
        Effect.andThen(
          lineageLog.append({ extract }),
          fillAndPlace(partial, target, content).pipe(
            Effect.tapError((failure) =>
              Effect.ignore(
                Effect.flatMap(
                  lineageEvent(by, {
                    kind: "delivery_interrupted",
                    finding: `${undelivered(extract)}: ${failure.message}`,
                    file: target
                  }),
                  lineageLog.append
                )
              )
            )
          )
        )
      )
      return extract
    })
  )

const cannotWrite = (file: string) => (error: unknown) =>
  new UsageError({
    message: `cannot write ${file}${(error as NodeJS.ErrnoException).code === undefined ? "" : ` (${(error as NodeJS.ErrnoException).code})`}`,
    nextAction: "check the folder exists, is writable and has room"
  })

/**
 * The partial file, empty and new: nothing identifiable is written before its
 * entry is. Empty partial files of `file` left by commands killed before
 * they recorded anything go; the recorded ones are gone already (opening
 * the lineage log removes them).
 */
const createEmpty = (partial: string, file: string, mode: number) =>
  Effect.try({
    try: () => {
      const folder = path.dirname(file)
      for (const name of fs.readdirSync(folder)) {
        const stale = path.join(folder, name)
        if (isPartialFileOf(file, name) && fs.statSync(stale).size === 0) {
          fs.rmSync(stale)
        }
      }
      fs.closeSync(fs.openSync(partial, "wx", mode))
    },
    catch: cannotWrite(file)
  })

/** The content written to the disk, then the file renamed into place. */
const fillAndPlace = (partial: string, target: string, content: string) =>
  Effect.try({
    try: () => {
      const fd = fs.openSync(partial, "r+")
      try {
        fs.writeFileSync(fd, content)
        fs.fsyncSync(fd)
      } finally {
        fs.closeSync(fd)
      }
      fs.renameSync(partial, target)
    },
    catch: cannotWrite(target)
  })
