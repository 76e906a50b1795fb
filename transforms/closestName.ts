/**
 * The valid name a mistyped one most likely meant (a subcommand, a
 * configuration key, a source), so a refusal can say "did you mean …?"
 * rather than leave the user to read the whole list.
 */

/** Edits (insert, delete, substitute) turning `a` into `b`. */
const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}

/**
 * The candidate nearest `name`, ignoring case, when it is near enough to be a
 * slip (at most a third of its letters, and at least 2, edited); the first of
 * equally near ones. None for a name unlike them all.
 */
export const closestName = (name: string, candidates: ReadonlyArray<string>): string | undefined => {
  const typed = name.toLowerCase()
  const limit = Math.max(2, Math.floor(typed.length / 3))
  let best: { readonly candidate: string; readonly distance: number } | undefined
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate.toLowerCase())
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance }
  }
  return best?.candidate
}

/** `did you mean X?` for the candidate nearest `name`, or the list to choose from when none is near. */
export const suggestName = (name: string, candidates: ReadonlyArray<string>): string => {
  const closest = closestName(name, candidates)
  return closest === undefined ? `name one of ${candidates.join(", ")}` : `did you mean ${closest}?`
}
