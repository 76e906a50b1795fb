/**
 * Reading one partner extract: stream the CSV, match its header, decode every
 * row with the source's schema, and send each row either on (accepted) or to
 * the quarantine (with its row number and the reason for every bad field).
 *
 * The file is read once, in chunks: the SHA-256 and byte count recorded in
 * lineage are computed from the same bytes the parser sees, and no file is
 * ever held whole in memory, nor any record longer than `MAX_RECORD_BYTES`
 * (such a record is quarantined, the rest of the file still read). A quote
 * that cannot be read quarantines only the lines it can be blamed on
 * (`recordGuard.ts`), never the rest of the file. Every
 * record the parser produces is counted, so rows read = rows accepted + rows
 * quarantined, always.
 *
 * The reading itself (`extractBatches`) is plain async code with no services,
 * so that it runs the same in the run's thread or in a worker thread
 * (`extractWorker.ts`); `readExtract` hands its batches to the run's effects.
 */
import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import { type CsvError, type Options as CsvOptions, type Parser, parse } from "csv-parse"
import { Effect, Result } from "effect"
import type { ExtractSource, FieldProblem } from "../../schemas/extractSource.js"
import { mapHeader } from "../../transforms/csvHeader.js"
import { SeenRecords } from "../../transforms/duplicateRecords.js"
import { implausibleDates } from "../../transforms/plausibility.js"
import { SourceFileError } from "../errors.js"
import type { Advance } from "../services/progress.js"
import { recordGuard } from "./recordGuard.js"

/** A row of an extract, numbered as a spreadsheet shows it (the header is row 1). */
export interface NumberedRow<Row> {
  readonly row: number
  readonly value: Row
}

export interface QuarantinedRow {
  readonly source: string
  readonly row: number
  readonly problems: ReadonlyArray<FieldProblem>
  /** The raw cells, kept in the secure area only so the partner can be shown the row. */
  readonly cells: ReadonlyArray<string>
}

export interface ExtractReadSummary {
  readonly bytes: number
  readonly sha256: string
  readonly rowsRead: number
  readonly rowsAccepted: number
  readonly rowsQuarantined: number
  /** Quarantined rows per `field/reason`; a row with two bad fields counts under both. */
  readonly quarantineReasons: Readonly<Record<string, number>>
  /** Accepted rows equal in every cell to an earlier one: quarantined, or loaded where identical rows recur. */
  readonly duplicateRows: number
  readonly unknownColumns: ReadonlyArray<string>
}

const REPLACEMENT_CHARACTER = "\uFFFD"

/**
 * The longest record read: far above any real row of the contract's sources
 * (a few hundred bytes), far below what would strain memory.
 */
export const MAX_RECORD_BYTES = 1024 * 1024

/**
 * The parser's records in batches, drained synchronously whenever the parser
 * has some: an async step per record would cost more than decoding it.
 * Batches of 1,024 rows rather than 4,096 leave fewer rows alive at each
 * young-generation collection to be promoted and pile up as old garbage in
 * the run's thread: at 330,000 residents they ran 2 s faster and peaked about
 * 250 MB lower.
 */
async function* inBatches<A>(parser: Parser, size = 1024): AsyncGenerator<Array<A>> {
  let ended = false
  let failure: unknown
  let wake: (() => void) | undefined
  parser.on("readable", () => wake?.())
  parser.on("end", () => {
    ended = true
    wake?.()
  })
  parser.on("error", (error) => {
    failure = error
    wake?.()
  })
  let batch: Array<A> = []
  for (;;) {
    let record: A | null
    while ((record = parser.read() as A | null) !== null) {
      batch.push(record)
      if (batch.length === size) {
        yield batch
        batch = []
      }
    }
    if (failure !== undefined) throw failure
    if (ended) break
    await new Promise<void>((resolve) => (wake = resolve))
  }
  if (batch.length > 0) yield batch
}

/** One batch of a file's records, classified, with the running totals progress reports. */
export interface ExtractBatch<Row> {
  readonly accepted: ReadonlyArray<NumberedRow<Row>>
  readonly rejected: ReadonlyArray<QuarantinedRow>
  /** Rows read so far, this batch's included. */
  readonly rowsRead: number
  /** Bytes of the file consumed so far. */
  readonly bytes: number
}

/** The file as a whole cannot be read as the source (empty, unreadable, a required column missing). */
export class ExtractFileProblem extends Error {}

/** Where a read's batches come from: this thread (`extractBatches`) or a worker thread. */
export type ExtractReader = <Row>(
  source: ExtractSource<Row>,
  file: string,
  /** The run's as-of date: a row with a date that cannot be right on it (`transforms/plausibility.ts`) is quarantined. */
  asOf: string | undefined
) => AsyncGenerator<ExtractBatch<Row>, ExtractReadSummary>

/**
 * Reads, hashes, parses and decodes one extract, yielding its records a batch
 * at a time and returning the summary. Throws `ExtractFileProblem` when the
 * file cannot be read as the source.
 */
