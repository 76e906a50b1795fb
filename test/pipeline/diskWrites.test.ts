/**
 * Writes that the disk refuses: which faults are recognised, what the person
 * at the terminal is told, and appends that leave whole lines or nothing.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { appendWhole, diskFaultOf, writeFailure } from "../../pipelines/services/diskWrites.js"
import { mountProblem, smallDisk } from "../smallDisk.js"

const errno = (code: string, file?: string) => Object.assign(new Error(code), { code, path: file })

describe("disk faults", () => {
  it("recognises a full, read-only or forbidden disk from Node and SQLite errors, through wrapping causes", () => {
    expect(diskFaultOf(errno("ENOSPC", "/data/x"))).toEqual({ fault: "full", code: "ENOSPC", path: "/data/x" })
    expect(diskFaultOf(errno("SQLITE_FULL"))).toEqual({ fault: "full", code: "SQLITE_FULL", path: undefined })
    expect(diskFaultOf(new Error("migration failed", { cause: errno("SQLITE_READONLY_DIRECTORY") }))).toMatchObject({
      fault: "read_only"
    })
    expect(diskFaultOf(errno("EACCES", "/data/y"))).toMatchObject({ fault: "permission", path: "/data/y" })
    expect(diskFaultOf(errno("ENOENT", "/data/z"))).toBeUndefined()
    expect(diskFaultOf(new Error("SQLITE_FULL in the text only"))).toBeUndefined()
  })

  it("says which file, why, and what to do about the disk holding the output area", () => {
    const failure = (cause: unknown) => writeFailure("/data/.wsd.wsd/lock", "/data/.wsd.wsd")(cause)
    expect(failure(errno("ENOSPC", "/data/.wsd.wsd/logs/r.jsonl"))).toMatchObject({
      message: "cannot write /data/.wsd.wsd/logs/r.jsonl: the disk is full (ENOSPC)",
      nextAction: expect.stringMatching(/^free space on the disk holding \/data\/\.wsd\.wsd /)
    })
    expect(failure(errno("EROFS"))).toMatchObject({
      message: "cannot write /data/.wsd.wsd/lock: the file system is read-only (EROFS)",
      nextAction: "mount the disk holding /data/.wsd.wsd read-write, then run again"
    })
    expect(failure(errno("EPERM"))).toMatchObject({ message: expect.stringContaining("permission denied (EPERM)") })
    expect(failure(new Error("something else"))).toMatchObject({
      message: "cannot write /data/.wsd.wsd/lock",
      nextAction: "check free space and permissions of /data/.wsd.wsd, then run again"
    })
  })

  it("names the file when an append fails", () => {
    expect(() => appendWhole("/dev/full", "a line\n")).toThrow(
      expect.objectContaining({ code: "ENOSPC", path: "/dev/full" })
    )
  })

  const cannotMount = mountProblem()
  it.skipIf(cannotMount !== undefined)(
    `leaves a file as it was when the disk fills up in the middle of an append${cannotMount ? ` (skipped: ${cannotMount})` : ""}`,
    () => {
      const disk = smallDisk()
      try {
        const log = path.join(disk.path, "chain.jsonl")
        appendWhole(log, '{"run":1}\n')
        disk.resize(disk.usedBytes() + 8192)
        const longLine = `${JSON.stringify({ run: 2, padding: "x".repeat(64 * 1024) })}\n`
        expect(() => appendWhole(log, longLine, { durable: true })).toThrow(
          expect.objectContaining({ code: "ENOSPC", path: log })
        )
        expect(fs.readFileSync(log, "utf8")).toBe('{"run":1}\n')
      } finally {
        disk.unmount()
      }
    }
  )
})
