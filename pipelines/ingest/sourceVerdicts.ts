/**
 * Whether a night's sources let the run go on, judged from their lineage as
 * read: a required source that is missing or failed, a required source past
 * the hard freshness limit, or a source above the quarantine threshold fails
 * the run with what to ask the partner for. A run and `validate` judge alike.
 */
import * as path from "node:path"
import { Effect } from "effect"
import { DataFailure } from "../errors.js"
import type { InputLineage } from "../governance/lineage.js"
import type { RunConfig } from "../nightly/runConfig.js"

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
          message: `required source ${stale.source} is ${stale.age_days} days old (extract date ${stale.extract_date}, limit ${config.freshnessFailDays} days)`,
          nextAction: `ask the partner for a current ${path.basename(stale.path)}, or correct extractDates in the configuration`
        })
      )
}

/** A source with more of its rows quarantined than the configuration allows. */
export const quarantineFailure = (inputs: ReadonlyArray<InputLineage>, config: RunConfig) => {
  const over = inputs.find(
    (input) => input.rows_read > 0 && input.rows_quarantined / input.rows_read > config.quarantineThreshold
  )
  if (over === undefined) return Effect.void
  const share = ((over.rows_quarantined / over.rows_read) * 100).toFixed(1)
  const [topReason] = Object.entries(over.quarantine_reasons).sort((a, b) => b[1] - a[1])
  return Effect.fail(
    new DataFailure({
      message: `${over.path}: ${over.rows_quarantined} of ${over.rows_read} rows quarantined (${share}%, threshold ${
        config.quarantineThreshold * 100
      }%), mostly ${topReason?.[0] ?? "unknown"}`,
      nextAction: "review the quarantined rows with the partner and ask for a corrected extract"
    })
  )
}
