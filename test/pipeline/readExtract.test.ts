import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { parse } from "csv-parse/sync"
import { Effect } from "effect"
import type { ExtractSource } from "../../schemas/extractSource.js"
import { gpEvents } from "../../schemas/sources/gpEvents.js"
import { optOuts } from "../../schemas/sources/optOuts.js"
import { practices } from "../../schemas/sources/practices.js"
import { SOURCES as CATALOGUE } from "../../schemas/sourceCatalogue.js"
import { type NumberedRow, type QuarantinedRow, readExtract } from "../../pipelines/ingest/readExtract.js"

const inbox = path.join(import.meta.dirname, "..", "..", "fixtures", "inbox")
const ALL_SOURCES: ReadonlyArray<ExtractSource<unknown>> = Object.values(CATALOGUE)

const readAll = <Row>(source: ExtractSource<Row>, file: string) =>
  Effect.gen(function* () {
    const accepted: Array<NumberedRow<Row>> = []
    const quarantined: Array<QuarantinedRow> = []
    const summary = yield* readExtract({
      source,
      file,
      onAccepted: (rows) => Effect.sync(() => void accepted.push(...rows)),
      onQuarantined: (rows) => Effect.sync(() => void quarantined.push(...rows))
    })
    return { summary, accepted, quarantined }
  })

const tempFile = (name: string, content: string | Buffer): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsd-read-"))
  const file = path.join(dir, name)
  fs.writeFileSync(file, content)
  return file
}

const OPT_OUT_HEADER = "nhs_number,opt_out_type,recorded_date\n"

