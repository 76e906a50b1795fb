/**
 * Writing to the output area's disk, which can fill up, be mounted read-only
 * or belong to another user: appends that never leave half a line behind,
 * and failed writes turned into what the person at the terminal must do.
 */
import * as fs from "node:fs"
import { PublicationError } from "../errors.js"

type Fault = "full" | "read_only" | "permission"

/** Error codes from Node (errno) and SQLite that say why a write failed. */
const FAULTS: Readonly<Record<string, Fault>> = {
  ENOSPC: "full",
  EDQUOT: "full",
  SQLITE_FULL: "full",
  EROFS: "read_only",
  SQLITE_READONLY: "read_only",
  EACCES: "permission",
  EPERM: "permission"
}

const WHY: Readonly<Record<Fault, string>> = {
  full: "the disk is full",
  read_only: "the file system is read-only",
  permission: "permission denied"
}

export interface DiskFault {
  readonly fault: Fault
  readonly code: string
  /** The file the system named, when it did (SQLite and writes to an open file do not). */
  readonly path: string | undefined
}

/** The disk fault behind an error, looking through wrapping errors' causes. */
export const diskFaultOf = (error: unknown): DiskFault | undefined => {
  for (let current = error, depth = 0; typeof current === "object" && current !== null && depth < 5; depth++) {
    const { cause, code, path } = current as { code?: unknown; path?: unknown; cause?: unknown }
    // SQLite extends codes: SQLITE_READONLY_DIRECTORY is a read-only fault too.
    const known =
      typeof code === "string" ? Object.keys(FAULTS).find((k) => code === k || code.startsWith(`${k}_`)) : undefined
    if (known !== undefined) {
      return { fault: FAULTS[known]!, code: code as string, path: typeof path === "string" ? path : undefined }
    }
    current = cause
  }
  return undefined
}

/**
 * A failed write to `resource` (a file or folder of the output area) as a
 * publication failure; `area` is the state area, whose disk the next action
 * is about.
 */
export const writeFailure = (resource: string, area: string) => (cause: unknown) => {
  const fault = diskFaultOf(cause)
  if (fault === undefined) {
    return new PublicationError({
      message: `cannot write ${resource}`,
      nextAction: `check free space and permissions of ${area}, then run again`,
      cause
    })
  }
  const nextAction = {
    full: `free space on the disk holding ${area} (a run needs room for a whole new release beside the current one), then run again`,
    read_only: `mount the disk holding ${area} read-write, then run again`,
    permission: `let the user running wsd write to ${area} (owner and mode), then run again`
  }[fault.fault]
  return new PublicationError({
    message: `cannot write ${fault.path ?? resource}: ${WHY[fault.fault]} (${fault.code})`,
    nextAction,
    diskFault: fault.fault,
    cause
  })
}

/**
 * Appends `text` (whole lines) to `file`, or nothing: a write cut short by a
 * full disk is truncated away, so a log that later runs append to never holds
 * half a line. `durable` waits for the disk (for evidence such as lineage).
 * The error thrown names the file.
 */
export const appendWhole = (
  file: string,
  text: string,
  { durable = false, mode = 0o640 }: { readonly durable?: boolean; readonly mode?: number } = {}
): void => {
  let fd: number | undefined
  let size = 0
  try {
    fd = fs.openSync(file, "a", mode)
    size = fs.fstatSync(fd).size
    const bytes = Buffer.from(text)
    for (let written = 0; written < bytes.length;) written += fs.writeSync(fd, bytes, written)
    if (durable) fs.fsyncSync(fd)
  } catch (error) {
    if (fd !== undefined) {
      try {
        fs.ftruncateSync(fd, size)
      } catch {
        // Nothing more can be done for the file: the original error says why.
      }
    }
    ;(error as NodeJS.ErrnoException).path ??= file
    throw error
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}
