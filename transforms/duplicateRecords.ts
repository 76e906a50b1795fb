/**
 * Spotting exact duplicate records within one extract (every cell equal): a
 * file sent twice in one, or a partner's export that repeats rows, would
 * otherwise count the same A&E attendance twice.
 *
 * A read can hold millions of records, so the records seen are kept as 64-bit
 * fingerprints in an open-addressing table of typed arrays: 8 bytes a record
 * at most 70% full, about 40 MB for the 3 million events of a 330,000-resident
 * borough, freed when the read ends, where a set of the records themselves
 * would hold the file. Two different records share a fingerprint with a
 * chance of about n²/2⁶⁵ (under one in a million for 4 million records); the
 * later one is then quarantined as a duplicate, with its cells, never dropped
 * unseen.
 */

/** Stands between cells: above every UTF-16 code unit, so `["ab", "c"]` and `["a", "bc"]` differ. */
const CELL_END = 0x10000

const MAX_LOAD = 0.7
const INITIAL_SLOTS = 16_384

/** The records of one read seen so far. */
export class SeenRecords {
  // A fingerprint's two halves in two arrays: a probe reads the first, and the
  // second only when the first matches, so a lookup costs one cache line.
  private high = new Uint32Array(INITIAL_SLOTS)
  private low = new Uint32Array(INITIAL_SLOTS)
  private count = 0
  // The fingerprint being looked up, kept here rather than returned as a pair: no allocation a record.
  private h1 = 0
  private h2 = 0

  /** True when a record with these cells was seen before; otherwise remembers it. */
  seenBefore(cells: ReadonlyArray<string>): boolean {
    this.fingerprint(cells)
    if (this.count + 1 > MAX_LOAD * this.high.length) this.grow()
    if (!this.insert(this.high, this.low, this.h1, this.h2)) return true
    this.count++
    return false
  }

  /** Two 32-bit lanes over every cell's code units (the mixing of cyrb53), as one fingerprint. */
  private fingerprint(cells: ReadonlyArray<string>) {
    let h1 = 0xdeadbeef
    let h2 = 0x41c6ce57
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c]!
      for (let i = 0; i < cell.length; i++) {
        const unit = cell.charCodeAt(i)
        h1 = Math.imul(h1 ^ unit, 2654435761)
        h2 = Math.imul(h2 ^ unit, 1597334677)
      }
      h1 = Math.imul(h1 ^ CELL_END, 2654435761)
      h2 = Math.imul(h2 ^ CELL_END, 1597334677)
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
    // A first half of 0 marks an empty slot of the table.
    this.h1 = h1 >>> 0 || 1
    this.h2 = h2 >>> 0
  }

  /** False when the fingerprint was already in the table. */
  private insert(high: Uint32Array, low: Uint32Array, h1: number, h2: number): boolean {
    const mask = high.length - 1
    for (let slot = h1 & mask; ; slot = (slot + 1) & mask) {
      const a = high[slot]!
      if (a === 0) {
        high[slot] = h1
        low[slot] = h2
        return true
      }
      if (a === h1 && low[slot] === h2) return false
    }
  }

  private grow() {
    const [high, low] = [this.high, this.low]
    this.high = new Uint32Array(high.length * 2)
    this.low = new Uint32Array(low.length * 2)
    for (let slot = 0; slot < high.length; slot++) {
      if (high[slot] !== 0) this.insert(this.high, this.low, high[slot]!, low[slot]!)
    }
  }
}
