/**
 * `wsd run --warehouse postgres://…` end to end, on the suite's throwaway
 * PostgreSQL server: the same fixtures and key published to SQLite and to
 * PostgreSQL give the same warehouse, table by table and row by row, and the
 * same outputs and extracts (so every check the SQLite end-to-end tests make
 * of the warehouse holds on PostgreSQL too); publication swaps schemas
 * atomically; a failed run leaves the published schema; no password is written.
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunLineage } from "../../pipelines/governance/lineage.js"
import { freshPostgres, postgresUrl } from "../warehouses.js"
import { findIdentifiers, fixtureIdentifiers } from "./identifiers.js"
import { POSTGRES_SKIPPED } from "../postgresServer.js"
import {
  canonical,
  NOT_COMPARED,
  postgresTables,
  postgresUnlinked,
  publishedRunOf,
  RECORD_TABLES,
  schemasLike,
  withPostgres
} from "./warehouseTables.js"
import {
  filesUnder,
  newKey,
  runFixtures,
  sqliteTables,
  sqliteUnlinked,
  tempDir,
  wsd,
  type WsdResult
} from "./wsdCommand.js"

describe.skipIf(postgresUrl() === undefined)(
  `wsd run --warehouse postgres://…${postgresUrl() === undefined ? ` (${POSTGRES_SKIPPED})` : ""}`,
  () => {
    const password = `pw-${process.pid}-not-to-be-written`
    let dir: string
    let keyFile: string
    let server: ReturnType<typeof freshPostgres>
    /** The URL as an operator would pass it, password and schema included. */
    let warehouseUrl: string
    let sqliteOut: string
    let postgresOut: string
    let sqliteRun: WsdResult
    let postgresRun: WsdResult

    beforeAll(() => {
      dir = tempDir("postgres")
      keyFile = newKey(dir)
      server = freshPostgres()
      const url = new URL(server.url)
      url.password = password
      url.searchParams.set("schema", server.schema)
      warehouseUrl = url.toString()
      sqliteOut = path.join(dir, "sqlite")
      postgresOut = path.join(dir, "postgres")
      sqliteRun = runFixtures({ out: sqliteOut, keyFile })
      postgresRun = runFixtures({ out: postgresOut, keyFile }, "--warehouse", warehouseUrl)
    })

    afterAll(() =>
      withPostgres(server.url, async (client) => {
        for (const schema of await schemasLike(server.url, server.schema)) {
          await client.query(`drop schema "${schema}" cascade`)
        }
      })
    )

    it("publishes the warehouse as a schema on the server instead of a file in the release", async () => {
      expect(postgresRun.status, postgresRun.stderr).toBe(0)
      expect(sqliteRun.status, sqliteRun.stderr).toBe(0)
      expect(postgresRun.stdout).toContain("28 residents")
      expect(fs.existsSync(path.join(postgresOut, "warehouse.sqlite"))).toBe(false)
      expect(await schemasLike(server.url, server.schema)).toEqual([server.schema])
      const tables = await postgresTables(server.url, server.schema)
      expect(tables.get("person")).toHaveLength(28)
    })

    it("holds the same rows as the SQLite warehouse of the same inputs and key, in every table", async () => {
      const sqlite = sqliteTables(path.join(sqliteOut, "warehouse.sqlite"))
      const postgres = await postgresTables(server.url, server.schema)
      expect([...postgres.keys()].sort()).toEqual([...sqlite.keys()].sort())
      const compared = [...sqlite.keys()].filter((table) => !NOT_COMPARED.has(table))
      expect(compared).toEqual(expect.arrayContaining(["person", "gp_event", "segment_membership", "lineage_linkage"]))
      for (const table of compared) {
        expect(sqlite.get(table)!.length, table).toBeGreaterThan(table === "lineage_extract" ? -1 : 0)
        expect(canonical(postgres.get(table)!), table).toEqual(canonical(sqlite.get(table)!))
      }
    })

    it("gathers the planner's statistics of what it loaded and built, which a build's tables would lack", async () => {
      // pg_stats holds a table's column statistics only once it is analyzed.
      const analyzed = await withPostgres(server.url, async (client) =>
        (
          await client.query<{ tablename: string }>(
            "select distinct tablename from pg_stats where schemaname = $1 order by tablename",
            [server.schema]
          )
        ).rows.map((row) => row.tablename)
      )
      expect(analyzed).toEqual(
        expect.arrayContaining(["gp_event", "acute_activity", "person", "person_features", "segment_membership"])
      )
    })

    it("reads a record table's rows without a person as <table>_unlinked, the same rows as on SQLite", async () => {
      const sqliteFile = path.join(sqliteOut, "warehouse.sqlite")
      const sqlite = sqliteTables(sqliteFile)
      const sqliteUnlinkedRows = sqliteUnlinked(sqliteFile, RECORD_TABLES)
      const postgres = await postgresUnlinked(server.url, server.schema)
      let unlinkedRows = 0
      for (const table of RECORD_TABLES) {
        const withoutPerson = sqlite.get(table)!.filter((row) => row["person_id"] === null)
        expect(canonical(sqliteUnlinkedRows.get(table)!), table).toEqual(canonical(withoutPerson))
        expect(canonical(postgres.get(table)!), table).toEqual(canonical(withoutPerson))
        unlinkedRows += withoutPerson.length
      }
      expect(unlinkedRows).toBeGreaterThan(0)
    })

    it("writes the same lists, summaries, shadow budget and report figures", () => {
      const published = (out: string) =>
        filesUnder(out)
          .map((file) => path.relative(out, file))
          .filter((file) => !/^(lineage|logs)\//.test(file) && file !== "warehouse.sqlite")
          .sort()
      expect(published(postgresOut)).toEqual(published(sqliteOut))
      for (const file of published(sqliteOut).filter((name) => name.endsWith(".csv"))) {
        expect(fs.readFileSync(path.join(postgresOut, file), "utf8"), file).toBe(
          fs.readFileSync(path.join(sqliteOut, file), "utf8")
        )
      }
      const figures = (out: string) => {
        const { run: _run, ...rest } = JSON.parse(fs.readFileSync(path.join(out, "report-figures.json"), "utf8"))
        return rest
      }
      expect(figures(postgresOut)).toEqual(figures(sqliteOut))
    })

    it("extracts the same workstream file from either warehouse", () => {
      const extract = (from: string, file: string) =>
        wsd(
          "extract",
          "--from",
          from,
          // Living Well: the fixtures' 4 Promoting Independence members are fewer than its k of 5.
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
      const fromPostgres = extract(postgresOut, "from-postgres.csv")
      expect(fromPostgres.status, fromPostgres.stderr).toBe(0)
      expect(fromSqlite.status, fromSqlite.stderr).toBe(0)
      const rows = fs.readFileSync(path.join(dir, "from-postgres.csv"), "utf8")
      expect(rows.trim().split("\n").length).toBeGreaterThan(1)
      expect(rows).toBe(fs.readFileSync(path.join(dir, "from-sqlite.csv"), "utf8"))
    })

    it("names the server and schema in lineage, never the password, and verifies", () => {
      const shown = wsd("lineage", "show", "--out", postgresOut, path.basename(fs.realpathSync(postgresOut)))
      expect(shown.status, shown.stderr).toBe(0)
      expect(shown.stdout).toContain(`schema=${server.schema}`)
      expect(shown.stdout).toMatch(/postgresql:\/\/wsd@localhost:\d+\/postgres/)
      const verified = wsd("lineage", "verify", "--out", postgresOut)
      expect(verified.status, verified.stderr).toBe(0)
      const written = [...filesUnder(postgresOut), ...filesUnder(path.join(dir, ".postgres.wsd"))]
      const leaks = written.filter((file) => fs.readFileSync(file).includes(password))
      expect(leaks).toEqual([])
      for (const printed of [postgresRun.stdout, postgresRun.stderr, shown.stdout]) {
        expect(printed).not.toContain(password)
      }
    })

    it("records a digest of the schema's content in lineage, and verify notices an edited row", async () => {
      const runFile = path.join(postgresOut, "lineage", "runs", `${path.basename(fs.realpathSync(postgresOut))}.json`)
      const { run } = JSON.parse(fs.readFileSync(runFile, "utf8")) as { run: RunLineage }
      const warehouse = run.outputs.find((output) => output.path.startsWith("postgresql://"))
      expect(warehouse?.sha256).toMatch(/^[0-9a-f]{64}$/)
      const setName = (name: string) =>
        withPostgres(server.url, (client) =>
          client.query(`update "${server.schema}".practice set practice_name = $1 where practice_code = 'F84003'`, [
            name
          ])
        )
      const before = await withPostgres(
        server.url,
        async (client) =>
          (await client.query(`select practice_name from "${server.schema}".practice where practice_code = 'F84003'`))
            .rows[0]
      )
      await setName("Renamed Practice")
      const altered = wsd("lineage", "verify", "--out", postgresOut)
      await setName((before as { practice_name: string }).practice_name)
      expect(altered.status).toBe(1)
      expect(altered.lastLine).toContain(`published warehouse ${warehouse?.path} has changed`)
      expect(wsd("lineage", "verify", "--out", postgresOut).status).toBe(0)
    })

    it("finds no identifier in any table of the PostgreSQL warehouse", async () => {
      const identifiers = fixtureIdentifiers()
      expect(identifiers.size).toBeGreaterThan(150)
      const tables = await postgresTables(server.url, server.schema)
      const text = [...tables.values()].map((rows) => JSON.stringify(rows)).join("\n")
      expect(text).toContain(tables.get("person")![0]!["person_id"])
      expect(findIdentifiers(text, identifiers)).toEqual([])
    })

    it("fails with exit 3 naming the server, never its password, when it cannot be reached", () => {
      const unreachable = `postgresql://wsd:${password}@localhost:1/postgres?schema=${server.schema}`
      const refused = runFixtures({ out: path.join(dir, "unreachable"), keyFile }, "--warehouse", unreachable)
      expect(refused.status).toBe(3)
      expect(refused.lastLine).toMatch(
        /^wsd: cannot create the warehouse on postgresql:\/\/wsd@localhost:1\/postgres\?schema=\w+: connect ECONNREFUSED .*Next: check the server is reachable/
      )
      expect(refused.stderr).not.toContain(password)
    })

    it("leaves the published schema as it was when a run fails after building, and drops the build", async () => {
      const before = await publishedRunOf(server.url, server.schema)
      const config = path.join(dir, "strict.json")
      fs.writeFileSync(config, JSON.stringify({ quarantineThreshold: 0.01 }))
      const failed = runFixtures({ out: postgresOut, keyFile }, "--warehouse", warehouseUrl, "--config", config)
      expect(failed.status).toBe(1)
      expect(failed.lastLine).toMatch(/rows quarantined/)
      expect(await publishedRunOf(server.url, server.schema)).toBe(before)
      expect(await schemasLike(server.url, server.schema)).toEqual([server.schema])
    })

    it("runs the configuration's build SQL in the new schema, and fails a run whose SQL fails (exit 2)", async () => {
      const buildSql = path.join(dir, "build.sql")
      fs.writeFileSync(buildSql, "create index gp_event_person on gp_event (person_id);\n")
      const config = path.join(dir, "indexes.json")
      fs.writeFileSync(config, JSON.stringify({ warehouseBuildSql: buildSql }))
      const indexed = runFixtures({ out: postgresOut, keyFile }, "--warehouse", warehouseUrl, "--config", config)
      expect(indexed.status, indexed.stderr).toBe(0)
      const indexes = await withPostgres(server.url, async (client) =>
        (
          await client.query<{ indexname: string }>("select indexname from pg_indexes where schemaname = $1", [
            server.schema
          ])
        ).rows.map((row) => row.indexname)
      )
      expect(indexes).toContain("gp_event_person")
      const shown = wsd("lineage", "show", "--out", postgresOut, path.basename(fs.realpathSync(postgresOut)))
      const sha256 = createHash("sha256").update(fs.readFileSync(buildSql)).digest("hex")
      expect(shown.stdout).toContain(`${buildSql}, SHA-256 ${sha256}`)

      const before = await publishedRunOf(server.url, server.schema)
      fs.writeFileSync(buildSql, "create index on no_such_table (person_id);\n")
      const broken = runFixtures({ out: postgresOut, keyFile }, "--warehouse", warehouseUrl, "--config", config)
      expect(broken.status).toBe(2)
      expect(broken.lastLine).toContain(`warehouseBuildSql ${buildSql} failed`)
      expect(await publishedRunOf(server.url, server.schema)).toBe(before)
    })

    it("swaps a new run in, keeps the one before as <schema>_previous and drops a killed run's build", async () => {
      const before = await publishedRunOf(server.url, server.schema)
      const killed = `${server.schema}_build_20261120t020000000z_dead`
      await withPostgres(server.url, (client) => client.query(`create schema "${killed}"`))
      const again = runFixtures({ out: postgresOut, keyFile }, "--warehouse", warehouseUrl)
      expect(again.status, again.stderr).toBe(0)
      const published = await publishedRunOf(server.url, server.schema)
      expect(published).not.toBe(before)
      expect(fs.realpathSync(postgresOut)).toMatch(new RegExp(`${published}$`))
      expect(await publishedRunOf(server.url, `${server.schema}_previous`)).toBe(before)
      expect(await schemasLike(server.url, server.schema)).toEqual([server.schema, `${server.schema}_previous`])
    })
  }
)
