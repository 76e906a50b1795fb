/**
 * Stderr as the person at a terminal sees it: finished lines, and below them
 * at most one live status line redrawn in place. A finished line first clears
 * the status line and then redraws it underneath, so the two never run into
 * each other. Off a terminal (cron, a pipe) there is no status line.
 */
export interface StderrConsole {
  /** Whether the status line is shown (stderr is a terminal). */
  readonly live: boolean
  readonly line: (text: string) => void
  /** Replaces the status line; "" removes it. */
  readonly status: (text: string) => void
}

const CLEAR_LINE = "\r\x1b[2K"

export const stderrConsole = (stream: NodeJS.WriteStream = process.stderr): StderrConsole => {
  if (!stream.isTTY) return { live: false, line: (text) => void stream.write(`${text}\n`), status: () => {} }
  let shown = ""
  return {
    live: true,
    line: (text) => void stream.write(`${shown === "" ? "" : CLEAR_LINE}${text}\n${shown}`),
    status: (text) => {
      if (text === shown) return
      stream.write(`${CLEAR_LINE}${text}`)
      shown = text
    }
  }
}
