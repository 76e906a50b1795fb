/**
 * The folders' layering, as the README's folder map states it: `schemas/`
 * imports nothing else of the project, `transforms/` only `schemas/`, and no
 * module outside `pipelines/warehouse/` names an engine (the SQLite or
 * PostgreSQL module, or a test on which engine a warehouse is).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"

const root = path.join(import.meta.dirname, "..", "..")

const modulesUnder = (folder: string): Array<string> =>
  fs
    .readdirSync(path.join(root, folder), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => path.join(folder, file))

/** The project folders a module imports from (`schemas`, `transforms`, `pipelines`…). */
const importedFolders = (module: string): Set<string> => {
  const text = fs.readFileSync(path.join(root, module), "utf8")
  const folders = new Set<string>()
  for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
    const target = path.relative(root, path.resolve(path.dirname(path.join(root, module)), specifier!))
    folders.add(target.split(path.sep)[0]!)
  }
  return folders
}

describe("the folders' layers", () => {
  it("schemas/ imports nothing of the project but schemas/", () => {
    for (const module of modulesUnder("schemas")) {
      expect(
        [...importedFolders(module)].filter((folder) => folder !== "schemas"),
        module
      ).toEqual([])
    }
  })

  it("transforms/ imports only schemas/ and transforms/", () => {
    for (const module of modulesUnder("transforms")) {
      for (const folder of importedFolders(module)) expect(["schemas", "transforms"], module).toContain(folder)
    }
  })

  it("names an engine only inside pipelines/warehouse/", () => {
    const engineTalk =
      /warehouse\/(sqlite|postgres)\.js|kind === "(sqlite|postgres)"|parsePostgresUrl|postgresEngine|sqliteEngine/
    const outside = modulesUnder("pipelines").filter(
      (module) =>
        !module.startsWith(path.join("pipelines", "warehouse")) &&
        engineTalk.test(fs.readFileSync(path.join(root, module), "utf8"))
    )
    expect(outside).toEqual([])
  })
})