describe("reading extracts", () => {
  for (const source of ALL_SOURCES) {
    it.effect(`${source.name}: every row read is accepted or quarantined, none lost`, () =>
      Effect.gen(function* () {
        const file = path.join(inbox, `${source.name}.csv`)
        const dataRecords = (parse(fs.readFileSync(file), { bom: true }) as Array<unknown>).length - 1
        const { accepted, quarantined, summary } = yield* readAll(source, file)
        assert.strictEqual(summary.rowsRead, dataRecords)
        assert.strictEqual(summary.rowsAccepted, accepted.length)
        assert.strictEqual(summary.rowsQuarantined, quarantined.length)
        assert.strictEqual(summary.rowsAccepted + summary.rowsQuarantined, summary.rowsRead)
        assert.strictEqual(summary.sha256.length, 64)
        assert.strictEqual(summary.bytes, fs.statSync(file).size)
      })
    )
  }

  it.effect("quarantines each bad row with its row number, field and reason, and loads the rest", () =>
    Effect.gen(function* () {
      const file = tempFile(
        "opt_outs.csv",
        OPT_OUT_HEADER +
          "9434765919,ndoo,2024-05-01\n" + // row 2: good
          "9434765918,ndoo,2024-05-01\n" + // row 3: bad check digit
          "1111111111,type1,\n" + // row 4: placeholder
          "9434765919,paper,31/02/2024\n" + // row 5: unknown code and impossible date
          "9434765919,ndoo\n" + // row 6: wrong cell count
          ",ndoo,2024-05-01\n" // row 7: required value missing
      )
      const { accepted, quarantined, summary } = yield* readAll(optOuts, file)
      assert.deepStrictEqual(
        accepted.map((row) => row.row),
        [2]
      )
      assert.deepStrictEqual(
        quarantined.map((row) => [row.row, row.problems.map((p) => `${p.field}/${p.reason}`)]),
        [
          [3, ["nhs_number/nhs_number_check_digit"]],
          [4, ["nhs_number/nhs_number_placeholder"]],
          [5, ["opt_out_type/unknown_code", "recorded_date/invalid_date"]],
          [6, ["row/cell_count"]],
          [7, ["nhs_number/missing_required"]]
        ]
      )
      assert.strictEqual(summary.quarantineReasons["nhs_number/nhs_number_check_digit"], 1)
    })
  )

  it.effect("tolerates a byte-order mark, CRLF and mixed line endings, quoted commas and line breaks", () =>
    Effect.gen(function* () {
      const file = tempFile(
        "practices.csv",
        "\uFEFFPractice Code,Practice Name,PCN,Locality\r\n" +
          'F84003,"Whitechapel, ""Health"" Centre",Whitechapel PCN,North\n' +
          'F84004,"Mile End\r\nSurgery",Mile End PCN,Central\r\n'
      )
      const { accepted, summary } = yield* readAll(practices, file)
      assert.strictEqual(summary.rowsAccepted, 2)
      assert.deepStrictEqual(
        accepted.map((row) => [row.row, row.value.practice_name]),
        [
          [2, 'Whitechapel, "Health" Centre'],
          [3, "Mile End\r\nSurgery"]
        ]
      )
    })
  )

  it.effect("quarantines a row holding bytes that are not UTF-8, not the file", () =>
    Effect.gen(function* () {
      const file = tempFile(
        "practices.csv",
        Buffer.concat([
          Buffer.from("practice_code,practice_name,pcn,locality\nF84003,Whitechapel,W PCN,North\nF84004,Mile "),
          Buffer.from([0xff, 0xfe]),
          Buffer.from(",M PCN,Central\n")
        ])
      )
      const { quarantined, summary } = yield* readAll(practices, file)
      assert.strictEqual(summary.rowsAccepted, 1)
      assert.deepStrictEqual(
        quarantined.map((row) => [row.row, row.problems[0]?.reason]),
        [[3, "encoding"]]
      )
    })
  )

  it.effect("quarantines only the line of a stray quote and reads every row after it, numbered as in the file", () =>
    Effect.gen(function* () {
      const day = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)
      const row = (i: number) => `9434765919,ndoo,${day(i)}\n`
      const rows = Array.from({ length: 1999 }, (_, i) => row(i))
      // Row 101 (line 101): a quoted cell with a character after its closing quote.
      rows[99] = '9434765919,"77176002"x,2024-05-01\n'
      // Row 1500: a quote opened and never closed.
      rows[1498] = '4010232137,"type1,2024-05-01\n'
      const file = tempFile("opt_outs.csv", OPT_OUT_HEADER + rows.join(""))
      const { accepted, quarantined, summary } = yield* readAll(optOuts, file)
      assert.deepStrictEqual(
        quarantined.map((row) => [row.row, row.problems[0]?.reason]),
        [
          [101, "malformed_quote"],
          [1500, "malformed_quote"]
        ]
      )
      assert.strictEqual(summary.rowsAccepted, 1997)
      assert.strictEqual(summary.rowsRead, 1999)
      assert.strictEqual(accepted.at(-1)?.row, 2000)
      assert.strictEqual(accepted[99]?.row, 102)
    })
  )

  it.effect("fails the source, naming the file and the column, when a required column is missing", () =>
    Effect.gen(function* () {
      const file = tempFile("opt_outs.csv", "nhs_number,recorded_date\n9434765919,2024-05-01\n")
      const error = yield* Effect.flip(readAll(optOuts, file))
      assert.strictEqual(error._tag, "SourceFileError")
      assert.include(error.message, "opt_out_type")
      assert.strictEqual(error._tag === "SourceFileError" && error.file, file)
    })
  )

  it.effect("fails an empty file as a whole", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(readAll(optOuts, tempFile("opt_outs.csv", "")))
      assert.include(error.message, "empty")
    })
  )

  it.effect("accepts a header-only file as zero rows", () =>
    Effect.gen(function* () {
      const { summary } = yield* readAll(optOuts, tempFile("opt_outs.csv", OPT_OUT_HEADER))
      assert.strictEqual(summary.rowsRead, 0)
    })
  )

  it.effect("reports unknown extra columns once", () =>
    Effect.gen(function* () {
      const { summary } = yield* readAll(gpEvents, path.join(inbox, "gp_events.csv"))
      assert.deepStrictEqual(summary.unknownColumns, ["entered_by"])
    })
  )
})
