/**
 * Where a run writes, and how its results become visible all at once.
 *
 * `--out DIR` is a symbolic link that wsd manages, pointing at one complete
 * release. A run builds its release in a private area beside it, then
 * replaces the link with one `rename(2)`, which is atomic: a reader sees the
 * previous publication or the new one, never a half-written one. A failed or
 * killed run leaves only an unpublished partial release, removed next time.
 *
 * Beside `DIR`, the state area `.DIR.wsd/` (owner-only) holds:
 *   releases/<run_id>/       published releases (the current and previous)
 *   staging/<run_id>/        a release being built
 *   secure/quarantine/       quarantined rows, identifiers included
 *   secure/reidentification/ each kept release's sealed re-identification store
 *   lineage/chain.jsonl      the append-only, hash-chained lineage log
 *   lineage/heads.jsonl      the chain's head after each entry, signed with the lineage key
 *   logs/<run_id>.jsonl      each run's structured log
 *   lock                     held by the run in progress
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { UsageError } from "../errors.js"
import { FileSystem } from "./fileSystem.js"

export interface PublicationArea {
  readonly out: string
  readonly stateDir: string
  readonly releasesDir: string
  readonly stagingDir: string
  readonly quarantineDir: string
  /** Council records the probabilistic tier could not link clearly, per run, for clerical review. */
  readonly reviewDir: string
  readonly reidentificationDir: string
  readonly lineageDir: string
  readonly logsDir: string
  readonly lockFile: string
}

export const publicationArea = (out: string): PublicationArea => {
  const absolute = path.resolve(out)
  const stateDir = path.join(path.dirname(absolute), `.${path.basename(absolute)}.wsd`)
  return {
    out: absolute,
    stateDir,
    releasesDir: path.join(stateDir, "releases"),
    stagingDir: path.join(stateDir, "staging"),
    quarantineDir: path.join(stateDir, "secure", "quarantine"),
    reviewDir: path.join(stateDir, "secure", "review"),
    reidentificationDir: path.join(stateDir, "secure", "reidentification"),
    lineageDir: path.join(stateDir, "lineage"),
    logsDir: path.join(stateDir, "logs"),
    lockFile: path.join(stateDir, "lock")
  }
}

/**
 * Checks that `--out` is something wsd may replace (absent, an empty
 * directory, or its own link) and creates the state area.
 */
export const prepareArea = (area: PublicationArea) =>
  Effect.gen(function* () {
    const existing = yield* Effect.sync(() => fs.lstatSync(area.out, { throwIfNoEntry: false }))
    if (existing !== undefined && !existing.isSymbolicLink()) {
      const empty = existing.isDirectory() && fs.readdirSync(area.out).length === 0
      if (!empty) {
        return yield* new UsageError({
          message: `--out ${area.out} exists and was not published by wsd`,
          nextAction: "choose a new --out path (wsd makes it a link to the latest release)"
        })
      }
    }
    const files = yield* FileSystem
    for (const dir of [
      area.stateDir,
      area.releasesDir,
      area.stagingDir,
      area.quarantineDir,
      area.reviewDir,
      area.reidentificationDir,
      area.lineageDir,
      area.logsDir
    ]) {
      yield* files.makeDirectory(dir, 0o700)
    }
  })

/** A fresh directory to build this run's release in; removed if the run does not publish. */
export const stagingRelease = (area: PublicationArea, runId: string) =>
  Effect.gen(function* () {
    const files = yield* FileSystem
    // Partial releases of killed runs are abandoned; only the lock holder gets here.
    for (const stale of fs.readdirSync(area.stagingDir)) yield* files.remove(path.join(area.stagingDir, stale))
    const dir = path.join(area.stagingDir, runId)
    return yield* Effect.acquireRelease(Effect.as(files.makeDirectory(dir, 0o750), dir), () =>
      Effect.ignore(files.remove(dir))
    )
  })

/** The release `--out` currently points at, if any. */
export const currentRelease = (area: PublicationArea): string | undefined => {
  try {
    return fs.realpathSync(area.out)
  } catch {
    return undefined
  }
}

/** Every file of a release (folders aside) by its path in the release, `/` between folders, in order. */
export const filesOfRelease = (release: string): Array<string> =>
  fs
    .readdirSync(release, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(release, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort()

/**
 * Makes a built release the publication: move it among the releases, point a
 * new link at it, and rename that link over `--out` in one atomic step. Then
 * keep the previous release (readers may still hold it open) and drop older ones.
 */
export const publishRelease = (area: PublicationArea, staged: string, runId: string, keepReleases: number) =>
  Effect.gen(function* () {
    const files = yield* FileSystem
    const release = path.join(area.releasesDir, runId)
    yield* files.rename(staged, release)
    const link = `${area.out}.${runId}.link`
    yield* files.symlink(path.relative(path.dirname(area.out), release), link)
    // An empty folder at --out (checked by prepareArea) gives way to the link.
    if (fs.lstatSync(area.out, { throwIfNoEntry: false })?.isDirectory()) yield* files.remove(area.out)
    yield* files.rename(link, area.out)
    const releases = fs.readdirSync(area.releasesDir).sort()
    for (const old of releases.slice(0, Math.max(0, releases.length - keepReleases))) {
      yield* files.remove(path.join(area.releasesDir, old))
    }
    return release
  })

/** Writes a listing the operator asked for (`quarantine list --csv`): never over an existing file. */
export const writeNewFile = (file: string, content: string, mode: number) =>
  Effect.try({
    try: () => fs.writeFileSync(file, content, { mode, flag: "wx" }),
    catch: (error) =>
      (error as NodeJS.ErrnoException).code === "EEXIST"
        ? new UsageError({ message: `${file} already exists`, nextAction: "choose a new file name" })
        : new UsageError({ message: `cannot write ${file}`, nextAction: "check the folder exists and is writable" })
  })
