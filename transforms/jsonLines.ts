/**
 * An append-only JSON-lines log as text, read the way a crash can leave it.
 *
 * A log is appended a whole line at a time, so a process killed mid-append
 * can leave only its last line cut short: no line break after it, or a line
 * that is not JSON. That tail is not an entry; it is reported apart, with the
 * bytes before it, so the log can be repaired by cutting it off. A line that
 * is not JSON anywhere else cannot come from a crash: the log was edited or
 * damaged, and that is reported as such.
 */

export interface JsonLines<T> {
  /** The complete lines, parsed, in order. */
  readonly values: ReadonlyArray<T>
  /** The bytes of the complete lines, where a repair cuts the log. */
  readonly completeBytes: number
  /** The bytes of a last line cut mid-append (0: none). */
  readonly tornBytes: number
  /** The first line (counted from 1) that is not JSON and is not the last, if any. */
  readonly corruptLine: number | undefined
}

const parses = (line: string): { readonly value: unknown } | undefined => {
  try {
    return { value: JSON.parse(line) }
  } catch {
    return undefined
  }
}

export const parseJsonLines = <T>(text: string): JsonLines<T> => {
  const pieces = text.split("\n")
  // What follows the last line break: empty when the log ends with a whole line.
  const tail = pieces.pop()!
  const values: Array<T> = []
  let completeBytes = 0
  for (const [index, line] of pieces.entries()) {
    const parsed = line.length === 0 ? { value: undefined } : parses(line)
    if (parsed === undefined) {
      if (index === pieces.length - 1 && tail.length === 0) {
        return { values, completeBytes, tornBytes: Buffer.byteLength(line) + 1, corruptLine: undefined }
      }
      return { values, completeBytes, tornBytes: 0, corruptLine: index + 1 }
    }
    if (parsed.value !== undefined) values.push(parsed.value as T)
    completeBytes += Buffer.byteLength(line) + 1
  }
  return { values, completeBytes, tornBytes: Buffer.byteLength(tail), corruptLine: undefined }
}
