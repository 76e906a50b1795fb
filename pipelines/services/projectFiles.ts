/**
 * Files the project ships beside its code (SQL, fixtures), located from the
 * package root so the same code works from `dist/` and from source under test.
 */
import { existsSync, readFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const findPackageRoot = (from: string): string => {
  let dir = from
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`no package.json above ${from}`)
    dir = parent
  }
  return dir
}

export const packageRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)))

export const projectFile = (...segments: ReadonlyArray<string>): string => path.join(packageRoot, ...segments)

export const softwareVersion: string = (
  JSON.parse(readFileSync(projectFile("package.json"), "utf8")) as { version: string }
).version
