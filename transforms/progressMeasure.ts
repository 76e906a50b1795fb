/**
 * How far a long task has got, from running totals: rows done, the rate, and
 * where the total is known (the bytes of the file being read) the share done
 * and the time left. Counts only: a task is named by the project's own labels
 * (`read gp_events`), never by anything from a resident's record.
 */

export interface ProgressSnapshot {
  readonly task: string
  readonly rows: number
  readonly bytes: number
  /** The file's size, when the task reads one. */
  readonly totalBytes: number | undefined
  readonly elapsedMs: number
}

export interface ProgressMeasure {
  readonly rowsPerSecond: number | undefined
  readonly percent: number | undefined
  readonly etaSeconds: number | undefined
}

export const measureProgress = ({ bytes, elapsedMs, rows, totalBytes }: ProgressSnapshot): ProgressMeasure => {
  const seconds = elapsedMs / 1000
  const fraction = totalBytes === undefined || totalBytes <= 0 ? undefined : Math.min(1, bytes / totalBytes)
  return {
    rowsPerSecond: seconds > 0 ? Math.round(rows / seconds) : undefined,
    percent: fraction === undefined ? undefined : Math.floor(fraction * 100),
    // The rest of the file at the rate its first part was read.
    etaSeconds:
      fraction === undefined || fraction === 0 || seconds === 0
        ? undefined
        : Math.round((seconds * (1 - fraction)) / fraction)
  }
}

const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",")

const duration = (seconds: number): string => {
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`
}

/** The terminal's live line: `read gp_events  120,000 rows  45,000 rows/s  62%  ETA 3s`. */
export const progressLine = (snapshot: ProgressSnapshot): string => {
  const { etaSeconds, percent, rowsPerSecond } = measureProgress(snapshot)
  return [
    snapshot.task,
    `${grouped(snapshot.rows)} rows`,
    ...(rowsPerSecond === undefined ? [] : [`${grouped(rowsPerSecond)} rows/s`]),
    ...(percent === undefined ? [] : [`${percent}%`]),
    ...(etaSeconds === undefined ? [] : [`ETA ${duration(etaSeconds)}`])
  ].join("  ")
}

/** The same, as the fields of a structured log line. */
export const progressFields = (snapshot: ProgressSnapshot): Record<string, string | number> => {
  const { etaSeconds, percent, rowsPerSecond } = measureProgress(snapshot)
  return {
    task: snapshot.task,
    rows: snapshot.rows,
    bytes: snapshot.bytes,
    ...(snapshot.totalBytes === undefined ? {} : { total_bytes: snapshot.totalBytes }),
    ...(rowsPerSecond === undefined ? {} : { rows_per_s: rowsPerSecond }),
    ...(percent === undefined ? {} : { percent }),
    ...(etaSeconds === undefined ? {} : { eta_s: etaSeconds }),
    elapsed_ms: snapshot.elapsedMs
  }
}
