/**
 * Text an operator types that lineage keeps and shows (an extract's purpose,
 * its recipient): one line of printable characters of bounded length, so it
 * cannot forge a line of `lineage list`, move a terminal's cursor or recolour
 * it; and, for entries written before that rule, a form safe to show.
 */

export const MAX_FREE_TEXT = 200

/** A line break, a terminal escape or another control or formatting character. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u

/** Why `text` cannot be kept, or undefined when it can. */
export const freeTextProblem = (text: string): string | undefined => {
  if (text.trim().length === 0) return "is empty"
  if (text.length > MAX_FREE_TEXT) return `is longer than ${MAX_FREE_TEXT} characters`
  if (UNPRINTABLE.test(text)) return "holds a line break or a control character"
  return undefined
}

/** `text` with every unprintable character written as its `\u` escape, for showing. */
export const shownSafely = (text: string): string =>
  text.replace(
    new RegExp(UNPRINTABLE.source, "gu"),
    (character) => `\\u${character.codePointAt(0)!.toString(16).padStart(4, "0")}`
  )
