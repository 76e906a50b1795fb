/**
 * A byte filter in front of the CSV parser that keeps every record under a
 * size limit, so that one pathological record (a 10 MB cell, a quote opened
 * and never closed in a large file) costs bounded memory and loses no other
 * row.
 *
 * csv-parse's own `max_record_size` cannot do this: once a record passes the
 * limit it abandons the rest of the chunk it was parsing, good rows included.
 * So this filter finds record boundaries itself, with csv-parse's rules: a
 * line break ends a record unless it is inside quotes; a `"` opens quotes only
 * at the start of a field; inside quotes `""` is a quote, and a `"` closes the
 * quotes only before a comma or a line break (csv-parse reports any other
 * closing quote and stays inside). A record longer than the limit is never
 * passed on: in its place the parser receives a one-cell marker record,
 * unique to this read, which the reader quarantines. Everything else passes
 * through unchanged.
 */
import { randomBytes } from "node:crypto"
import { Transform, type TransformCallback } from "node:stream"

const QUOTE = 0x22
const COMMA = 0x2c
const LF = 0x0a
const CR = 0x0d
const BOM = [0xef, 0xbb, 0xbf]

export interface RecordSizeGuard {
  readonly stream: Transform
  /** The cell the parser reads in place of a record that was too long: no file holds it by chance. */
  readonly marker: string
}

export const recordSizeGuard = (maxRecordBytes: number): RecordSizeGuard => {
  const marker = `wsd-record-too-large-${randomBytes(16).toString("hex")}`
  const markerBytes = Buffer.from(marker)
  let quoting = false
  /** Inside quotes, a `"` was just seen: the next byte says whether it closed them. */
  let pendingQuote = false
  let fieldStart = true
  /** Bytes of a leading byte-order mark seen so far (the parser drops it); -1 once past it. */
  let bomSeen = 0
  /** Bytes of the current record so far, line breaks inside quotes included. */
  let recordBytes = 0
  /** The current record is over the limit: its bytes are dropped until it ends. */
  let dropping = false
  /** The current record's bytes from earlier chunks, held until it ends (never more than the limit). */
  let carry: Array<Buffer> = []

  /** Follows the parser's quoting through one byte; true when the byte ends a record. */
  const endsRecord = (byte: number): boolean => {
    if (bomSeen >= 0 && bomSeen < BOM.length && byte === BOM[bomSeen]) {
      bomSeen++
      return false
    }
    bomSeen = -1
    if (quoting) {
      if (!pendingQuote) {
        pendingQuote = byte === QUOTE
        return false
      }
      pendingQuote = false
      if (byte === COMMA) {
        quoting = false
        fieldStart = true
      } else if (byte === LF || byte === CR) {
        quoting = false
        fieldStart = true
        return true
      }
      return false
    }
    if (byte === LF || byte === CR) {
      fieldStart = true
      return true
    }
    if (byte === QUOTE && fieldStart) quoting = true
    fieldStart = byte === COMMA
    return false
  }

  const stream = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      const out: Array<Buffer> = []
      /** Where this chunk's bytes not yet passed on begin: whole records, then the current one. */
      let runStart = 0
      let recordStart = 0
      /** The record ends before the byte at `at`. */
      const recordEnds = (at: number) => {
        if (dropping) {
          out.push(markerBytes)
          dropping = false
          runStart = at
        } else if (carry.length > 0) {
          out.push(...carry)
          carry = []
        }
        recordBytes = 0
        recordStart = at + 1
      }
      /** `bytes` more bytes of the current record, none of them ending it. */
      const grows = (bytes: number) => {
        if (dropping || (recordBytes += bytes) <= maxRecordBytes) return
        dropping = true
        carry = []
        out.push(chunk.subarray(runStart, recordStart))
      }
      // Most chunks hold no quote: outside quotes, every line break (CR or LF) ends a record, so
      // such a chunk is walked from one line break to the next instead of byte by byte.
      if (!quoting && bomSeen === -1 && chunk.indexOf(QUOTE) === -1) {
        let nextCr = chunk.indexOf(CR)
        let nextLf = chunk.indexOf(LF)
        for (let from = 0; from < chunk.length;) {
          const lineBreak = nextCr === -1 ? nextLf : nextLf === -1 ? nextCr : Math.min(nextCr, nextLf)
          const end = lineBreak === -1 ? chunk.length : lineBreak
          if (end > from) {
            grows(end - from)
            fieldStart = chunk[end - 1] === COMMA
          }
          if (lineBreak === -1) break
          fieldStart = true
          recordEnds(lineBreak)
          from = lineBreak + 1
          if (lineBreak === nextCr) nextCr = chunk.indexOf(CR, from)
          else nextLf = chunk.indexOf(LF, from)
        }
      } else {
        for (let i = 0; i < chunk.length; i++) {
          if (endsRecord(chunk[i]!)) recordEnds(i)
          else grows(1)
        }
      }
      if (!dropping) {
        out.push(chunk.subarray(runStart, recordStart))
        carry.push(chunk.subarray(recordStart))
      }
      done(null, Buffer.concat(out))
    },
    flush(done: TransformCallback) {
      done(null, dropping ? markerBytes : Buffer.concat(carry))
    }
  })
  return { stream, marker }
}
