/**
 * Whatever a partner writes in whichever column, no identifier reaches the
 * warehouse or a published file: the fixtures' night with, for every column
 * of every source, one more record whose cell in that column holds a name, a
 * phone number and an NHS number. Each cell is either decoded as a code or a
 * bounded pattern (and the record quarantined), or read only to link and
 * never stored; the quarantined records stay in the secure area.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import Database from "better-sqlite3"
import { parse } from "csv-parse/sync"
import { Effect, Layer } from "effect"
import { LineageLog } from "../../pipelines/governance/lineageLog.js"
import { OpenLineageLog } from "../../pipelines/governance/openLineageLog.js"
import { ExtractReaders } from "../../pipelines/ingest/extractReaders.js"
import { nightlyRun } from "../../pipelines/nightly/nightlyRun.js"
import { FileSystem } from "../../pipelines/services/fileSystem.js"
import { Progress } from "../../pipelines/services/progress.js"
import { PseudonymKey } from "../../pipelines/services/pseudonymKey.js"
import { RunLock } from "../../pipelines/services/runLock.js"
import { RunLog } from "../../pipelines/services/runLog.js"
import { Warehouse } from "../../pipelines/warehouse/engines.js"
import { SQLITE_FILE } from "../../pipelines/warehouse/sqlite.js"

const fixtures = path.join(import.meta.dirname, "..", "..", "fixtures", "inbox")
/** What is planted, and the parts of it a leak would show (as written, or as a warehouse might normalise it). */
const PLANTED = "Jane Fairweather 07700 900123 4010232137"
const LEAKS = ["Fairweather", "FAIRWEATHER", "fairweather", "07700 900123", "07700900123", "4010232137"]

const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)

/** The inbox with one planted record per column of every source; returns how many were planted. */
const plantedInbox = (inbox: string): number => {
  fs.cpSync(fixtures, inbox, { recursive: true })
  let planted = 0
  for (const file of fs.readdirSync(inbox).filter((name) => name.endsWith(".csv"))) {
    const [header = [], first = []] = parse(fs.readFileSync(path.join(inbox, file)), { bom: true }) as Array<
      Array<string>
    >
    const records = header.map((_, column) => first.map((cell, i) => csvCell(i === column ? PLANTED : cell)).join(","))
    planted += records.length
    const text = fs.readFileSync(path.join(inbox, file), "utf8")
    fs.writeFileSync(path.join(inbox, file), `${text.replace(/\r?\n?$/, "\n")}${records.join("\n")}\n`)
  }
  return planted
}

/** Every text cell of every table of a SQLite warehouse. */
const warehouseText = (file: string): Array<string> => {
  const db = new Database(file, { readonly: true })
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>
    return tables.flatMap(({ name }) =>
      (db.prepare(`select * from "${name}"`).all() as Array<Record<string, unknown>>).flatMap((row) =>
        Object.values(row).filter((value): value is string => typeof value === "string")
      )
    )
  } finally {
    db.close()
  }
}

const filesUnder = (dir: string): Array<string> =>
  fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((file) => path.join(dir, file))
    .filter((file) => fs.statSync(file).isFile())

describe("identifiers planted in every column of every source", () => {
  it.effect("reach neither the warehouse nor any published file, the lineage and logs included", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsd-planted-"))
    const inbox = path.join(dir, "inbox")
    const out = path.join(dir, "out")
    const planted = plantedInbox(inbox)
    // Every planted record may be quarantined: the run must still publish for its files to be scanned.
    const config = path.join(dir, "wsd.json")
    fs.writeFileSync(config, JSON.stringify({ quarantineThreshold: 1 }))
    return Effect.gen(function* () {
      const { lineage } = yield* nightlyRun({
        runId: "20261120T020000000Z-0001",
        inbox,
        out,
        asOf: "2026-11-20",
        configFile: config
      })
      assert.isAtLeast(planted, 80)
      const quarantined = lineage.inputs.reduce((n, input) => n + input.rows_quarantined, 0)
      assert.isAtLeast(quarantined, 40)
      const texts = [
        ...warehouseText(path.join(out, SQLITE_FILE)),
        ...filesUnder(fs.realpathSync(out)).map((file) => fs.readFileSync(file, "latin1"))
      ]
      const leaks = LEAKS.filter((leak) => texts.some((text) => text.includes(leak)))
      assert.deepStrictEqual(leaks, [])
      // The planted records are where they belong: in the secure area, for the partner.
      const secure = filesUnder(path.join(dir, ".out.wsd", "secure")).map((file) => fs.readFileSync(file, "utf8"))
      assert.isTrue(secure.some((text) => text.includes("Fairweather")))
    }).pipe(
      Effect.provide(
        Layer.mergeAll(
          PseudonymKey.fromHex("3c".repeat(32)),
          ExtractReaders.layerInThread,
          Warehouse.layerSqlite,
          LineageLog.layerTest(),
          OpenLineageLog.layerTest([]),
          RunLock.layerTest(),
          FileSystem.layer(dir),
          RunLog.memory([]),
          Progress.none
        )
      )
    )
  })
})
