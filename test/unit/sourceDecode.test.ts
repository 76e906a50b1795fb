import * as fs from "node:fs"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { parse } from "csv-parse/sync"
import { Result } from "effect"
import type { ExtractSource } from "../../schemas/extractSource.js"
import { MAX_COUNT } from "../../schemas/fields/fieldTypes.js"
import { SOURCES as CATALOGUE } from "../../schemas/sourceCatalogue.js"

const inbox = path.join(import.meta.dirname, "..", "..", "fixtures", "inbox")
const SOURCES: ReadonlyArray<ExtractSource<unknown>> = Object.values(CATALOGUE)

/** The fixture's rows as the reader hands them to a source: trimmed cells by column, empty cells absent. */
const rowsOf = (source: ExtractSource<unknown>): Array<Record<string, string>> => {
  const [header = [], ...records] = parse(fs.readFileSync(path.join(inbox, `${source.name}.csv`))) as Array<
    Array<string>
  >
  return records.map((cells) =>
    Object.fromEntries(header.flatMap((column, i) => (cells[i]?.trim() ? [[column, cells[i].trim()]] : [])))
  )
}

/** Each row, and each row with one cell blanked, swapped for another's, or made nonsense. */
const variants = (rows: ReadonlyArray<Record<string, string>>): Array<Record<string, string>> =>
  rows.flatMap((row, r) => [
    row,
    ...Object.keys(row).flatMap((column) => {
      const { [column]: _, ...blanked } = row
      const other = Object.values(rows[(r + 1) % rows.length] ?? {})
      return [blanked, { ...row, [column]: "x?" }, { ...row, [column]: other[r % other.length] ?? "" }]
    })
  ])

describe("decoding a row without the schema", () => {
  for (const source of SOURCES) {
    it(`${source.name}: agrees with the schema on every row, good or bad`, () => {
      for (const cells of variants(rowsOf(source))) {
        assert.deepStrictEqual(source.decodeRow(cells), source.decodeRowWithSchema(cells))
      }
    })
  }
})

describe("numbers no warehouse column can hold", () => {
  const problemsOf = (source: ExtractSource<unknown>, cells: Record<string, string>) =>
    Result.match(source.decodeRow(cells), { onSuccess: () => [], onFailure: (problems) => problems }).map(
      (problem) => `${problem.field}/${problem.reason}`
    )

  it("quarantines a count above the warehouse's integer range, and keeps one at its top", () => {
    const [row] = rowsOf(CATALOGUE.education)
    assert.deepStrictEqual(problemsOf(CATALOGUE.education, { ...row!, exclusions: String(MAX_COUNT) }), [])
    assert.deepStrictEqual(problemsOf(CATALOGUE.education, { ...row!, exclusions: String(MAX_COUNT + 1) }), [
      "exclusions/out_of_range"
    ])
  })

  it("quarantines an unbounded decimal too long to be a finite number", () => {
    const event = { nhs_number: "9908301667", snomed_code: "13645005", event_date: "2009-05-12" }
    assert.deepStrictEqual(problemsOf(CATALOGUE.gp_events, { ...event, value: "9".repeat(300) }), [])
    assert.deepStrictEqual(problemsOf(CATALOGUE.gp_events, { ...event, value: "9".repeat(400) }), [
      "value/out_of_range"
    ])
  })
})
