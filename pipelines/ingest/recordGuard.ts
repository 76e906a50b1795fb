/**
 * A byte filter in front of the CSV parser that finds where each record ends,
 * with the parser's own quoting rules, and keeps two kinds of record from it:
 *
 * - a record longer than the limit (a 10 MB cell), which would cost unbounded
 *   memory: csv-parse's own `max_record_size` abandons the rest of the chunk
 *   it was parsing, good rows included;
 * - a record whose quotes cannot be read (`"77176002"x`, `Jo "JJ" Smith`, a
 *   quote never closed), after which csv-parse stays inside the quotes and
 *   swallows every later line into one bad record.
 *
 * In place of each it passes the parser a one-cell marker record, unique to
 * this read, which the reader quarantines; everything else passes through
 * unchanged. The parser therefore never meets a quote it cannot read.
 *
 * Quoted fields may hold line breaks (RFC 4180), so a record may span several
 * physical lines. A bad record is blamed on as few lines as can be:
 * - found on its first line (the quote fault, or the limit passed, lies there):
 *   that line, to its line break, is replaced and reading resumes on the next;
 * - spanning lines (a quote opened on its first line, and then a fault, the
 *   limit, the end of the file, or a cell count unlike the header's): the
 *   first line is replaced as a malformed quote, and reading starts again at
 *   the second line as if it began a record. A line that is really the
 *   continuation of the bad one then fails on its own, one marker per line.
 * Each replaced line is one record to the parser, so row numbers stay true to
 * the file.
 *
 * The rules followed are csv-parse's: a line break (CR, LF or CRLF) ends a
 * record unless inside quotes; a `"` opens quotes only at the start of a field
 * (anywhere else it is a fault); inside quotes `""` is a quote, and a `"`
 * closes them only before a comma, a line break or the end of the file.
 */
import { randomBytes } from "node:crypto"
import { Transform, type TransformCallback } from "node:stream"

const QUOTE = 0x22
const COMMA = 0x2c
const LF = 0x0a
const CR = 0x0d
const BOM = Buffer.from([0xef, 0xbb, 0xbf])

export interface RecordGuard {
  readonly stream: Transform
  /** The cell the parser reads in place of a record longer than the limit: no file holds it by chance. */
  readonly tooLarge: string
  /** The cell the parser reads in place of a line whose quotes cannot be read. */
  readonly malformedQuote: string
}

/** The next index of `byte` at or after a position, remembered so that a buffer is searched once per occurrence. */
const finder = (buffer: Buffer, byte: number) => {
  let searchedFrom = Infinity
  let found = -1
  return (from: number) => {
    if (searchedFrom > from || (found !== -1 && found < from)) {
      searchedFrom = from
      found = buffer.indexOf(byte, from)
    }
    return found
  }
}

/** Cells in one readable record's bytes: commas outside quotes, plus one. */
const cellCount = (bytes: Buffer) => {
  let cells = 1
  let quoting = false
  for (const byte of bytes) {
    if (byte === QUOTE) quoting = !quoting
    else if (byte === COMMA && !quoting) cells++
  }
  return cells
}

