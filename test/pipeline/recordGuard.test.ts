/**
 * The filter that finds each record's end in front of the CSV parser: it must
 * give the same bytes however the file arrives in chunks, never let the
 * parser see a record over the limit or a quote it cannot read, and replace
 * only the lines a bad record can be blamed on, so that no later row is lost.
 */
import { Readable } from "node:stream"
import { parse } from "csv-parse"
import { parse as parseSync } from "csv-parse/sync"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { recordGuard } from "../../pipelines/ingest/recordGuard.js"

/** Runs `input`, split at `cuts`, through a guard; returns what the parser would receive. */
const guarded = async (input: Buffer, limit: number, cuts: ReadonlyArray<number> = []) => {
  const guard = recordGuard(limit)
  const bounds = [0, ...[...new Set(cuts)].filter((cut) => cut > 0 && cut < input.length).sort((a, b) => a - b)]
  const chunks = bounds.map((start, i) => input.subarray(start, bounds[i + 1] ?? input.length))
  const out: Array<Buffer> = []
  for await (const chunk of Readable.from(chunks).pipe(guard.stream)) out.push(chunk as Buffer)
  const text = Buffer.concat(out).toString("latin1")
  return {
    bytes: Buffer.concat(out),
    /** The output with each marker named, to compare reads that used different markers. */
    named: text.replaceAll(guard.tooLarge, "TOO LARGE").replaceAll(guard.malformedQuote, "MALFORMED"),
    guard
  }
}

/** The parser's options as the extract reader sets them. */
const PARSER = {
  bom: true,
  record_delimiter: ["\r\n", "\n", "\r"],
  relax_column_count: true,
  skip_empty_lines: true
}

/** The records the parser reads from the guarded input; it fails the test on any parse error. */
const records = async (input: Buffer, limit: number, cuts?: ReadonlyArray<number>) => {
  const { bytes, guard } = await guarded(input, limit, cuts)
  const rows = parseSync(bytes, PARSER) as Array<Array<string>>
  return rows.map((cells) =>
    cells.length === 1 && cells[0] === guard.tooLarge
      ? "TOO LARGE"
      : cells.length === 1 && cells[0] === guard.malformedQuote
        ? "MALFORMED"
        : cells.join("|")
  )
}

/** CSV-like text from the pieces that decide where a record ends. */
const csvText = fc
  .array(fc.constantFrom("a", "bb", ",", '"', '""', "\n", "\r\n", "\r", " ", "é"), { maxLength: 60 })
  .map((pieces) => Buffer.from(pieces.join("")))
const cuts = fc.array(fc.nat({ max: 80 }), { maxLength: 6 })

/** A readable cell as partners write them: codes, dates, quoted money with commas, quoted text with `""`. */
const goodCell = fc.oneof(
  fc.constantFrom("9434765919", "2024-05-01", "ndoo", "", "E1 6AN"),
  fc.constantFrom('"£1,200.00"', '"Whitechapel, North"', '"the ""A"" ward"', '""')
)
/** A line whose quotes cannot be read, of the kinds seen in partners' files. */
const badLine = fc.constantFrom(
  '9434765919,"77176002"x,2024-05-01',
  '9434765919,Jo "JJ" Smith,2024-05-01',
  '4010232137,"type1,2024-05-01'
)

