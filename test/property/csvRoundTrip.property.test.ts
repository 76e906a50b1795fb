import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { readExtract } from "../../pipelines/ingest/readExtract.js"
import { practices } from "../../schemas/sources/practices.js"

/** An RFC 4180 writer: every cell quoted, quotes doubled. */
const writeCsv = (rows: ReadonlyArray<ReadonlyArray<string>>, lineEnding: string): string =>
  rows.map((row) => row.map((cell) => `"${cell.replaceAll('"', '""')}"`).join(",")).join(lineEnding) + lineEnding

/** Free text as partners send it: commas, quotes, line breaks, accents; cells are trimmed on reading. */
const cellText = fc
  .string({
    unit: fc.constantFrom("a", "Z", "é", "ł", "'", '"', ",", " ", "\n", "\r\n", "-", "£", "9"),
    minLength: 1,
    maxLength: 12
  })
  // Practice names may hold anything but a run of six digits (a phone or NHS number).
  .filter((text) => text.trim().length > 0 && !/\d{6}/.test(text))
const practiceCode = fc.stringMatching(/^[A-Z][0-9]{5}$/)

describe("CSV reading properties", () => {
  it("reads back any table a CSV writer wrote, cell for cell", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(practiceCode, cellText, cellText, cellText), { minLength: 1, maxLength: 20 }),
        fc.constantFrom("\n", "\r\n"),
        async (rows, lineEnding) => {
          const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "wsd-csv-")), "practices.csv")
          fs.writeFileSync(file, writeCsv([["practice_code", "practice_name", "pcn", "locality"], ...rows], lineEnding))
          const read: Array<ReadonlyArray<string>> = []
          const summary = await Effect.runPromise(
            readExtract({
              source: practices,
              file,
              onAccepted: (batch) =>
                Effect.sync(
                  () =>
                    void read.push(
                      ...batch.map(({ value }) => [value.practice_code, value.practice_name, value.pcn, value.locality])
                    )
                ),
              onQuarantined: () => Effect.void
            })
          )
          expect(summary.rowsQuarantined).toBe(0)
          expect(read).toEqual(rows.map((row) => row.map((cell) => cell.trim())))
        }
      ),
      { numRuns: 60 }
    )
  })
})