export const extractBatches: ExtractReader = async function* <Row>(
  source: ExtractSource<Row>,
  file: string,
  asOf: string | undefined
) {
  const hash = createHash("sha256")
  let bytes = 0
  /** The file's last byte so far: a file that does not end in a line break may have been cut short. */
  let lastByte = -1
  // Records the parser gave up on, placed by how many records it read before each: rows are
  // numbered in file order, skipped ones included. Placed from the parser's count rather than
  // numbered in an on_record hook, for which csv-parse builds an info object per record.
  const skips: Array<{ readonly recordsBefore: number; readonly reason: string }> = []
  let lastSkip: { lines?: unknown; recordsBefore?: number } = {}

  const input = createReadStream(file)
  input.on("data", (chunk) => {
    const buffer = chunk as Buffer
    bytes += buffer.length
    if (buffer.length > 0) lastByte = buffer[buffer.length - 1]!
    hash.update(buffer)
  })
  const guard = recordGuard(MAX_RECORD_BYTES)
  const csvOptions: CsvOptions = {
    bom: true,
    record_delimiter: ["\r\n", "\n", "\r"],
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      // The parser reports each problem it meets, and a record may have two (`Jo "JJ" Smith`):
      // problems on one line with no record read between them belong to one row.
      const at = { lines: error?.lines, recordsBefore: parser.info.records }
      if (at.lines === undefined || at.lines !== lastSkip.lines || at.recordsBefore !== lastSkip.recordsBefore) {
        // The guard passes the parser no quote it cannot read, so what is left is unforeseen.
        skips.push({ recordsBefore: at.recordsBefore, reason: "unreadable_record" })
      }
      lastSkip = at
      return undefined
    }
  }
  const parser: Parser = input.pipe(guard.stream).pipe(parse(csvOptions))
  /** The reason each of the guard's markers stands for. */
  const markerReasons = new Map([
    [guard.tooLarge, "record_too_large"],
    [guard.malformedQuote, "malformed_quote"]
  ])
  input.on("error", (error) => parser.destroy(error))

  let mapping: ReturnType<typeof mapHeader> | undefined
  let headerLength = 0
  /** The header row's marker, when the guard replaced it. */
  let headerReplaced: string | undefined
  let rowsAccepted = 0
  let rowsQuarantined = 0
  let duplicateRows = 0
  const quarantineReasons: Record<string, number> = {}
  const seen = new SeenRecords()

  const quarantine = (
    row: number,
    problems: ReadonlyArray<FieldProblem>,
    cells: ReadonlyArray<string>
  ): QuarantinedRow => {
    rowsQuarantined++
    for (const problem of problems) {
      const key = `${problem.field}/${problem.reason}`
      quarantineReasons[key] = (quarantineReasons[key] ?? 0) + 1
    }
    return { source: source.name, row, problems, cells }
  }

  const batchOf = (accepted: ReadonlyArray<NumberedRow<Row>>, rejected: ReadonlyArray<QuarantinedRow>) => ({
    accepted,
    rejected,
    rowsRead: rowsAccepted + rowsQuarantined,
    bytes
  })

  let recordsTaken = 0
  let rowNumber = 0
  let skipsTaken = 0
  /** Quarantines, in file order, the records skipped before the parser's `nth` record (all that are left for Infinity). */
  const takeSkips = (nth: number, rejected: Array<QuarantinedRow>) => {
    for (; skipsTaken < skips.length && skips[skipsTaken]!.recordsBefore < nth; skipsTaken++) {
      rejected.push(quarantine(++rowNumber, [{ field: "row", reason: skips[skipsTaken]!.reason }], []))
    }
  }

  /** `last` is the file's final record, when the file has been read to its end. */
  const classify = (records: ReadonlyArray<Array<string>>, last = false): ExtractBatch<Row> => {
    const accepted: Array<NumberedRow<Row>> = []
    const rejected: Array<QuarantinedRow> = []
    for (const cells of records) {
      takeSkips(++recordsTaken, rejected)
      const row = ++rowNumber
      const replaced = cells.length === 1 ? markerReasons.get(cells[0]!) : undefined
      if (mapping === undefined) {
        if (replaced !== undefined) {
          headerReplaced = replaced
          break
        }
        mapping = mapHeader(cells, source.columns, source.requiredColumns)
        headerLength = cells.length
        continue
      }
      if (replaced !== undefined) {
        rejected.push(quarantine(row, [{ field: "row", reason: replaced }], []))
        continue
      }
      if (cells.length !== headerLength) {
        // A final line short of cells with no line break after it is where a transfer stopped.
        const cut = last && cells === records.at(-1) && cells.length < headerLength && !endsWithLineBreak()
        rejected.push(quarantine(row, [{ field: "row", reason: cut ? "truncated" : "cell_count" }], cells))
        continue
      }
      if (cells.some((cell) => cell.includes(REPLACEMENT_CHARACTER))) {
        rejected.push(quarantine(row, [{ field: "row", reason: "encoding" }], cells))
        continue
      }
      const values: Record<string, string> = {}
      for (const [column, index] of mapping.indexOf) {
        const value = (cells[index] ?? "").trim()
        if (value !== "") values[column] = value
      }
      const decoded = source.decodeRow(values)
      const problems = Result.isSuccess(decoded)
        ? asOf === undefined
          ? []
          : implausibleDates(decoded.success as Readonly<Record<string, unknown>>, asOf)
        : decoded.failure
      if (Result.isSuccess(decoded) && problems.length === 0) {
        if (seen.seenBefore(cells)) {
          duplicateRows++
          if (!source.identicalRowsRecur) {
            rejected.push(quarantine(row, [{ field: "row", reason: "duplicate_record" }], cells))
            continue
          }
        }
        rowsAccepted++
        accepted.push({ row, value: decoded.success })
      } else {
        rejected.push(quarantine(row, problems, cells))
      }
    }
    return batchOf(accepted, rejected)
  }

  const endsWithLineBreak = () => lastByte === 0x0a || lastByte === 0x0d
  /** A file-level problem the header shows, found once the header has been classified. */
  const checkHeader = () => {
    if (headerReplaced === "record_too_large") {
      throw new ExtractFileProblem(`has a header row longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB`)
    }
    if (headerReplaced === "malformed_quote") {
      throw new ExtractFileProblem("has a header row with a quote that cannot be read (misplaced or never closed)")
    }
    if (mapping?.looksLikeRecord === true) {
      throw new ExtractFileProblem(
        "has no header row: its first line holds an NHS number or a date (the header missing, or glued to the first record)"
      )
    }
    if (mapping !== undefined && mapping.missingRequired.length > 0) {
      throw new ExtractFileProblem(`has no required column ${mapping.missingRequired.join(", ")}`)
    }
    if (mapping !== undefined && mapping.duplicated.length > 0) {
      throw new ExtractFileProblem(`has column ${mapping.duplicated.join(", ")} more than once`)
    }
  }

  try {
    // Each batch's last record waits for the next batch: only at the end is the file's final record known.
    let held: Array<string> | undefined
    for await (const records of inBatches<Array<string>>(parser)) {
      const ready = held === undefined ? records : [held, ...records]
      held = ready.pop()
      const batch = classify(ready)
      checkHeader()
      if (ready.length > 0) yield batch
    }
    if (held !== undefined) {
      const batch = classify([held], true)
      checkHeader()
      yield batch
    }
  } catch (error) {
    if (error instanceof ExtractFileProblem) throw error
    throw new ExtractFileProblem(`cannot be read: ${(error as Error).message}`)
  } finally {
    // A read stopped early (a failed load, an interruption) closes the file.
    input.destroy()
  }
  // Records the parser gave up on at the very end of the file (an unterminated quote).
  const trailing: Array<QuarantinedRow> = []
  takeSkips(Infinity, trailing)
  if (trailing.length > 0) yield batchOf([], trailing)

  if (mapping === undefined) throw new ExtractFileProblem("is empty: it has no header row")

  const summary: ExtractReadSummary = {
    bytes,
    sha256: hash.digest("hex"),
    rowsRead: rowsAccepted + rowsQuarantined,
    rowsAccepted,
    rowsQuarantined,
    quarantineReasons,
    duplicateRows,
    unknownColumns: mapping.unknownColumns
  }
  return summary
}