export const recordGuard = (maxRecordBytes: number): RecordGuard => {
  const nonce = randomBytes(16).toString("hex")
  const tooLarge = `wsd-record-too-large-${nonce}`
  const malformedQuote = `wsd-malformed-quote-${nonce}`
  const tooLargeBytes = Buffer.from(tooLarge)
  const malformedBytes = Buffer.from(malformedQuote)

  // The current record, carried from one chunk to the next.
  /** Its bytes from earlier chunks, not yet passed on (never more than the limit). */
  let held: Buffer = Buffer.alloc(0)
  /** How far into it the scan has got. */
  let scannedTo = 0
  let quoting = false
  /** Where its first line break inside quotes lies, from its start; -1 while it is on one line. */
  let firstBreak = -1
  /** Where its first field begins, from its start: past the byte-order mark, for a file's first record. */
  let fieldsFrom = 0
  /** The header's cells, once its record has ended: a record spanning lines must have as many. */
  let headerCells: number | undefined
  /** Dropping bytes to the end of a physical line, to pass this marker in its place. */
  let discarding: Buffer | undefined
  let started = false

  /** Scans `work` (the held record, then a chunk) from `from`; returns the bytes to pass on. */
  const scan = (work: Buffer, from: number, atEnd: boolean): Array<Buffer> => {
    const out: Array<Buffer> = []
    const nextQuote = finder(work, QUOTE)
    const nextCr = finder(work, CR)
    const nextLf = finder(work, LF)
    const nextBreak = (at: number) => {
      const cr = nextCr(at)
      const lf = nextLf(at)
      return cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf)
    }
    /** Bytes before it are settled: passed on from `runStart`, or replaced. */
    let recordStart = 0
    let runStart = 0
    let i = from

    const startRecord = (at: number) => {
      recordStart = at
      i = at
      quoting = false
      firstBreak = -1
      fieldsFrom = 0
    }
    /** Passes on the settled bytes, then `marker` in place of the record up to `resumeAt` (a line break, kept). */
    const replace = (marker: Buffer, resumeAt: number) => {
      out.push(work.subarray(runStart, recordStart), marker)
      runStart = resumeAt
      startRecord(resumeAt)
    }
    /** The current record cannot be passed on; `at` is the first byte that shows it. */
    const fault = (marker: Buffer, at: number) => {
      if (firstBreak !== -1 && recordStart + firstBreak < at) return replace(malformedBytes, recordStart + firstBreak)
      const lineEnd = nextBreak(at)
      if (lineEnd !== -1) return replace(marker, lineEnd)
      out.push(work.subarray(runStart, recordStart))
      discarding = marker
      runStart = work.length
      startRecord(work.length)
    }
    const overLimit = (reach: number) => reach - recordStart > maxRecordBytes
    const limitFault = () => fault(tooLargeBytes, recordStart + maxRecordBytes + 1)
    /** The record ends before `end` (a line break, or the end of the file). */
    const endRecord = (end: number) => {
      const spansLines = firstBreak !== -1
      if (spansLines && headerCells !== undefined) {
        if (cellCount(work.subarray(recordStart + fieldsFrom, end)) !== headerCells) return fault(malformedBytes, end)
      }
      if (headerCells === undefined && end > recordStart + fieldsFrom) {
        headerCells = cellCount(work.subarray(recordStart + fieldsFrom, end))
      }
      startRecord(end + 1)
    }

    if (discarding !== undefined) {
      const lineEnd = nextBreak(from)
      if (lineEnd === -1) return atEnd ? [discarding] : []
      out.push(discarding)
      discarding = undefined
      runStart = lineEnd
      startRecord(lineEnd)
    }
    for (;;) {
      if (!quoting) {
        const quote = nextQuote(i)
        const lineBreak = nextBreak(i)
        if (lineBreak !== -1 && (quote === -1 || lineBreak < quote)) {
          if (overLimit(lineBreak)) limitFault()
          else endRecord(lineBreak)
        } else if (quote !== -1) {
          if (overLimit(quote)) limitFault()
          else if (quote === recordStart + fieldsFrom || work[quote - 1] === COMMA) {
            quoting = true
            i = quote + 1
          } else fault(malformedBytes, quote)
        } else if (overLimit(work.length)) limitFault()
        else if (atEnd && work.length > recordStart) endRecord(work.length)
        else break
        continue
      }
      const quote = nextQuote(i)
      if (firstBreak === -1) {
        const lineBreak = nextBreak(i)
        if (lineBreak !== -1 && (quote === -1 || lineBreak < quote)) firstBreak = lineBreak - recordStart
      }
      if (overLimit(quote === -1 ? work.length : quote + 1)) limitFault()
      else if (quote === -1) {
        if (!atEnd) break
        fault(malformedBytes, work.length) // a quote never closed
      } else if (quote + 1 === work.length) {
        // Whether this quote closes the field depends on the next byte: the next chunk's first.
        if (!atEnd) {
          i = quote
          break
        }
        quoting = false
        endRecord(work.length)
      } else {
        const after = work[quote + 1]
        if (after === QUOTE) i = quote + 2
        else if (after === COMMA) {
          quoting = false
          i = quote + 2
        } else if (after === CR || after === LF) {
          quoting = false
          endRecord(quote + 1)
        } else fault(malformedBytes, quote + 1)
      }
    }
    if (atEnd) {
      if (discarding === undefined) out.push(work.subarray(runStart))
      else out.push(work.subarray(runStart, recordStart), discarding)
      return out
    }
    out.push(work.subarray(runStart, recordStart))
    held = work.subarray(recordStart)
    scannedTo = i - recordStart
    return out
  }

  const stream = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      const work = held.length === 0 ? chunk : Buffer.concat([held, chunk])
      if (!started) {
        // A byte-order mark split across chunks: wait for enough bytes to tell.
        if (work.length < BOM.length && BOM.subarray(0, work.length).equals(work)) {
          held = work
          return done()
        }
        started = true
        if (work.subarray(0, BOM.length).equals(BOM)) fieldsFrom = BOM.length
      }
      const from = scannedTo
      held = Buffer.alloc(0)
      scannedTo = 0
      done(null, Buffer.concat(scan(work, from, false)))
    },
    flush(done: TransformCallback) {
      if (!started && held.length > 0 && BOM.subarray(0, held.length).equals(held)) return done(null, held)
      done(null, Buffer.concat(scan(held, scannedTo, true)))
    }
  })
  return { stream, tooLarge, malformedQuote }
}
