/**
 * Whether a night's sources let the run go on, judged from their lineage as
 * read: a required source that is missing or failed, a required source past
 * the hard freshness limit, or a source above the quarantine threshold fails
 * the run with what to ask the partner for. A run and `validate` judge alike.
 * A run also compares each required source's accepted rows with the last
 * published run's: a required source with no rows, or one that fell or rose
 * by more than the configured shares, fails unless the change is declared.
 */
import * as path from "node:path"
import { Effect } from "effect"
import { DataFailure } from "../errors.js"
import { type ChainEntry, type InputLineage, runsOf } from "../governance/lineage.js"
import type { RunConfig } from "../nightly/runConfig.js"

/**
 * What lineage and the failure say of a source whose file is not in the
 * inbox: for a required one, what the contract says of it too.
 */
export const missingMessage = (file: string, source: string, requiredSources: ReadonlyArray<string>): string => {
  if (!requiredSources.includes(source)) return `${file} is missing`
  const why =
    source === "opt_outs"
      ? "a night without a readable opt-out list must not publish secondary-use data"
      : `${source} is a required source (requiredSources: ${requiredSources.join(", ")})`
  return `${file} is not in the inbox: ${why}, so no stage runs and nothing is published`
}

/** A required source missing or failed as a whole; `nextActions` holds a source's own advice, when it has one. */
export const requiredSourceFailure = (
  inputs: ReadonlyArray<InputLineage>,
  nextActions: ReadonlyMap<string, string>
) => {
  const failed = inputs.find((input) => input.required && input.status !== "loaded")
  return failed === undefined
    ? Effect.void
    : Effect.fail(
        new DataFailure({
          message: `required source ${failed.source} ${failed.status}: ${failed.message}`,
          nextAction: `${
            nextActions.get(failed.source) ?? `ask the partner to resend ${path.basename(failed.path)}`
          }; the previous publication is unchanged`
        })
      )
}

/** A required source older than the hard freshness limit. */
export const staleSourceFailure = (inputs: ReadonlyArray<InputLineage>, config: RunConfig) => {
  const stale = inputs.find(
    (input) => input.required && input.age_days !== null && input.age_days > config.freshnessFailDays
  )
  return stale === undefined
    ? Effect.void
    : Effect.fail(
        new DataFailure({
          message: `required source ${stale.source} is ${stale.age_days} days old (extract date ${stale.extract_date}${
            stale.extract_date_from === "file_modified" ? ", when its file was last modified" : ""
          }, limit ${config.freshnessFailDays} days)`,
          nextAction:
            stale.extract_date_from === "file_modified"
              ? `ask the partner for a current ${path.basename(stale.path)}; if the file is current, state its date in extractDates in the configuration`
              : `ask the partner for a current ${path.basename(stale.path)}, or correct extractDates in the configuration`
        })
      )
}

const SENT_TWICE = "the file may hold its rows twice (sent twice in one): ask the partner to resend it once"

/**
 * A source with more of its rows quarantined than the configuration allows,
 * or (where identical rows are loaded) more of its rows repeating an earlier
 * one exactly than a file sent once would hold.
 */
export const quarantineFailure = (inputs: ReadonlyArray<InputLineage>, config: RunConfig) => {
  const over = inputs.find(
    (input) => input.rows_read > 0 && input.rows_quarantined / input.rows_read > config.quarantineThreshold
  )
  if (over !== undefined) {
    const share = ((over.rows_quarantined / over.rows_read) * 100).toFixed(1)
    const [topReason] = Object.entries(over.quarantine_reasons).sort((a, b) => b[1] - a[1])
    return Effect.fail(
      new DataFailure({
        message: `${over.path}: ${over.rows_quarantined} of ${over.rows_read} rows quarantined (${share}%, threshold ${
          config.quarantineThreshold * 100
        }%), mostly ${topReason?.[0] ?? "unknown"}`,
        nextAction:
          topReason?.[0] === "row/duplicate_record"
            ? SENT_TWICE
            : "review the quarantined rows with the partner and ask for a corrected extract"
      })
    )
  }
  const repeated = inputs.find(
    (input) => input.rows_read > 0 && (input.duplicate_rows ?? 0) / input.rows_read > config.duplicateThreshold
  )
  if (repeated === undefined) return Effect.void
  const duplicates = repeated.duplicate_rows ?? 0
  return Effect.fail(
    new DataFailure({
      message: `${repeated.path}: ${duplicates} of ${repeated.rows_read} rows repeat an earlier row exactly (${(
        (duplicates / repeated.rows_read) *
        100
      ).toFixed(1)}%, threshold ${config.duplicateThreshold * 100}%)`,
      nextAction: `${SENT_TWICE}; duplicateThreshold in --config changes the limit`
    })
  )
}

/** Sources a night may send with a header and no rows (spec: an opt-out list with no opt-outs tonight). */
const MAY_BE_EMPTY: ReadonlySet<string> = new Set(["opt_outs"])

/** What tonight's volumes are compared with: the accepted rows per source of the last published run. */
export interface VolumeBaseline {
  readonly runId: string
  readonly rowsAccepted: ReadonlyMap<string, number>
}

/** The baseline in a lineage chain; none before the first run that published. */
export const volumeBaseline = (chain: ReadonlyArray<ChainEntry>): VolumeBaseline | undefined => {
  const last = runsOf(chain)
    .filter((run) => run.status === "succeeded")
    .at(-1)
  return last === undefined
    ? undefined
    : {
        runId: last.run_id,
        rowsAccepted: new Map(
          last.inputs.filter((input) => input.status === "loaded").map((input) => [input.source, input.rows_accepted])
        )
      }
}

const percent = (share: number) => `${Math.round(share * 100)}%`

/**
 * A required source with no rows (but those that may be empty), or whose
 * accepted rows fell or rose against the baseline by more than the
 * configuration allows, unless `accepted` declares the change for that source.
 */
export const volumeFailure = (
  inputs: ReadonlyArray<InputLineage>,
  baseline: VolumeBaseline | undefined,
  config: RunConfig,
  accepted: ReadonlySet<string>
) => {
  for (const input of inputs) {
    if (!input.required || input.status !== "loaded") continue
    const file = path.basename(input.path)
    if (input.rows_accepted === 0 && !MAY_BE_EMPTY.has(input.source)) {
      return Effect.fail(
        new DataFailure({
          message: `required source ${input.source} has no rows: ${input.path} holds ${input.rows_read === 0 ? "only its header" : `no row that could be accepted (${input.rows_quarantined} quarantined)`}`,
          nextAction: `ask the partner to resend ${file}; the previous publication is unchanged`
        })
      )
    }
    const before = baseline?.rowsAccepted.get(input.source)
    if (baseline === undefined || before === undefined || before === 0 || accepted.has(input.source)) continue
    const change = (input.rows_accepted - before) / before
    if (change >= -config.volumeFallShare && change <= config.volumeRiseShare) continue
    const [direction, limit] = change < 0 ? ["fall", config.volumeFallShare] : ["rise", config.volumeRiseShare]
    return Effect.fail(
      new DataFailure({
        message: `required source ${input.source} has ${input.rows_accepted} rows accepted against ${before} in run ${baseline.runId}, a ${direction} of ${percent(Math.abs(change))} (limit ${percent(limit)})`,
        nextAction: `ask the partner whether ${file} is complete and sent once; if the change is real, run again with --accept-volume-change ${input.source} (recorded in lineage); the previous publication is unchanged`
      })
    )
  }
  return Effect.void
}
