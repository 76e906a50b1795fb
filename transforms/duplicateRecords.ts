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

/** Two 32-bit lanes over every cell's code units (the mixing of cyrb53), as one fingerprint. */
const fingerprint = (cells: ReadonlyArray<string>): readonly [number, number] => {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (const cell of cells) {
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
  // (0, 0) marks an empty slot of the table.
  return h1 === 0 && h2 === 0 ? [0, 1] : [h1 >>> 0, h2 >>> 0]
}

const MAX_LOAD = 0.7

/** The records of one read seen so far. */
export class SeenRecords {
  private lanes = new Uint32Array(2 * 16_384)
  private count = 0

  /** True when a record with these cells was seen before; otherwise remembers it. */
  seenBefore(cells: ReadonlyArray<string>): boolean {
    const [h1, h2] = fingerprint(cells)
    if (this.count + 1 > MAX_LOAD * (this.lanes.length / 2)) this.grow()
    if (!this.insert(this.lanes, h1, h2)) return true
    this.count++
    return false
  }

  /** False when the fingerprint was already in `lanes`. */
  private insert(lanes: Uint32Array, h1: number, h2: number): boolean {
    const mask = lanes.length / 2 - 1
    for (let slot = h1 & mask; ; slot = (slot + 1) & mask) {
      const a = lanes[2 * slot]!
      const b = lanes[2 * slot + 1]!
      if (a === 0 && b === 0) {
        lanes[2 * slot] = h1
        lanes[2 * slot + 1] = h2
        return true
      }
      if (a === h1 && b === h2) return false
    }
  }

  private grow() {
    const old = this.lanes
    this.lanes = new Uint32Array(old.length * 2)
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 || old[i + 1] !== 0) this.insert(this.lanes, old[i]!, old[i + 1]!)
    }
  }
}
