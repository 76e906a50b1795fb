/**
 * Spotting exact duplicate records within one extract (every cell equal): a
 * file sent twice in one, or a partner's export that repeats rows, would
 * otherwise count the same A&E attendance twice.
 *
 * A read can hold millions of records, so the records seen are kept as 64-bit
 * fingerprints in an open-addressing table of typed arrays: 8 bytes a slot,
 * doubled whenever it is 70% full, so 64 MB for the 3 million events of a
 * 330,000-resident borough (96 MB while it doubles), freed when the read ends,
 * where a set of the records themselves would hold the file. Two different records share a fingerprint with a
 * chance of about n²/2⁶⁵ (under one in a million for 4 million records); the
 * later one is then quarantined as a duplicate, with its cells, never dropped
 * unseen.
 */

const MAX_LOAD = 0.7
const INITIAL_SLOTS = 16_384

/** The records of one read seen so far. */
export class SeenRecords {
  // A fingerprint's two halves side by side, so that a probe and an insert
  // touch one cache line: the table outgrows the caches on a large read, and
  // its misses, not the hashing, are most of the check's cost.
  private lanes = new Uint32Array(2 * INITIAL_SLOTS)
  private count = 0
  // The fingerprint being looked up, kept here rather than returned as a pair: no allocation a record.
  private h1 = 0
  private h2 = 0

  /** True when a record with these cells was seen before; otherwise remembers it. */
  seenBefore(cells: ReadonlyArray<string>): boolean {
    this.fingerprint(cells)
    if (this.count + 1 > MAX_LOAD * (this.lanes.length / 2)) this.grow()
    if (!this.insert(this.lanes, this.h1, this.h2)) return true
    this.count++
    return false
  }

  /**
   * Two 32-bit lanes (the mixing of cyrb53) over every cell's code units, two
   * units a step: half the multiplications of one a step, on the hot path of
   * every read. Each cell ends with its length, so `["ab", "c"]` and
   * `["a", "bc"]` differ.
   */
  private fingerprint(cells: ReadonlyArray<string>) {
    let h1 = 0xdeadbeef
    let h2 = 0x41c6ce57
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c]!
      const length = cell.length
      let i = 0
      for (; i + 1 < length; i += 2) {
        const pair = cell.charCodeAt(i) | (cell.charCodeAt(i + 1) << 16)
        h1 = Math.imul(h1 ^ pair, 2654435761)
        h2 = Math.imul(h2 ^ pair, 1597334677)
      }
      const end = (i < length ? cell.charCodeAt(i) : 0) | ((length + 1) << 16)
      h1 = Math.imul(h1 ^ end, 2654435761)
      h2 = Math.imul(h2 ^ end, 1597334677)
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
    // A first half of 0 marks an empty slot of the table.
    this.h1 = h1 >>> 0 || 1
    this.h2 = h2 >>> 0
  }

  /** False when the fingerprint was already in the table. */
  private insert(lanes: Uint32Array, h1: number, h2: number): boolean {
    const mask = lanes.length / 2 - 1
    for (let slot = h1 & mask; ; slot = (slot + 1) & mask) {
      const a = lanes[2 * slot]!
      if (a === 0) {
        lanes[2 * slot] = h1
        lanes[2 * slot + 1] = h2
        return true
      }
      if (a === h1 && lanes[2 * slot + 1] === h2) return false
    }
  }

  private grow() {
    const old = this.lanes
    this.lanes = new Uint32Array(old.length * 2)
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.insert(this.lanes, old[i]!, old[i + 1]!)
  }
}
