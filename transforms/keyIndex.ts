/**
 * A compact index of items by a string key: the keys' 32-bit hashes sorted
 * in a typed array beside the item numbers, about 8 bytes an item where a
 * `Map` of strings costs ten times that and most of the time to build. A
 * look-up returns every item whose key has the same hash, so a hash
 * collision only adds a candidate: callers that need the key itself (the
 * ladder, which links on a key only one resident holds) compare it.
 */

/** FNV-1a: a fast, stable 32-bit hash of a key. */
export const hashKey = (key: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** Above 2^21 items a hash and an item number no longer pack exactly into one float. */
export const MAX_ITEMS = 2 ** 21

export interface KeyIndex {
  /** Calls `visit` with each item (its number in the indexed list) whose key hashes as `key` does. */
  readonly forEachCandidate: (key: string, visit: (item: number) => void) => void
}

/** Indexes `items` by `keyOf`; items without a key are left out. */
export const indexByKey = <A>(items: ReadonlyArray<A>, keyOf: (item: A) => string | undefined): KeyIndex => {
  if (items.length >= MAX_ITEMS) throw new RangeError(`a key index holds at most ${MAX_ITEMS} items`)
  // Hash and item number packed in one float, so that one numeric sort orders both.
  const packed = new Float64Array(items.length)
  let count = 0
  for (let i = 0; i < items.length; i++) {
    const key = keyOf(items[i]!)
    if (key !== undefined) packed[count++] = hashKey(key) * MAX_ITEMS + i
  }
  const sorted = packed.subarray(0, count).sort()
  const hashes = new Uint32Array(count)
  const numbers = new Int32Array(count)
  for (let at = 0; at < count; at++) {
    const value = sorted[at]!
    numbers[at] = value % MAX_ITEMS
    hashes[at] = (value - numbers[at]!) / MAX_ITEMS
  }
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
