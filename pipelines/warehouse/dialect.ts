/**
 * What a warehouse engine must provide, beside the queries Kysely writes for
 * it: where a run builds its warehouse, how the build is bulk-loaded,
 * published or discarded, how a published one is read, and a digest of its
 * content for lineage. SQLite (`sqlite.ts`) and PostgreSQL (`postgres.ts`,
 * laying tables out for Citus with `citus.ts` where the server has it)
 * implement it; every difference between them lives in those files and
 * `engines.ts`, which chooses between them.
 *
 * This module imports nothing: `Db` is the query builder an engine opens
 * (Kysely over the warehouse's tables), so the interface does not depend on it.
 */

export type Row = Record<string, unknown>

export interface QueryResult<R> {
  readonly columns: ReadonlyArray<string>
  readonly rows: Array<R>
}

/** An open warehouse: the query builder and what it cannot do on its own. */
export interface Connection<Db> {
  readonly db: Db
  /** Bulk-loads rows (all with the same `columns`) into `table`. */
  readonly insert: (table: string, columns: ReadonlyArray<string>, rows: ReadonlyArray<Row>) => void | Promise<void>
  /** Runs a query, with its column names known even when no row comes back. */
  readonly query: (text: string) => QueryResult<Row> | Promise<QueryResult<Row>>
  /** A migration's statement as this engine must run it. */
  readonly adaptDdl: (statement: string) => string
  /** The schema the migrator records itself in, where the engine has schemas. */
  readonly migrationSchema?: string
  /** Lays out the tables the migrations created, before anything is loaded (Citus distributes them). */
  readonly layOutTables?: () => Promise<void>
  /** A model's select as this engine should run it, where it differs. */
  readonly adaptModel?: (select: string) => string
  /**
   * Gathers the planner's statistics of these tables (every table of the
   * build when none are named), where the engine plans by statistics it does
   * not gather as a build loads (PostgreSQL): without them it takes a table
   * just loaded for a few rows, and joins it row by row.
   */
  readonly analyze?: (tables?: ReadonlyArray<string>) => Promise<void>
  /**
   * Runs a select on a connection of its own, beside this one, where the
   * engine can: what this connection has written is committed first (its
   * transaction goes on), so the select reads it, and this connection is free
   * to query meanwhile.
   */
  readonly selectBeside?: (text: string) => SelectBeside
}

/** A select running beside a connection (`Connection.selectBeside`). */
export interface SelectBeside {
  readonly result: Promise<QueryResult<Row>>
  /** Gives the select up (the run stopped or failed meanwhile); done once it has stopped. */
  readonly stop: () => Promise<void>
}

/** A failure of the engine, in the words a person needs to act on it. */
export interface EngineFailure {
  readonly message: string
  readonly nextAction: string
}

/** One warehouse: the file of a release, or a schema on a server. */
export interface WarehouseEngine<Db> {
  /** How messages and logs name the warehouse (a file's full path; a URL never holds the password). */
  readonly description: string
  /** How lineage names it among the run's outputs: a file of the release by its name, a schema by its URL. */
  readonly lineageName: string
  /** How OpenLineage names it, when it is not a file of the release named as the others are. */
  readonly openLineageDataset: { readonly namespace: string; readonly name: string } | undefined
  /** `doing` ("create the warehouse") failed with `cause`. */
  readonly failure: (doing: string, cause: unknown) => EngineFailure
  /** A new, empty warehouse for `runId` to build. */
  readonly openBuild: (runId: string) => Promise<Connection<Db>>
  /** Undoes a build that will not be published. */
  readonly discardBuild: (runId: string) => Promise<void>
  /** Makes a complete build the published warehouse, readable by the roles in `readers`. */
  readonly publish: (runId: string, readers: ReadonlyArray<string>) => Promise<void>
  /** The published warehouse, read-only. */
  readonly openPublished: () => Connection<Db>
  /**
   * SHA-256 over the content of a warehouse whose build is closed (`runId`'s
   * build, or with `undefined` the published one): lineage records it and
   * `lineage verify` recomputes it.
   */
  readonly contentDigest: (runId: string | undefined) => Promise<string>
}
