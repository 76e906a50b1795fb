/**
 * `wsd run --warehouse postgres://…` on a Citus cluster (a coordinator and two
 * workers, `citusServer.ts`): wsd finds the extension and distributes the
 * build's tables (person-keyed ones by `person_id`, co-located; records
 * without a person in `<table>_unlinked`; the rest as reference tables); the
 * models' joins by person run on the workers; the warehouse holds the rows
 * SQLite's does and the outputs are the same bytes; publication swaps
 * schemas on the cluster and lineage verifies the published one.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { distributedModel, unlinkedTable } from "../../pipelines/warehouse/citus.js"
import { modelSelect } from "../../pipelines/warehouse/warehouse.js"
import { POSTGRES_SKIPPED } from "../postgresServer.js"
import { citusSkipped, citusUrl, freshCitus, freshPostgres, postgresUrl } from "../warehouses.js"
import { findIdentifiers, fixtureIdentifiers } from "./identifiers.js"
import {
  canonical,
  NOT_COMPARED,
  postgresTables,
  publishedRunOf,
  RECORD_TABLES,
  schemasLike,
  withPostgres
} from "./warehouseTables.js"
import {
  FIXTURE_AS_OF,
  filesUnder,
  newKey,
  runFixtures,
  sqliteTables,
  sqliteUnlinked,
  tempDir,
  wsd,
  type WsdResult
} from "./wsdCommand.js"

/** The models keyed by person, whose joins Citus should run on the workers. */
const PERSON_MODELS = [
  "person_condition",
  "person_features",
  "risk_score",
  "segment_membership",
  "shadow_budget_person"
]

/**
 * The rows each `Distributed Subplan` of a Citus `EXPLAIN ANALYZE` gathered on
 * the coordinator: what its first scan (the subplan's distributed query) returned.
 */
const rowsCollectedBySubplan = (plan: ReadonlyArray<string>): Array<number> =>
  plan.flatMap((line, at) => {
    if (!/Distributed Subplan/.test(line)) return []
    const scan = plan.slice(at + 1).find((next) => /Custom Scan \(Citus Adaptive\)/.test(next))
    const rows = scan === undefined ? undefined : /rows=(\d+)/.exec(scan)?.[1]
    return rows === undefined ? [] : [Number(rows)]
  })

/** For the hooks and tests that run wsd several times: a shared machine may take minutes, never failing for it. */
const RUNS_TIMEOUT = 300_000

interface Placement {
  readonly table: string
  /** `h` hash-distributed, `n` reference. */
  readonly method: string
  readonly column: string | null
  readonly colocation: number
  readonly nodes: number
}

