/**
 * The whole bad-input corpus through whole runs, scanned for identifiers:
 * each night puts one case of every source's folder in the fixtures' inbox
 * (the fixture file for sources whose cases have run out) and runs with the
 * production lineage, OpenLineage and log services writing their files. Then
 * no identifier of those cases may be anywhere the run wrote but the secure
 * area's quarantine: not in the warehouse, the release, the lineage chain,
 * the OpenLineage events, the run log, nor the failure's last line.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { parse } from "csv-parse/sync"
import { Cause, Effect, Exit, Layer } from "effect"
import { LineageLog } from "../../pipelines/governance/lineageLog.js"
import { OpenLineageLog } from "../../pipelines/governance/openLineageLog.js"
import { ExtractReaders } from "../../pipelines/ingest/extractReaders.js"
import { nightlyRun } from "../../pipelines/nightly/nightlyRun.js"
import { FileSystem } from "../../pipelines/services/fileSystem.js"
import { Progress } from "../../pipelines/services/progress.js"
import { publicationArea } from "../../pipelines/services/publication.js"
import { PseudonymKey } from "../../pipelines/services/pseudonymKey.js"
import { RunLock } from "../../pipelines/services/runLock.js"
import { RunLog } from "../../pipelines/services/runLog.js"
import { Warehouse } from "../../pipelines/warehouse/engines.js"
import { checkNhsNumber } from "../../schemas/fields/nhsNumber.js"
import { normalisePostcode } from "../../schemas/fields/postcode.js"
import { canonicalColumnName } from "../../transforms/csvHeader.js"
import { findIdentifiers, IDENTIFIER_COLUMNS } from "../e2e/identifiers.js"
import { filesUnder, sqliteTables } from "../e2e/wsdCommand.js"
import { GENERATED_CASES } from "./generatedCorpus.js"

const fixtures = path.join(import.meta.dirname, "..", "..", "fixtures", "inbox")
const corpus = path.join(import.meta.dirname, "..", "..", "fixtures", "bad-input")
const expected = Object.keys(JSON.parse(fs.readFileSync(path.join(corpus, "expected.json"), "utf8")) as object)

/**
 * A case file's identifiers: the cells under identifier columns, and every
 * valid NHS number anywhere in it (a header glued to its first record, a
 * number in a column it does not belong to), in each form it could be written.
 */
const identifiersOf = (file: string): Set<string> => {
  const found = new Set<string>()
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return found
  const text = fs.readFileSync(file, "utf8")
  for (const digits of text.match(/\d[\d -]{8,14}\d/g) ?? []) {
    const nhs = checkNhsNumber(digits)
    if (nhs.valid) found.add(nhs.nhsNumber).add(digits)
  }
  const [header = [], ...rows] = parse(text, {
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_records_with_error: true
  }) as Array<Array<string>>
  const columns = header.map(canonicalColumnName)
  for (const row of rows) {
    row.forEach((raw, i) => {
      const value = raw.trim()
      // A header repeated as a row (a file sent twice in one) holds column names, not identifiers.
      if (
        value.length < 4 ||
        !IDENTIFIER_COLUMNS.has(columns[i] ?? "") ||
        columns.includes(canonicalColumnName(value))
      ) {
        return
      }
      found.add(value)
      const postcode = columns[i] === "postcode" ? normalisePostcode(value) : undefined
      if (postcode) found.add(postcode).add(postcode.replace(" ", ""))
    })
  }
  return found
}

/** The corpus's cases, each where a run can read it: generated ones written to `scratch`. */
const corpusCases = (scratch: string): Map<string, Array<string>> => {
  const bySource = new Map<string, Array<string>>()
  for (const name of expected) {
    let file = path.join(corpus, name)
    if (name in GENERATED_CASES) {
      file = path.join(scratch, name.replace("/", "-"), path.basename(name))
      fs.mkdirSync(path.dirname(file), { recursive: true })
      GENERATED_CASES[name]!(file)
    }
    const source = name.split("/")[0]!
    bySource.set(source, [...(bySource.get(source) ?? []), file])
  }
  return bySource
}

/**
 * Copies a case into the inbox as its source's file, so the run judges it as
 * it would there: a link to a file beside it comes with that file, a link
 * leading elsewhere still leads there.
 */
