/**
 * Where a run writes, and how its results become visible all at once.
 *
 * `--out DIR` is a symbolic link that wsd manages, pointing at one complete
 * release. A run builds its release in a private area beside it, then
 * replaces the link with one `rename(2)`, which is atomic: a reader sees the
 * previous publication or the new one, never a half-written one. A failed or
 * killed run leaves only an unpublished partial release, removed next time.
 *
 * Beside `DIR`, the state area `.DIR.wsd/` holds:
 *   releases/<run_id>/       published releases (the current and previous)
 *   staging/<run_id>/        a release being built
 *   secure/quarantine/       quarantined rows, identifiers included
 *   secure/reidentification/ each kept release's sealed re-identification store
 *   lineage/chain.jsonl      the append-only, hash-chained lineage log
 *   lineage/heads.jsonl      the chain's head after each entry, signed with the lineage key
 *   logs/<run_id>.jsonl      each run's structured log
 *   lock                     held by the run in progress
 *
 * Everything there is the owner's alone (folders 0700, files 0600 or 0640
 * inside them), except the way to the releases when a reader group is
 * configured (`publicationGroup`, `--group`): then the state area is 0710
 * (its members may pass through it, not list it), `releases/` 0750 and each
 * release, folders 0750 and files 0640, belongs to that group. Without one
 * no one but the owner reaches a release: a default of the running user's
 * primary group would open the publication to whoever shares it (`users`
 * on many systems) without anyone deciding so.
 */
import { execFileSync } from "node:child_process"
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

/** The group whose members may read the publication. */
export interface ReaderGroup {
  readonly name: string
  readonly gid: number
}

/** The id of the group `name` (a name or a number), as the system's group database (`getent`) knows it. */
const groupId = (name: string): number | undefined => {
  if (/^\d+$/.test(name)) return Number(name)
  try {
    const gid = Number(execFileSync("getent", ["group", name], { encoding: "utf8" }).split(":")[2])
    return Number.isInteger(gid) ? gid : undefined
  } catch {
    return undefined
  }
}

/**
 * The reader group named in the configuration or by `--group`, checked before
 * the run takes the lock: it must exist, and the user running wsd must be in
 * it (or root), since only then may it give files to the group.
 */
export const readerGroup = (name: string) =>
  Effect.gen(function* () {
    const gid = groupId(name)
    if (gid === undefined) {
      return yield* new UsageError({
        message: `reader group ${name} does not exist`,
        nextAction: "create it (groupadd) or fix publicationGroup / --group"
      })
    }
    const mine = process.getuid?.() === 0 || process.getgid?.() === gid || (process.getgroups?.() ?? []).includes(gid)
    if (!mine) {
      return yield* new UsageError({
        message: `the user running wsd is not a member of the reader group ${name}`,
        nextAction: `add it to the group (usermod -aG ${name} USER) or fix publicationGroup / --group`
      })
    }
    return { name, gid } satisfies ReaderGroup
  })

/** Gives `target` its mode and, when there is a reader group, to that group. */
const share = (target: string, mode: number, group: ReaderGroup | undefined) =>
  Effect.gen(function* () {
    const files = yield* FileSystem
    if (group !== undefined) yield* files.setGroup(target, group.gid)
    yield* files.setMode(target, mode)
  })

/**
 * Checks that `--out` is something wsd may replace (absent, an empty
 * directory, or its own link) and creates the state area, open on the way to
 * the releases to the reader group if there is one and closed if not (so
 * removing the setting closes it again).
 */
export const prepareArea = (area: PublicationArea, group: ReaderGroup | undefined) =>
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
    // Set again every run, since mkdir leaves an existing folder as it is and the umask trims a new one.
    yield* share(area.stateDir, group === undefined ? 0o700 : 0o710, group)
    yield* share(area.releasesDir, group === undefined ? 0o700 : 0o750, group)
  })

/**
 * Folders 0750 and files 0640, given to the reader group: set on the whole
 * release before it is published, so no reader ever meets a file of it they
 * cannot open, whatever the umask made of them.
 */
const shareRelease = (release: string, group: ReaderGroup | undefined) =>
  Effect.gen(function* () {
    yield* share(release, 0o750, group)
    for (const entry of fs.readdirSync(release, { recursive: true, withFileTypes: true })) {
      yield* share(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o750 : 0o640, group)
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
 * Makes a built release the publication: open it to the reader group, move
 * it among the releases, point a new link at it, and rename that link over
 * `--out` in one atomic step. Then keep the previous release (readers may
 * still hold it open) and drop older ones.
 */
export const publishRelease = (
  area: PublicationArea,
  staged: string,
  runId: string,
  keepReleases: number,
  group: ReaderGroup | undefined
) =>
  Effect.gen(function* () {
    const files = yield* FileSystem
    yield* shareRelease(staged, group)
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
