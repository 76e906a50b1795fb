/**
 * The filter that keeps over-long records away from the CSV parser: it must
 * pass every other byte through unchanged however the file arrives in
 * chunks, and the parser must never see a record over the limit.
 */
import { Readable } from "node:stream"
import { parse } from "csv-parse"
import { parse as parseSync } from "csv-parse/sync"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { recordSizeGuard } from "../../pipelines/ingest/recordSizeGuard.js"

/** Runs `input`, split at `cuts`, through a guard; returns what the parser would receive. */
const guarded = async (input: Buffer, limit: number, cuts: ReadonlyArray<number> = []) => {
  const guard = recordSizeGuard(limit)
  const bounds = [0, ...[...new Set(cuts)].filter((cut) => cut > 0 && cut < input.length).sort((a, b) => a - b)]
  const chunks = bounds.map((start, i) => input.subarray(start, bounds[i + 1] ?? input.length))
  const out: Array<Buffer> = []
  for await (const chunk of Readable.from(chunks).pipe(guard.stream)) out.push(chunk as Buffer)
  return { bytes: Buffer.concat(out), marker: guard.marker }
}

/** The parser's options as the extract reader sets them. */
const PARSER = {
  bom: true,
  record_delimiter: ["\r\n", "\n", "\r"],
  relax_column_count: true,
  skip_empty_lines: true,
  skip_records_with_error: true
}

const records = async (input: Buffer, limit: number, cuts?: ReadonlyArray<number>) => {
  const { bytes, marker } = await guarded(input, limit, cuts)
  const rows = parseSync(bytes, PARSER) as Array<Array<string>>
  return rows.map((cells) => (cells.length === 1 && cells[0] === marker ? "TOO LARGE" : cells.join("|")))
}

/** CSV-like text from the pieces that decide where a record ends. */
const csvText = fc
  .array(fc.constantFrom("a", "bb", ",", '"', '""', "\n", "\r\n", "\r", " ", "é"), { maxLength: 60 })
  .map((pieces) => Buffer.from(pieces.join("")))
const cuts = fc.array(fc.nat({ max: 80 }), { maxLength: 6 })

describe("the record size guard", () => {
  it("replaces a 10 MB record, quoted or not, and passes the rows around it", async () => {
    const big = "x".repeat(10 * 1024 * 1024)
    for (const cell of [big, `"${big}"`, `"${big.slice(0, 5)}\n${big}"`]) {
      const input = Buffer.from(`nhs_number,opt_out_type\r\n9434765919,type1\r\n${cell},ndoo\r\n9434765919,ndoo\r\n`)
      const cutsEvery64k = Array.from({ length: 200 }, (_, i) => i * 65_536)
      expect(await records(input, 1024, cutsEvery64k)).toEqual([
        "nhs_number|opt_out_type",
        "9434765919|type1",
        "TOO LARGE",
        "9434765919|ndoo"
      ])
    }
  })

  it("replaces a quote left open to the end of the file once it passes the limit", async () => {
    const input = Buffer.from(`a,b\n1,"${"y\n".repeat(600)}`)
    expect(await records(input, 1000)).toEqual(["a|b", "TOO LARGE"])
  })

  it("follows the parser's quoting: a quote inside a field opens nothing, a bad closing quote closes nothing", async () => {
    // `O"Connor` leaves the line break a record end; `"ab"c` keeps quotes open to the end.
    expect(await records(Buffer.from('a,b\n1,O"Connor\n2,x\n'), 12)).toEqual(["a|b", "2|x"])
    expect(await records(Buffer.from('a,b\n1,"ab"c\n2,x\n3,y\n'), 8)).toEqual(["a|b", "TOO LARGE"])
  })

  it("follows a quote that opens at the start of a chunk, after a chunk with no quote in it", async () => {
    // The chunk `,b\n1,` (or `,b\n1,O`) has no quote: it is walked by line feeds, not byte by byte.
    const opensQuotes = 'a,b\n1,"'.length - 1
    const longQuoted = Buffer.from(`a,b\n1,"${"y\n".repeat(600)}"\n2,x\n`)
    expect(await records(longQuoted, 1000, [1, opensQuotes])).toEqual(["a|b", "TOO LARGE", "2|x"])
    // Mid-field, a quote opens nothing: each line after `O"Connor` is a short record.
    const midField = Buffer.from(`a,b\n1,O"Connor\n${"y\n".repeat(600)}2,x\n`)
    expect(await records(midField, 1000, [1, opensQuotes + 1])).toEqual(await records(midField, 1000))
  })

  it("passes anything with no record over the limit through unchanged, however it is cut", async () => {
    await fc.assert(
      fc.asyncProperty(csvText, cuts, async (input, at) => {
        expect((await guarded(input, input.length, at)).bytes.equals(input)).toBe(true)
      }),
      { numRuns: 300 }
    )
  })

  it("gives the same bytes however the input is cut into chunks", async () => {
    await fc.assert(
      fc.asyncProperty(csvText, cuts, fc.integer({ min: 1, max: 12 }), async (input, at, limit) => {
        const whole = await guarded(input, limit)
        const cut = await guarded(input, limit, at)
        expect(cut.bytes.toString().replaceAll(cut.marker, "M")).toBe(
          whole.bytes.toString().replaceAll(whole.marker, "M")
        )
      }),
      { numRuns: 300 }
    )
  })

  it("never lets the parser see a record longer than the limit", async () => {
    await fc.assert(
      fc.asyncProperty(csvText, cuts, fc.integer({ min: 1, max: 12 }), async (input, at, limit) => {
        const { bytes, marker } = await guarded(input, limit, at)
        const parser = Readable.from([bytes]).pipe(parse(PARSER))
        for await (const cells of parser as AsyncIterable<Array<string>>) {
          if (cells.length === 1 && cells[0] === marker) continue
          expect(cells.join(",").length).toBeLessThanOrEqual(limit)
        }
      }),
      { numRuns: 300 }
    )
  })
})