const place = (file: string, target: string) => {
  fs.rmSync(target, { recursive: true, force: true })
  const stat = fs.lstatSync(file)
  if (stat.isSymbolicLink()) {
    const link = fs.readlinkSync(file)
    const beside =
      !path.isAbsolute(link) && !link.includes(path.sep) && fs.existsSync(path.join(path.dirname(file), link))
    if (beside) fs.copyFileSync(path.join(path.dirname(file), link), path.join(path.dirname(target), link))
    fs.symlinkSync(beside ? link : path.resolve(path.dirname(file), link), target)
  } else if (stat.isDirectory()) fs.mkdirSync(target)
  else fs.copyFileSync(file, target)
}

/** Everything a night wrote or said, but the secure area where quarantined rows belong. */
const whatTheNightLeft = (out: string, lastLine: string): string => {
  const { stateDir } = publicationArea(out)
  const secure = path.join(stateDir, "secure")
  const written = [...filesUnder(stateDir), ...(fs.existsSync(out) ? filesUnder(fs.realpathSync(out)) : [])]
    .filter((file) => !file.startsWith(secure + path.sep))
    .map((file) =>
      file.endsWith(".sqlite")
        ? [...sqliteTables(file).values()].map((rows) => JSON.stringify(rows)).join("\n")
        : fs.readFileSync(file, "utf8")
    )
  return [...written, lastLine].join("\n")
}

describe("the bad-input corpus, night by night", () => {
  it.effect("leaves no identifier of any case anywhere but the secure area's quarantine", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsd-corpus-nights-"))
    const bySource = corpusCases(path.join(dir, "generated"))
    const nights = Math.max(...[...bySource.values()].map((cases) => cases.length))
    // Every case's rows may be quarantined: the night must still publish, for its files to be scanned.
    const config = path.join(dir, "wsd.json")
    fs.writeFileSync(config, JSON.stringify({ quarantineThreshold: 1, duplicateThreshold: 1 }))
    return Effect.gen(function* () {
      let casesRun = 0
      let identifiersSought = 0
      let published = 0
      const leaks: Array<string> = []
      let quarantinedIdentifiers = 0
      for (let night = 0; night < nights; night++) {
        const inbox = path.join(dir, `inbox-${night}`)
        const out = path.join(dir, `out-${night}`)
        fs.cpSync(fixtures, inbox, { recursive: true })
        const identifiers = new Set<string>()
        for (const [source, cases] of bySource) {
          const file = cases[night]
          if (file === undefined) continue
          place(file, path.join(inbox, `${source}.csv`))
          for (const identifier of identifiersOf(file)) identifiers.add(identifier)
          casesRun++
        }
        // The fixtures' own identifiers are the fixtures' scan's business; these are the cases' alone.
        const runId = `20261120T02${String(night).padStart(2, "0")}00000Z-0001`
        const area = publicationArea(out)
        const { lineageDir, lockFile, logsDir, stateDir } = area
        const exit = yield* Effect.exit(
          nightlyRun({ runId, inbox, out, asOf: "2026-11-20", configFile: config }).pipe(
            Effect.provide(
              Layer.mergeAll(
                PseudonymKey.fromHex("3c".repeat(32)),
                ExtractReaders.layerInThread,
                Warehouse.layerSqlite,
                Progress.none,
                Layer.provideMerge(
                  Layer.mergeAll(
                    OpenLineageLog.layer(lineageDir, runId),
                    LineageLog.layer(area, undefined),
                    RunLock.layer(lockFile, stateDir)
                  ),
                  Layer.merge(
                    RunLog.toFile(path.join(logsDir, `${runId}.jsonl`), undefined),
                    FileSystem.layer(stateDir)
                  )
                )
              )
            )
          )
        )
        if (Exit.isSuccess(exit)) published++
        const lastLine = Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""
        identifiersSought += identifiers.size
        leaks.push(
          ...findIdentifiers(whatTheNightLeft(out, lastLine), identifiers).map((id) => `night ${night}: ${id}`)
        )
        const secure = path.join(stateDir, "secure")
        if (fs.existsSync(secure)) {
          quarantinedIdentifiers += findIdentifiers(
            filesUnder(secure)
              .map((file) => fs.readFileSync(file, "utf8"))
              .join("\n"),
            identifiers
          ).length
        }
      }
      assert.deepStrictEqual(leaks, [])
      assert.strictEqual(casesRun, expected.length)
      // The scan had something to find, and the quarantine shows it was there to be found.
      assert.isAtLeast(identifiersSought, 100)
      assert.isAtLeast(quarantinedIdentifiers, 20)
      // Nights whose case fails a required file publish nothing; the rest have a warehouse and release to scan.
      assert.isAtLeast(published, 8)
    })
  })
})
