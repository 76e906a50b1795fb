/**
 * The run's own lineage, as tables an analyst or IG reviewer can query in the
 * warehouse: every run of the lineage log with this one as it stands before
 * its outputs are written, its inputs, quarantine reasons, linkage, stages,
 * linkage equity, and every extract taken so far.
 */
import { Effect } from "effect"
import { type ChainEntry, extractsOf, type RunLineage, runsOf } from "../governance/lineage.js"
import { insertRows, type WarehouseDb } from "../warehouse/warehouse.js"

export const writeRunTables = Effect.fn("writeRunTables")(function* (
  db: WarehouseDb,
  current: RunLineage,
  chain: ReadonlyArray<ChainEntry>
) {
  const runId = current.run_id
  const earlier = runsOf(chain).filter((run) => run.run_id !== runId)
  yield* insertRows(
    db,
    "run",
    [...earlier, current].map((run) => ({
      run_id: run.run_id,
      started_at: run.started_at,
      finished_at: run.finished_at,
      status: run.status,
      failure_reason: run.failure_reason,
      as_of: run.as_of,
      software_version: run.software_version,
      config_version: run.config_version,
      key_fingerprint: run.key_fingerprint,
      lineage_json: JSON.stringify(run)
    }))
  )
  yield* insertRows(
    db,
    "lineage_input",
    current.inputs.map((input) => ({
      run_id: runId,
      source: input.source,
      status: input.status,
      path: input.path,
      bytes: input.bytes,
      sha256: input.sha256,
      rows_read: input.rows_read,
      rows_accepted: input.rows_accepted,
      rows_quarantined: input.rows_quarantined,
      invalid_nhs_numbers: input.invalid_nhs_numbers ?? 0,
      partial_demographics: input.partial_demographics ?? 0,
      unknown_columns: input.unknown_columns.length === 0 ? null : input.unknown_columns.join(",")
    }))
  )
  yield* insertRows(
    db,
    "lineage_quarantine",
    current.inputs.flatMap((input) =>
      Object.entries(input.quarantine_reasons).map(([fieldReason, rows]) => {
        const [field = "row", reason = "unknown"] = fieldReason.split("/")
        return { run_id: runId, source: input.source, field, reason, rows }
      })
    )
  )
  yield* insertRows(
    db,
    "lineage_linkage",
    Object.entries(current.linkage).flatMap(([source, counts]) =>
      Object.entries(counts).map(([outcome, rows]) => {
        const [link_status = outcome, link_method = ""] = outcome.split(":")
        return { run_id: runId, source, link_status, link_method, rows }
      })
    )
  )
  yield* insertRows(
    db,
    "lineage_stage",
    current.stages.map((stage) => ({ run_id: runId, ...stage }))
  )
  yield* insertRows(
    db,
    "lineage_extract",
    extractsOf(chain).map(({ k_anonymity, profiles_file, ...extract }) => ({
      ...extract,
      fields: extract.fields.join(","),
      k_anonymity: k_anonymity === undefined ? null : JSON.stringify(k_anonymity),
      profiles_file: profiles_file?.file ?? null,
      profiles_sha256: profiles_file?.sha256 ?? null
    }))
  )
  yield* insertRows(
    db,
    "lineage_linkage_equity",
    current.linkage_equity.map((row) => ({ run_id: runId, ...row }))
  )
})
