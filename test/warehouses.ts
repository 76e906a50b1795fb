/**
 * The warehouses a test runs against: SQLite always, PostgreSQL when the
 * suite has a server (see `postgresServer.ts`) and Citus when it has a
 * cluster (`citusServer.ts`); otherwise those cases are skipped with the reason.
 */
import { randomBytes } from "node:crypto"
import { inject } from "vitest"
import type { Engine } from "../pipelines/warehouse/engines.js"
import { parsePostgresUrl, postgresEngine, type PostgresWarehouse } from "../pipelines/warehouse/postgres.js"
import { sqliteEngine } from "../pipelines/warehouse/sqlite.js"
import { POSTGRES_SKIPPED } from "./postgresServer.js"

/** The test server's URL, or undefined when the suite has none. */
export const postgresUrl = (): string | undefined => inject("postgresUrl") || undefined

/**
 * A schema of its own on the test server for one test (files run in
 * parallel, and a build drops other builds of its published schema).
 */
export const freshPostgres = (): PostgresWarehouse => {
  const url = postgresUrl()
  if (url === undefined) throw new Error(`no PostgreSQL server: ${POSTGRES_SKIPPED}`)
  return freshSchema(url)
}

const freshSchema = (url: string): PostgresWarehouse =>
  parsePostgresUrl(`${url}${url.includes("?") ? "&" : "?"}schema=t_${randomBytes(6).toString("hex")}`)!

/** The test cluster's coordinator, or undefined when the suite has none (`citusServer.ts`). */
export const citusUrl = (): string | undefined => inject("citusUrl") || undefined

/** Why the suite has no Citus cluster, when it has none. */
export const citusSkipped = (): string => inject("citusSkipped")

/** A schema of its own on the Citus cluster for one test. */
export const freshCitus = (): PostgresWarehouse => {
  const url = citusUrl()
  if (url === undefined) throw new Error(`no Citus cluster: ${citusSkipped()}`)
  return freshSchema(url)
}

export interface TestWarehouse {
  readonly name: "sqlite" | "postgres" | "citus"
  /** Why the warehouse's tests are skipped, if they are. */
  readonly skipped: string | undefined
  /** A new, empty place for a test's warehouse. */
  readonly engine: () => Engine
}

/**
 * SQLite and PostgreSQL; with `citus`, the Citus cluster too. A build on
 * Citus distributes some thirty tables (seconds, not the tenth of a second
 * PostgreSQL takes), so only the files that check what distribution could
 * change ask for it; the end-to-end Citus test compares whole runs.
 */
export const testWarehouses = (options: { readonly citus?: boolean } = {}): ReadonlyArray<TestWarehouse> => [
  { name: "sqlite", skipped: undefined, engine: () => sqliteEngine(":memory:") },
  {
    name: "postgres",
    skipped: postgresUrl() === undefined ? POSTGRES_SKIPPED : undefined,
    engine: () => postgresEngine(freshPostgres())
  },
  ...(options.citus === true
    ? [
        {
          name: "citus" as const,
          skipped: citusUrl() === undefined ? citusSkipped() : undefined,
          engine: () => postgresEngine(freshCitus())
        }
      ]
    : [])
]
