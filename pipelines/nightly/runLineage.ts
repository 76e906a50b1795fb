/**
 * A run's lineage entry, built in one place from what the run's steps
 * returned: a failed run records what it had learnt when it stopped, a
 * succeeded run everything, including the outputs it published.
 */
import type { InputLineage, OutputLineage, RunLineage, StageLineage } from "../governance/lineage.js"
import { operatorAndHost } from "../governance/lineage.js"
import { softwareVersion } from "../services/projectFiles.js"
import type { RecordsLinked } from "./loadRecords.js"
import type { PreparedRun } from "./prepareRun.js"
import type { SpineRead } from "./readSpine.js"
import { configVersion } from "./runConfig.js"

/** What a run has learnt, step by step; a step that has not finished is absent. */
export interface RunFacts {
  readonly prepared: PreparedRun
  readonly keyFingerprint: string | null
  readonly keyRotated: boolean
  readonly inputs: ReadonlyArray<InputLineage>
  readonly volume?: RunLineage["volume"]
  readonly stages: ReadonlyArray<StageLineage>
  readonly spine?: SpineRead["lineage"]
  readonly records?: RecordsLinked
  readonly segments?: Readonly<Record<string, number>>
  readonly segmentsWithheld?: ReadonlyArray<string>
  readonly warehouseBuildSql?: RunLineage["warehouse_build_sql"]
  readonly reidentificationStore?: RunLineage["reidentification_store"]
  readonly outputs?: ReadonlyArray<OutputLineage>
}

export const runLineage = (
  facts: RunFacts,
  status: RunLineage["status"],
  failureReason: string | null,
  finishedAt: string
): RunLineage => {
  const { asOf, config, options, outcomes, rules, startedAt, tariff } = facts.prepared
  return {
    run_id: options.runId,
    status,
    failure_reason: failureReason,
    started_at: startedAt,
    finished_at: finishedAt,
    as_of: asOf,
    ...operatorAndHost(),
    software_version: softwareVersion,
    config_version: configVersion(config),
    config,
    rules_version: rules.rules.version,
    rules_files: [rules.fingerprint, tariff.fingerprint, outcomes.fingerprint],
    codelists: rules.codelists,
    outcomes_version: outcomes.value.version,
    key_fingerprint: facts.keyFingerprint,
    key_rotated: facts.keyRotated,
    inputs: facts.inputs.map((input) => ({
      ...input,
      invalid_nhs_numbers: facts.records?.invalidNhsNumbers[input.source] ?? 0,
      partial_demographics: facts.records?.partialDemographics[input.source] ?? 0
    })),
    ...(facts.volume === undefined ? {} : { volume: facts.volume }),
    stages: facts.stages,
    spine: facts.spine?.spine ?? {},
    opt_outs: facts.spine?.optOuts ?? { residents_excluded: "0" },
    reidentification_store: facts.reidentificationStore ?? null,
    warehouse_build_sql: facts.warehouseBuildSql ?? null,
    linkage: facts.records?.linkage ?? {},
    linkage_equity: facts.records?.equity ?? [],
    linkage_model: facts.records?.linkageModel ?? null,
    segments: facts.segments ?? {},
    ...(facts.segmentsWithheld === undefined ? {} : { segments_withheld: facts.segmentsWithheld }),
    outputs: facts.outputs ?? []
  }
}