/** What a run publishes besides its lineage, logs and warehouse file, by path in the release. */
const publishedFiles = (out: string) =>
  filesUnder(out)
    .map((file) => path.relative(out, file))
    .filter((file) => !/^(lineage|logs)\//.test(file) && file !== "warehouse.sqlite")
    .sort()

/** The report's figures without the run they belong to. */
const reportFigures = (out: string) => {
  const { run: _run, ...rest } = JSON.parse(fs.readFileSync(path.join(out, "report-figures.json"), "utf8"))
  return rest
}

describe.skipIf(citusUrl() === undefined)(
  `wsd run --warehouse postgres://… on Citus${citusUrl() === undefined ? ` (${citusSkipped()})` : ""}`,
  () => {
    let dir: string
    let keyFile: string
    let server: ReturnType<typeof freshCitus>
    let warehouseUrl: string
    let sqliteOut: string
    let citusOut: string
    let sqliteRun: WsdResult
    let citusRun: WsdResult

    beforeAll(() => {
      dir = tempDir("citus")
      keyFile = newKey(dir)
      server = freshCitus()
      const url = new URL(server.url)
      url.searchParams.set("schema", server.schema)
      warehouseUrl = url.toString()
      sqliteOut = path.join(dir, "sqlite")
      citusOut = path.join(dir, "citus")
      sqliteRun = runFixtures({ out: sqliteOut, keyFile })
      citusRun = runFixtures({ out: citusOut, keyFile }, "--warehouse", warehouseUrl)
    }, RUNS_TIMEOUT)

    afterAll(() =>
      withPostgres(server.url, async (client) => {
        for (const schema of await schemasLike(server.url, server.schema)) {
          await client.query(`drop schema "${schema}" cascade`)
        }
      })
    )

    const placement = (schema: string) =>
      withPostgres(server.url, async (client) => {
        const { rows } = await client.query<Placement>(
          `select c.relname as table, p.partmethod as method, a.attname as column, p.colocationid as colocation,
             (select count(distinct s.nodename) from citus_shards s where s.table_name = p.logicalrelid)::int as nodes
           from pg_dist_partition p
           join pg_class c on c.oid = p.logicalrelid
           join pg_namespace n on n.oid = c.relnamespace
           left join pg_attribute a on a.attrelid = p.logicalrelid and a.attname = column_to_column_name(p.logicalrelid, p.partkey)
           where n.nspname = $1`,
          [schema]
        )
        return new Map(rows.map((row) => [row.table, row]))
      })

    it("publishes on the cluster, distributing every table: by person co-located with person, unlinked records by row, the rest as reference tables", async () => {
      expect(citusRun.status, citusRun.stderr).toBe(0)
      expect(sqliteRun.status, sqliteRun.stderr).toBe(0)
      expect(citusRun.stdout).toContain("28 residents")
      const tables = await placement(server.schema)
      const person = tables.get("person")!
      expect(person).toMatchObject({ method: "h", column: "person_id", nodes: 2 })
      for (const table of [...RECORD_TABLES, ...PERSON_MODELS, "segment_reason", "window_leaver"]) {
        expect(tables.get(table), table).toMatchObject({
          method: "h",
          column: "person_id",
          colocation: person.colocation
        })
      }
      for (const table of RECORD_TABLES) {
        expect(tables.get(unlinkedTable(table)), table).toMatchObject({ method: "h", column: "source_row", nodes: 2 })
      }
      for (const table of ["practice", "household", "rule_parameter", "codelist_code", "run", "lineage_linkage"]) {
        expect(tables.get(table), table).toMatchObject({ method: "n", column: null })
      }
      // Every base table but the migrator's own bookkeeping is distributed or a reference table.
      const local = [...(await postgresTables(server.url, server.schema)).keys()].filter(
        (table) => !tables.has(table) && !table.startsWith("kysely_")
      )
      expect(local).toEqual([])
    })

    it("holds the same rows as the SQLite warehouse, a record table's rows without a person in <table>_unlinked", async () => {
      const sqlite = sqliteTables(path.join(sqliteOut, "warehouse.sqlite"))
      const citus = await postgresTables(server.url, server.schema)
      const unlinked = RECORD_TABLES.map(unlinkedTable)
      expect([...citus.keys()].filter((table) => !unlinked.includes(table)).sort()).toEqual([...sqlite.keys()].sort())
      let unlinkedRows = 0
      for (const table of RECORD_TABLES) {
        expect(citus.get(table)!.every((row) => row["person_id"] !== null)).toBe(true)
        expect(citus.get(unlinkedTable(table))!.every((row) => row["person_id"] === null)).toBe(true)
        unlinkedRows += citus.get(unlinkedTable(table))!.length
        citus.set(table, [...citus.get(table)!, ...citus.get(unlinkedTable(table))!])
      }
      expect(unlinkedRows).toBeGreaterThan(0)
      // SQL reads them by the same name on both: SQLite's view of the record table's rows without a person.
      const sqliteUnlinkedRows = sqliteUnlinked(path.join(sqliteOut, "warehouse.sqlite"), RECORD_TABLES)
      for (const table of RECORD_TABLES) {
        expect(canonical(citus.get(unlinkedTable(table))!), table).toEqual(canonical(sqliteUnlinkedRows.get(table)!))
      }
      for (const table of [...sqlite.keys()].filter((name) => !NOT_COMPARED.has(name))) {
        expect(canonical(citus.get(table)!), table).toEqual(canonical(sqlite.get(table)!))
      }
    })

    it("writes the same lists, summaries, shadow budget, BCF metrics, transitions and report figures, byte for byte", () => {
      const csvs = publishedFiles(sqliteOut).filter((name) => name.endsWith(".csv"))
      expect(publishedFiles(citusOut)).toEqual(publishedFiles(sqliteOut))
      expect(csvs).toEqual(expect.arrayContaining(["bcf-metrics.csv", "cohort-summary.csv", "shadow-budget.csv"]))
      for (const file of csvs) {
        expect(fs.readFileSync(path.join(citusOut, file), "utf8"), file).toBe(
          fs.readFileSync(path.join(sqliteOut, file), "utf8")
        )
      }
      expect(reportFigures(citusOut)).toEqual(reportFigures(sqliteOut))
    })

    it("runs the person models' joins on the workers, inserting each shard's rows where they are or moving them worker to worker, never through the coordinator", async () => {
      // How Citus would run the model as wsd does: `insert into <model> (<its columns>) <select>`.
      const method = (schema: string, model: string, select: string) =>
        withPostgres(server.url, async (client) => {
          await client.query(`set search_path = "${schema}"`)
          const { fields } = await client.query(`select * from (\n${select}\n) as model limit 0`)
          const columns = fields.map((field) => `"${field.name}"`).join(", ")
          const { rows } = await client.query<{ "QUERY PLAN": string }>(
            `explain insert into ${model} (${columns})\n${select}`
          )
          const plan = rows.map((row) => row["QUERY PLAN"]).join("\n")
          // No INSERT/SELECT method at all: each shard's insert runs on its own worker (a co-located pushdown).
          const pushedDown = new RegExp(`Insert on ${model}_\\d+`).test(plan)
          return /INSERT\/SELECT method: ([a-z ]+)/.exec(plan)?.[1] ?? (pushedDown ? "pushdown" : plan)
        })
      for (const model of PERSON_MODELS) {
        expect(["repartition", "pushdown"], model).toContain(
          await method(server.schema, model, distributedModel(modelSelect(model)))
        )
      }
      // As written for one server (a materialized CTE, the final order by), Citus would gather the rows.
      expect(await method(server.schema, "person_condition", modelSelect("person_condition"))).toBe(
        "pull to coordinator"
      )
    })

    it(
      "verifies the published schema's digest, and swaps the next run in keeping this one as <schema>_previous",
      async () => {
        const verified = wsd("lineage", "verify", "--out", citusOut)
        expect(verified.status, verified.stderr).toBe(0)
        const before = await publishedRunOf(server.url, server.schema)
        const again = runFixtures({ out: citusOut, keyFile }, "--warehouse", warehouseUrl)
        expect(again.status, again.stderr).toBe(0)
        const published = await publishedRunOf(server.url, server.schema)
        expect(published).not.toBe(before)
        expect(await publishedRunOf(server.url, `${server.schema}_previous`)).toBe(before)
        expect(await schemasLike(server.url, server.schema)).toEqual([server.schema, `${server.schema}_previous`])
        const tables = await placement(server.schema)
        expect(tables.get("gp_event")).toMatchObject({ method: "h", column: "person_id", nodes: 2 })
        expect(wsd("lineage", "verify", "--out", citusOut).status).toBe(0)
      },
      RUNS_TIMEOUT
    )

    it("extracts the same workstream file from the distributed warehouse as from SQLite's", () => {
      const extract = (from: string, file: string) =>
        wsd(
          "extract",
          "--from",
          from,
          "--workstream",
          "LW",
          "--purpose",
          "service planning",
          "--out",
          path.join(dir, file),
          "--key-file",
          keyFile
        )
      const fromSqlite = extract(sqliteOut, "from-sqlite.csv")
      const fromCitus = extract(citusOut, "from-citus.csv")
      expect(fromCitus.status, fromCitus.stderr).toBe(0)
      expect(fromSqlite.status, fromSqlite.stderr).toBe(0)
      const rows = fs.readFileSync(path.join(dir, "from-citus.csv"), "utf8")
      expect(rows.trim().split("\n").length).toBeGreaterThan(1)
      expect(rows).toBe(fs.readFileSync(path.join(dir, "from-sqlite.csv"), "utf8"))
    })

    it("finds no identifier in any table of the distributed warehouse", async () => {
      const identifiers = fixtureIdentifiers()
      const tables = await postgresTables(server.url, server.schema)
      const text = [...tables.values()].map((rows) => JSON.stringify(rows)).join("\n")
      expect(text).toContain(tables.get("person")![0]!["person_id"])
      expect(findIdentifiers(text, identifiers)).toEqual([])
    })
  }
)

const noServers = citusUrl() === undefined ? citusSkipped() : postgresUrl() === undefined ? POSTGRES_SKIPPED : undefined

describe.skipIf(noServers !== undefined)(
  `a synthetic borough on SQLite, PostgreSQL and Citus${noServers === undefined ? "" : ` (${noServers})`}`,
  () => {
    const servers = noServers === undefined ? [freshPostgres(), freshCitus()] : []

    afterAll(async () => {
      for (const server of servers) {
        await withPostgres(server.url, async (client) => {
          for (const schema of await schemasLike(server.url, server.schema)) {
            await client.query(`drop schema "${schema}" cascade`)
          }
        })
      }
    })

    let dir: string

    beforeAll(() => {
      dir = tempDir("citus-borough")
      const keyFile = newKey(dir)
      const inbox = path.join(dir, "borough")
      const made = wsd("synth", "--residents", "2000", "--seed", "3", "--out", inbox, "--as-of", FIXTURE_AS_OF)
      expect(made.status, made.stderr).toBe(0)
      const urlOf = (server: ReturnType<typeof freshCitus>) => {
        const url = new URL(server.url)
        url.searchParams.set("schema", server.schema)
        return url.toString()
      }
      const outs = {
        sqlite: [],
        postgres: ["--warehouse", urlOf(servers[0]!)],
        citus: ["--warehouse", urlOf(servers[1]!)]
      }
      for (const [engine, extra] of Object.entries(outs)) {
        const result = runFixtures({ out: path.join(dir, engine), keyFile, inbox }, ...extra)
        expect(result.status, `${engine}: ${result.stderr}`).toBe(0)
      }
    }, RUNS_TIMEOUT)

    it("gives the same lists, summaries, shadow budget, BCF metrics, transitions and report figures on all three", () => {
      const sqliteOut = path.join(dir, "sqlite")
      const csvs = publishedFiles(sqliteOut).filter((name) => name.endsWith(".csv"))
      expect(csvs).toEqual(expect.arrayContaining(["bcf-metrics.csv", "cohort-summary.csv", "shadow-budget.csv"]))
      expect(fs.readFileSync(path.join(sqliteOut, "cohort-summary.csv"), "utf8").split("\n").length).toBeGreaterThan(20)
      for (const engine of ["postgres", "citus"]) {
        const out = path.join(dir, engine)
        expect(publishedFiles(out), engine).toEqual(publishedFiles(sqliteOut))
        for (const file of csvs) {
          expect(fs.readFileSync(path.join(out, file), "utf8"), `${engine} ${file}`).toBe(
            fs.readFileSync(path.join(sqliteOut, file), "utf8")
          )
        }
        expect(reportFigures(out), engine).toEqual(reportFigures(sqliteOut))
      }
    })

    it("costs the shadow budget's records with a person on the workers, and gathers on the coordinator only what they sum to", async () => {
      const citus = servers[1]!
      const { collected, people } = await withPostgres(citus.url, async (client) => {
        await client.query(`set search_path = "${citus.schema}"`)
        // EXPLAIN ANALYZE has the coordinator read its own intermediate results back, where it listens.
        const url = new URL(citus.url)
        await client.query(`set citus.local_hostname = '${url.searchParams.get("host") ?? url.hostname}'`)
        const { rows } = await client.query<{ "QUERY PLAN": string }>(
          `explain (analyze, costs off) ${distributedModel(modelSelect("shadow_budget_cost"))}`
        )
        const counted = await client.query<{ n: string }>("select count(*) as n from shadow_budget_person")
        return {
          collected: rowsCollectedBySubplan(rows.map((row) => row["QUERY PLAN"])),
          people: Number(counted.rows[0]!.n)
        }
      })
      expect(collected.length).toBeGreaterThan(0)
      // Each shard's sums per line and the few records that reached no one: all of it together fewer rows than
      // there are people, where gathering the records or the people themselves would be more.
      expect(collected.reduce((sum, rows) => sum + rows, 0)).toBeLessThan(people)
    })
  }
)
