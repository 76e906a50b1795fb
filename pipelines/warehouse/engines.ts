/**
 * Which engine holds a warehouse: the `Warehouse` service a run builds in
 * (from its `--warehouse` option), or the name a run's lineage gives its
 * warehouse output. The only place that chooses between SQLite and
 * PostgreSQL; everything else asks the engine.
 */
import * as path from "node:path"
import { Context, Effect, Layer } from "effect"
import type { Kysely } from "kysely"
import type { WarehouseSchema } from "../../schemas/warehouse.js"
import { UsageError } from "../errors.js"
import type { WarehouseEngine } from "./dialect.js"
import { parsePostgresUrl, postgresEngine } from "./postgres.js"
import { SQLITE_FILE, sqliteEngine } from "./sqlite.js"

export type Engine = WarehouseEngine<Kysely<WarehouseSchema>>

/** Where a run builds its warehouse: a function of the release it builds, which holds a SQLite file. */
export interface WarehouseService {
  readonly engineFor: (release: string) => Engine
}

const inRelease: WarehouseService = { engineFor: (release) => sqliteEngine(path.join(release, SQLITE_FILE)) }

export class Warehouse extends Context.Service<Warehouse, WarehouseService>()("wsd/pipelines/warehouse/Warehouse") {
  /** The warehouse `--warehouse` names: a PostgreSQL URL, or absent for the SQLite file in the release. */
  static readonly layer = (option: string | undefined) =>
    Layer.effect(
      Warehouse,
      Effect.try({
        try: () => {
          if (option === undefined) return Warehouse.of(inRelease)
          const server = parsePostgresUrl(option)
          if (server === undefined) throw new Error("it is not a postgres:// or postgresql:// URL")
          const engine = postgresEngine(server)
          return Warehouse.of({ engineFor: () => engine })
        },
        catch: (error) =>
          new UsageError({
            message: `--warehouse cannot be used: ${(error as Error).message}`,
            nextAction: "pass postgres://user@host:port/database (optionally ?schema=NAME), or leave it out for SQLite"
          })
      })
    )

  /** The SQLite file in the release, as a run without `--warehouse` builds. */
  static readonly layerSqlite = Layer.succeed(
    Warehouse,
    Warehouse.of({ engineFor: (release) => inRelease.engineFor(release) })
  )
}

/** The engine holding a published output of `release` that lineage names `name`, if it is a warehouse. */
export const publishedWarehouse = (release: string, name: string): Engine | undefined => {
  if (name === SQLITE_FILE) return sqliteEngine(path.join(release, SQLITE_FILE))
  const server = parsePostgresUrl(name)
  return server === undefined ? undefined : postgresEngine(server)
}

/** Whether a published output that lineage names `name` is a file of the release (a PostgreSQL schema is not). */
export const isReleaseFile = (name: string): boolean => parsePostgresUrl(name) === undefined
