/**
 * Every warning of a run, as the report lists them: what the run noticed
 * but published anyway (an optional source missing or unreadable, an extract
 * past its freshness warning, rows quarantined or repeated, columns the
 * contract does not name, a source linking less than it should, people with
 * two dates of birth, a declared key rotation or volume change), each with
 * what to do about it and the doc page that explains it.
 *
 * Made from the run's own lineage, so the report's list and lineage never
 * disagree; every count in a warning is disclosure-controlled.
 */
import { type DisclosureRules, publishedCount, SUPPRESSED } from "./disclosureControl.js"
import { formatCell } from "./reportHtml.js"

/**
 * A count as a warning says it: controlled, or the mark of a suppressed count that the
 * published lineage uses (its range would put the numbers 1 and 7 in text searched for counts).
 */
const countText = (count: number, rules: DisclosureRules): string => {
  const shown = publishedCount(count, rules)
  return shown === null ? SUPPRESSED : formatCell(shown, "count")
}

/** What a source's lineage says, as far as warnings go. */
export interface WarningInput {
  readonly source: string
  readonly required: boolean
  readonly status: string
  readonly rows_read: number
  readonly rows_quarantined: number
  readonly duplicate_rows: number
  readonly unknown_columns: ReadonlyArray<string>
  readonly extract_date: string | null
  readonly age_days: number | null
}

export interface WarningFacts {
  readonly inputs: ReadonlyArray<WarningInput>
  /** An extract older than this many days warns (the run's `freshnessWarnDays`). */
  readonly freshnessWarnDays: number
  /** A source whose records link less than this (percent, of controlled counts) warns. */
  readonly linkageWarnPercent: number
  readonly linkageRates: ReadonlyArray<{ readonly source: string; readonly rate_percent: number | null }>
  /** People whose registrations give two dates of birth. */
  readonly conflictingDatesOfBirth: number
  readonly keyRotated: boolean
  /** Sources whose change in volume was declared with --accept-volume-change. */
  readonly acceptedVolumeChanges: ReadonlyArray<string>
}

export interface ReportWarning {
  /** The source it concerns; null for the run as a whole. */
  readonly source: string | null
  readonly warning: string
  readonly next_action: string
  /** The doc page (and section) that explains it, relative to the project's docs. */
  readonly doc: string
}

const TROUBLESHOOTING = "docs/troubleshooting.md"

const inputWarnings = (input: WarningInput, facts: WarningFacts, rules: DisclosureRules): Array<ReportWarning> => {
  const { source } = input
  const count = (n: number) => countText(n, rules)
  const warnings: Array<ReportWarning> = []
  if (input.status === "missing") {
    warnings.push({
      source,
      warning: `${source}.csv was not in the inbox; its figures are missing from this publication`,
      next_action: `ask the partner to send ${source}.csv; the next run will load it`,
      doc: "docs/extracts.md#sources"
    })
  }
  if (input.status === "failed") {
    warnings.push({
      source,
      warning: `${source}.csv could not be read as a whole and was skipped`,
      next_action: `wsd validate --inbox INBOX names the fault; ask the partner to resend ${source}.csv`,
      doc: `${TROUBLESHOOTING}#exit-1-the-data-failed-the-run`
    })
  }
  if (input.age_days !== null && input.age_days > facts.freshnessWarnDays) {
    warnings.push({
      source,
      warning: `extract taken ${input.extract_date ?? "on an unknown date"}, ${input.age_days} days before the as-of date (warning after ${facts.freshnessWarnDays})`,
      next_action: `ask the partner for a current ${source}.csv, or correct extractDates in the configuration`,
      doc: "docs/extracts.md#freshness"
    })
  }
  if (input.rows_quarantined > 0) {
    warnings.push({
      source,
      warning: `${count(input.rows_quarantined)} of ${count(input.rows_read)} rows quarantined`,
      next_action: `wsd quarantine list --out OUT --source ${source} --csv FILE gives the rows and reasons to send the partner`,
      doc: `${TROUBLESHOOTING}#exit-0-with-rows-quarantined`
    })
  }
  if (input.duplicate_rows > 0) {
    warnings.push({
      source,
      warning: `${count(input.duplicate_rows)} rows repeat an earlier row exactly`,
      next_action: "check with the partner that the file was sent once; a copy is loaded once",
      doc: "docs/extracts.md#what-happens-to-bad-input"
    })
  }
  if (input.unknown_columns.length > 0) {
    warnings.push({
      source,
      warning: `columns the contract does not name were ignored: ${input.unknown_columns.join(", ")}`,
      next_action: "ask the partner to drop them, or to rename them as the contract names them",
      doc: "docs/extracts.md#file-rules"
    })
  }
  return warnings
}

/** The run's warnings: per source in the order lineage lists them, then the run's own. */
export const runWarnings = (facts: WarningFacts, rules: DisclosureRules): Array<ReportWarning> => [
  ...facts.inputs.flatMap((input) => inputWarnings(input, facts, rules)),
  ...facts.linkageRates
    .filter((row) => row.rate_percent !== null && row.rate_percent < facts.linkageWarnPercent)
    .map((row): ReportWarning => ({
      source: row.source,
      warning: `${row.rate_percent}% of records linked to a resident, below ${facts.linkageWarnPercent}%`,
      next_action:
        "see how its records failed to link under Linkage per source and tier, and raise it with the partner",
      doc: "docs/linkage.md#what-lineage-reports"
    })),
  ...(facts.conflictingDatesOfBirth > 0
    ? [
        {
          source: "gp_registrations",
          warning: `${countText(facts.conflictingDatesOfBirth, rules)} people have registrations giving two dates of birth`,
          next_action: "ask the practices to correct them; each person's winning registration gives the date meanwhile",
          doc: "docs/linkage.md"
        }
      ]
    : []),
  ...(facts.keyRotated
    ? [
        {
          source: null,
          warning: "the pseudonymisation key was rotated: every person_id differs from the last run's",
          next_action: "tell recipients of earlier extracts that pseudonyms do not carry over",
          doc: "docs/pseudonyms.md"
        }
      ]
    : []),
  ...facts.acceptedVolumeChanges.map((source): ReportWarning => ({
    source,
    warning: "its change in volume since the last run was accepted with --accept-volume-change",
    next_action: "confirm with the partner that the change is real",
    doc: "docs/running-nightly.md"
  }))
]
