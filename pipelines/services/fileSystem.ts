/**
 * The output area's file system as a service. Every write a run makes to its
 * state area and releases goes through it, so a write the disk refuses (full,
 * read-only, another user's) fails here as a `PublicationError` naming the
 * file, what the system said and what to do, instead of surfacing later as a
 * defect to be recognised.
 *
 * `layer(area)` is the machine's file system, `area` being the folder whose
 * disk the failure's next action is about (the run's state area). The test
 * layer `layerRefusing` is the same file system with a disk fault injected
 * into the writes a predicate picks, so any step's behaviour on a full or
 * read-only disk is tested without mounting one.
 */
import * as fs from "node:fs"
import { Context, Effect, Layer } from "effect"
import type { PublicationError } from "../errors.js"
import { appendWhole, writeFailure } from "./diskWrites.js"

/** The writes a run makes. */
export type Write = "mkdir" | "write" | "append" | "copy" | "rename" | "link" | "remove" | "chmod" | "chgrp"

export interface FileSystemService {
  /** Creates `dir` and any parents missing, with `mode`. */
  readonly makeDirectory: (dir: string, mode: number) => Effect.Effect<void, PublicationError>
  /** Writes `content` to `file` with `mode`, replacing it. */
  readonly writeFile: (file: string, content: string, mode: number) => Effect.Effect<void, PublicationError>
  /** Appends whole lines, or nothing (see `appendWhole`); `durable` waits for the disk. */
  readonly appendLines: (
    file: string,
    text: string,
    options?: { readonly durable?: boolean; readonly mode?: number }
  ) => Effect.Effect<void, PublicationError>
  readonly copyFile: (from: string, to: string) => Effect.Effect<void, PublicationError>
  readonly rename: (from: string, to: string) => Effect.Effect<void, PublicationError>
  /** A symbolic link at `link` to `target`. */
  readonly symlink: (target: string, link: string) => Effect.Effect<void, PublicationError>
  /** Removes a file or a folder and everything in it; nothing if it is absent. */
  readonly remove: (target: string) => Effect.Effect<void, PublicationError>
  readonly setMode: (file: string, mode: number) => Effect.Effect<void, PublicationError>
  /** Gives `file` to the group `gid`, its owner unchanged. */
  readonly setGroup: (file: string, gid: number) => Effect.Effect<void, PublicationError>
}

type Refusal = (write: Write, target: string) => NodeJS.ErrnoException | undefined

const make = (area: string, refuse: Refusal): FileSystemService => {
  const attempt = (write: Write, target: string, work: () => void) =>
    Effect.try({
      try: () => {
        const refused = refuse(write, target)
        if (refused !== undefined) throw refused
        work()
      },
      catch: writeFailure(target, area)
    })
  return {
    makeDirectory: (dir, mode) => attempt("mkdir", dir, () => fs.mkdirSync(dir, { recursive: true, mode })),
    writeFile: (file, content, mode) => attempt("write", file, () => fs.writeFileSync(file, content, { mode })),
    appendLines: (file, text, options) => attempt("append", file, () => appendWhole(file, text, options)),
    copyFile: (from, to) => attempt("copy", to, () => fs.copyFileSync(from, to)),
    rename: (from, to) => attempt("rename", to, () => fs.renameSync(from, to)),
    symlink: (target, link) => attempt("link", link, () => fs.symlinkSync(target, link)),
    remove: (target) => attempt("remove", target, () => fs.rmSync(target, { recursive: true, force: true })),
    setMode: (file, mode) => attempt("chmod", file, () => fs.chmodSync(file, mode)),
    setGroup: (file, gid) => attempt("chgrp", file, () => fs.chownSync(file, -1, gid))
  }
}

export class FileSystem extends Context.Service<FileSystem, FileSystemService>()("wsd/pipelines/services/FileSystem") {
  /** The machine's file system; failures' next actions are about the disk holding `area`. */
  static readonly layer = (area: string) => Layer.succeed(FileSystem, FileSystem.of(make(area, () => undefined)))

  /** The machine's file system, refusing with `code` (ENOSPC, EROFS, EACCES) every write `refuses` picks. */
  static readonly layerRefusing = (area: string, code: string, refuses: (write: Write, target: string) => boolean) =>
    Layer.succeed(
      FileSystem,
      FileSystem.of(
        make(area, (write, target) =>
          refuses(write, target) ? Object.assign(new Error(`${code}: refused by the test`), { code }) : undefined
        )
      )
    )
}
