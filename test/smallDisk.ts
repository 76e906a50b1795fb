/**
 * A small disk for tests of what a full or read-only disk does: a tmpfs
 * mounted on a fresh folder, which the test can shrink, grow, make read-only
 * and must unmount. Mounting needs root with CAP_SYS_ADMIN (CI has it).
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const run = (command: string, ...args: ReadonlyArray<string>) => spawnSync(command, args, { encoding: "utf8" })

/** Why a tmpfs cannot be mounted here, or undefined when it can. */
export const mountProblem = (): string | undefined => {
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), "wsd-mount-probe-"))
  const mounted = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe)
  if (mounted.status !== 0) {
    fs.rmdirSync(probe)
    return `mounting a tmpfs needs root with CAP_SYS_ADMIN: ${(mounted.stderr || String(mounted.error)).trim()}`
  }
  run("umount", probe)
  fs.rmdirSync(probe)
  return undefined
}

/** A 64 MiB tmpfs at a fresh folder. */
export const smallDisk = () => {
  const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), "wsd-disk-"))
  const mount = (...options: ReadonlyArray<string>) => {
    const result = run("mount", ...options)
    if (result.status !== 0) throw new Error(`mount ${options.join(" ")}: ${result.stderr}`)
  }
  mount("-t", "tmpfs", "-o", "size=64m,mode=0755", "tmpfs", mountPoint)
  return {
    path: mountPoint,
    usedBytes: () => {
      const stats = fs.statfsSync(mountPoint)
      return (stats.blocks - stats.bfree) * stats.bsize
    },
    resize: (bytes: number) => mount("-o", `remount,size=${Math.ceil(bytes / 4096) * 4096}`, mountPoint),
    setReadOnly: (readOnly: boolean) => mount("-o", `remount,${readOnly ? "ro" : "rw"}`, mountPoint),
    unmount: () => {
      if (run("umount", mountPoint).status !== 0) run("umount", "-l", mountPoint)
      fs.rmSync(mountPoint, { recursive: true, force: true })
    }
  }
}
