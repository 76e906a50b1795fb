/**
 * A compact index of items by a string key: the keys' 32-bit hashes sorted
 * in a typed array beside the item numbers, 8 bytes an item where a `Map` of
 * strings costs ten times that and most of the time to build. A look-up
 * returns every item whose key has the same hash, so a hash collision only
 * adds a candidate: callers that need the key itself (the ladder, which links
 * on a key only one resident holds) compare it.
 */

/** FNV-1a: a fast, stable 32-bit hash of a key. */
export const hashKey = (key: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  return h >>> 0
}

export interface KeyIndex {
  /** Calls `visit` with each item (its number in the indexed list) whose key hashes as `key` does, in ascending order. */
  readonly forEachCandidate: (key: string, visit: (item: number) => void) => void
}

const DIGIT_BITS = 16
const DIGITS = 1 << DIGIT_BITS

/**
 * Sorts hashes, carrying item numbers, by their low then their high 16 bits.
 * Each pass is stable, so items of one hash stay in the order they came in:
 * ascending. Two linear passes, where a comparison sort of a spine's keys is
 * most of the index's build time.
 */
const radixSort = (hashes: Uint32Array, numbers: Int32Array) => {
  const count = hashes.length
  let fromHashes: Uint32Array = hashes
  let fromNumbers: Int32Array = numbers
  let toHashes: Uint32Array = new Uint32Array(count)
  let toNumbers: Int32Array = new Int32Array(count)
  const starts = new Int32Array(DIGITS)
  for (let shift = 0; shift < 32; shift += DIGIT_BITS) {
    starts.fill(0)
    for (let at = 0; at < count; at++) starts[(fromHashes[at]! >>> shift) & (DIGITS - 1)]!++
    let start = 0
    for (let digit = 0; digit < DIGITS; digit++) {
      const n = starts[digit]!
      starts[digit] = start
      start += n
    }
    for (let at = 0; at < count; at++) {
      const to = starts[(fromHashes[at]! >>> shift) & (DIGITS - 1)]!++
      toHashes[to] = fromHashes[at]!
      toNumbers[to] = fromNumbers[at]!
    }
    const [sortedHashes, sortedNumbers] = [toHashes, toNumbers]
    toHashes = fromHashes
    toNumbers = fromNumbers
    fromHashes = sortedHashes
    fromNumbers = sortedNumbers
  }
  // An even number of passes leaves the sorted order in the arrays passed in.
}

/** Indexes `items` by `keyOf`; items without a key are left out. */
export const indexByKey = <A>(items: ReadonlyArray<A>, keyOf: (item: A) => string | undefined): KeyIndex => {
  const allHashes = new Uint32Array(items.length)
  const allNumbers = new Int32Array(items.length)
  let count = 0
  for (let i = 0; i < items.length; i++) {
    const key = keyOf(items[i]!)
    if (key === undefined) continue
    allHashes[count] = hashKey(key)
    allNumbers[count++] = i
  }
  const hashes = allHashes.subarray(0, count)
  const numbers = allNumbers.subarray(0, count)
  radixSort(hashes, numbers)
  const firstAtOrAfter = (target: number): number => {
    let low = 0
    let high = count
    while (low < high) {
      const mid = (low + high) >>> 1
      if (hashes[mid]! < target) low = mid + 1
      else high = mid
    }
    return low
  }
  return {
    forEachCandidate: (key, visit) => {
      const target = hashKey(key)
      for (let at = firstAtOrAfter(target); at < count && hashes[at] === target; at++) visit(numbers[at]!)
    }
  }
}
