/**
 * Which engine holds a warehouse: the `--warehouse` option of a run, or the
 * name a run's lineage gives its warehouse output. The only place that
 * chooses between SQLite and PostgreSQL; everything else asks the engine.
 */
import * as path from "node:path"
import type { Kysely } from "kysely"
import type { WarehouseSchema } from "../../schemas/warehouse.js"
import type { WarehouseEngine } from "./dialect.js"
import { parsePostgresUrl, postgresEngine } from "./postgres.js"
import { SQLITE_FILE, sqliteEngine } from "./sqlite.js"

export type Engine = WarehouseEngine<Kysely<WarehouseSchema>>

/**
 * Where a run is to build its warehouse: a function of the release it builds
 * (the SQLite file lives in it), or the reason `option` cannot be used.
 */
export const warehouseTarget = (
  option: string | undefined
): { readonly engineFor: (release: string) => Engine } | { readonly problem: string } => {
  if (option === undefined) return { engineFor: (release) => sqliteEngine(path.join(release, SQLITE_FILE)) }
  try {
    const server = parsePostgresUrl(option)
    if (server === undefined) return { problem: "it is not a postgres:// or postgresql:// URL" }
    const engine = postgresEngine(server)
    return { engineFor: () => engine }
  } catch (error) {
    return { problem: (error as Error).message }
  }
}

/** The engine holding a published output of `release` that lineage names `name`, if it is a warehouse. */
export const publishedWarehouse = (release: string, name: string): Engine | undefined => {
  if (name === SQLITE_FILE) return sqliteEngine(path.join(release, SQLITE_FILE))
  const server = parsePostgresUrl(name)
  return server === undefined ? undefined : postgresEngine(server)
}