export interface ReadExtractOptions<Row, E, R> {
  readonly source: ExtractSource<Row>
  readonly file: string
  /** Receives accepted rows in file order, a batch at a time; its failure (a full disk) ends the read. */
  readonly onAccepted: (rows: ReadonlyArray<NumberedRow<Row>>) => Effect.Effect<void, E, R>
  readonly onQuarantined: (rows: ReadonlyArray<QuarantinedRow>) => Effect.Effect<void, E, R>
  /** The run's as-of date: a row with a date that cannot be right on it (`transforms/plausibility.ts`) is quarantined. */
  readonly asOf?: string | undefined
  /** Told the rows read and bytes consumed so far, once per batch. */
  readonly onProgress?: Advance
  /** Where the batches come from; by default this thread reads the file itself. */
  readonly reader?: ExtractReader
}

export const readExtract = Effect.fn("readExtract")(function* <Row, E = never, R = never>(
  options: ReadExtractOptions<Row, E, R>
) {
  const { file, source } = options
  const batches = (options.reader ?? extractBatches)(source, file, options.asOf)
  const fileError = (error: unknown) =>
    new SourceFileError({
      source: source.name,
      file,
      message: error instanceof ExtractFileProblem ? error.message : `cannot be read: ${String(error)}`
    })
  const consume = Effect.gen(function* () {
    for (;;) {
      const next = yield* Effect.tryPromise({ try: () => batches.next(), catch: fileError })
      if (next.done === true) return next.value
      const { accepted, bytes, rejected, rowsRead } = next.value
      if (rejected.length > 0) yield* options.onQuarantined(rejected)
      if (accepted.length > 0) yield* options.onAccepted(accepted)
      if (options.onProgress !== undefined) yield* options.onProgress(rowsRead, bytes)
    }
  })
  // A load that stops early (a failed insert, an interruption) still closes the file, or the worker's read.
  return yield* consume.pipe(Effect.ensuring(Effect.promise(() => batches.return(undefined as never))))
})