describe("the record guard", () => {
  it("replaces a 10 MB record, quoted or not, and passes the rows around it", async () => {
    const big = "x".repeat(10 * 1024 * 1024)
    const cutsEvery64k = Array.from({ length: 200 }, (_, i) => i * 65_536)
    for (const cell of [big, `"${big}"`]) {
      const input = Buffer.from(`nhs_number,opt_out_type\r\n9434765919,type1\r\n${cell},ndoo\r\n9434765919,ndoo\r\n`)
      expect(await records(input, 1024, cutsEvery64k)).toEqual([
        "nhs_number|opt_out_type",
        "9434765919|type1",
        "TOO LARGE",
        "9434765919|ndoo"
      ])
    }
    // A quoted cell whose line break comes before the limit: its first line is blamed, the second is too large.
    const input = Buffer.from(
      `nhs_number,opt_out_type\n9434765919,type1\n"${big.slice(0, 5)}\n${big}",ndoo\n9434765919,ndoo\n`
    )
    expect(await records(input, 1024, cutsEvery64k)).toEqual([
      "nhs_number|opt_out_type",
      "9434765919|type1",
      "MALFORMED",
      "TOO LARGE",
      "9434765919|ndoo"
    ])
  })

  it("blames a quote left open to the end of the file on its own line, and reads every line after it", async () => {
    const lines = Array.from({ length: 600 }, (_, i) => `${i},y`)
    for (const limit of [1000, 1024 * 1024]) {
      const input = Buffer.from(`a,b\n1,"y\n${lines.join("\n")}\n`)
      expect(await records(input, limit)).toEqual(["a|b", "MALFORMED", ...lines.map((line) => line.replace(",", "|"))])
    }
  })

  it("replaces a line with a misplaced or badly closed quote, and nothing after it", async () => {
    expect(await records(Buffer.from('a,b\n1,O"Connor\n2,x\n'), 12)).toEqual(["a|b", "MALFORMED", "2|x"])
    expect(await records(Buffer.from('a,b\n1,"ab"c\n2,x\n3,y\n'), 8)).toEqual(["a|b", "MALFORMED", "2|x", "3|y"])
    expect(await records(Buffer.from('a,b\n1,"ab"c\n2,x\n3,y'), 1000)).toEqual(["a|b", "MALFORMED", "2|x", "3|y"])
  })

  it("keeps a quoted field that holds line breaks and commas when its record has the header's cells", async () => {
    const input = Buffer.from('a,b\r\n1,"line one,\r\nline ""two"""\r\n2,x\r\n')
    expect(await records(input, 1000)).toEqual(["a|b", '1|line one,\r\nline "two"', "2|x"])
  })

  it("blames a record spanning lines with a cell count unlike the header's on its first line", async () => {
    // `"p` opens quotes that `q",` closes: one record of three cells, where the header has two.
    expect(await records(Buffer.from('a,b\n1,"p\nq",r\n2,x\n'), 1000)).toEqual(["a|b", "MALFORMED", "MALFORMED", "2|x"])
  })

  it("reads a byte-order mark however the file is cut, and a quote right after it opens a field", async () => {
    const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('"a",b\n1,2\n')])
    for (const cut of [[], [1], [2], [3], [1, 2]]) {
      expect(await records(input, 1000, cut)).toEqual(["a|b", "1|2"])
    }
  })

  it("follows a quote that opens at the start of a chunk, after a chunk with no quote in it", async () => {
    // The chunk `,b\n1,` (or `,b\n1,O`) has no quote: it is walked by line breaks, not byte by byte.
    const opensQuotes = 'a,b\n1,"'.length - 1
    const longQuoted = Buffer.from(`a,b\n1,"${"y\n".repeat(600)}"\n2,x\n`)
    expect(await records(longQuoted, 1000, [1, opensQuotes])).toEqual(await records(longQuoted, 1000))
    const midField = Buffer.from(`a,b\n1,O"Connor\n${"y\n".repeat(600)}2,x\n`)
    expect(await records(midField, 1000, [1, opensQuotes + 1])).toEqual(await records(midField, 1000))
  })

  it("passes readable records through unchanged, however they are cut", async () => {
    const file = fc.array(fc.array(goodCell, { minLength: 3, maxLength: 3 }), { maxLength: 20 })
    await fc.assert(
      fc.asyncProperty(file, cuts, async (rows, at) => {
        const input = Buffer.from(["a,b,c", ...rows.map((cells) => cells.join(","))].join("\n") + "\n")
        expect((await guarded(input, input.length, at)).bytes.equals(input)).toBe(true)
      }),
      { numRuns: 300 }
    )
  })

  it("loses no readable row among lines with bad quotes: each bad line is one marker, in its place", async () => {
    const line = fc.oneof(
      fc.array(goodCell, { minLength: 3, maxLength: 3 }).map((cells) => ({ good: true, text: cells.join(",") })),
      badLine.map((text) => ({ good: false, text }))
    )
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 30 }), cuts, async (lines, at) => {
        const input = Buffer.from(["a,b,c", ...lines.map((entry) => entry.text)].join("\n") + "\n")
        const expected = lines.map((entry) =>
          entry.good ? (parseSync(entry.text) as Array<Array<string>>)[0]!.join("|") : "MALFORMED"
        )
        expect(await records(input, 1024 * 1024, at)).toEqual(["a|b|c", ...expected])
      }),
      { numRuns: 300 }
    )
  })

  it("gives the same bytes however the input is cut into chunks", async () => {
    await fc.assert(
      fc.asyncProperty(csvText, cuts, fc.integer({ min: 1, max: 12 }), async (input, at, limit) => {
        expect((await guarded(input, limit, at)).named).toBe((await guarded(input, limit)).named)
      }),
      { numRuns: 300 }
    )
  })

  it("never lets the parser see a record longer than the limit, nor a quote it cannot read", async () => {
    await fc.assert(
      fc.asyncProperty(csvText, cuts, fc.integer({ min: 1, max: 12 }), async (input, at, limit) => {
        const { bytes, guard } = await guarded(input, limit, at)
        // Without skip_records_with_error, any quote fault throws.
        const parser = Readable.from([bytes]).pipe(parse(PARSER))
        for await (const cells of parser as AsyncIterable<Array<string>>) {
          if (cells.length === 1 && (cells[0] === guard.tooLarge || cells[0] === guard.malformedQuote)) continue
          expect(cells.join(",").length).toBeLessThanOrEqual(limit)
        }
      }),
      { numRuns: 500 }
    )
  })
})
