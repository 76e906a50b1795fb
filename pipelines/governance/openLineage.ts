/**
 * OpenLineage run events (spec 2-0-2) for each run: a START when it begins and
 * a COMPLETE or FAIL when it ends, written one per line to
 * `lineage/openlineage.jsonl`. Inputs carry their schema, data source, input
 * statistics and data-quality counts; outputs their statistics; the warehouse
 * its column lineage, marking pseudonymised columns as masked. Counts only,
 * never a value, and those disclosure-controlled as the release's copy of the
 * lineage is (`pipelines/governance/publishedLineage.ts`): the events travel with every
 * release and to whatever endpoint is configured.
 */
import { createHash } from "node:crypto"
import * as path from "node:path"
import { Effect, Schedule } from "effect"
import { SOURCES, type SourceName } from "../../schemas/sourceCatalogue.js"
import { type MarkedCount, markedCount } from "../../transforms/disclosureControl.js"
import { publishedRun } from "./publishedLineage.js"
import type { OutputLineage, RunLineage } from "./lineage.js"
import { softwareVersion } from "../services/projectFiles.js"
import { publishedWarehouse } from "../warehouse/engines.js"

const SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
const PRODUCER = `urn:wsd:${softwareVersion}`
const JOB = { namespace: "wsd", name: "nightly_batch" }

const facet = (schemaUrl: string, fields: object) => ({ _producer: PRODUCER, _schemaURL: schemaUrl, ...fields })
const facetUrl = (file: string, version: string, name: string) =>
  `https://openlineage.io/spec/facets/${version}/${file}#/$defs/${name}`

/** OpenLineage wants a UUID per run: one derived from the run id, so it is stable. */
export const runUuid = (runId: string): string => {
  const hex = createHash("sha256").update(runId).digest("hex")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export const startEvent = (run: Pick<RunLineage, "run_id" | "started_at" | "as_of">) => ({
  eventType: "START",
  eventTime: run.started_at,
  producer: PRODUCER,
  schemaURL: `${SPEC}#/$defs/RunEvent`,
  run: {
    runId: runUuid(run.run_id),
    facets: {
      nominalTime: facet(facetUrl("NominalTimeRunFacet.json", "1-0-1", "NominalTimeRunFacet"), {
        nominalStartTime: `${run.as_of}T00:00:00Z`
      })
    }
  },
  job: JOB,
  inputs: [],
  outputs: []
})

/** An output's dataset name: a file of the release, or the warehouse as its engine names it. */
const outputDataset = (output: Pick<OutputLineage, "path">, release: string | undefined) =>
  warehouseOf(output, release)?.openLineageDataset ?? {
    namespace: "file",
    name: release === undefined ? output.path : path.join(release, output.path)
  }

/** The engine of an output that is the warehouse (the release only locates a SQLite file, not needed here). */
const warehouseOf = (output: Pick<OutputLineage, "path">, release: string | undefined) =>
  publishedWarehouse(release ?? ".", output.path)

/** The pseudonymised warehouse columns and the identifiers they were derived from. */
const MASKED_COLUMNS = [
  {
    column: "person_id",
    source: "gp_registrations",
    field: "nhs_number",
    description: "HMAC-SHA-256 pseudonym of the NHS number"
  },
  {
    column: "household_id",
    source: "gp_registrations",
    field: "uprn",
    description: "HMAC-SHA-256 pseudonym of the UPRN"
  }
] as const

/** A controlled count as a facet's field: left out where it is suppressed, since a facet's counts are numbers. */
const countField = (name: string, count: MarkedCount) => (typeof count === "number" ? { [name]: count } : {})

/** Rows quarantined per column (the field of each `field/reason`), exact: controlled as each is published. */
const quarantinedPerColumn = (reasons: Readonly<Record<string, number>>) =>
  Object.entries(reasons).reduce<Record<string, number>>((byField, [reason, rows]) => {
    const field = reason.split("/")[0] ?? "row"
    byField[field] = (byField[field] ?? 0) + rows
    return byField
  }, {})

export const endEvent = (run: RunLineage, release: string | undefined) => {
  const inputPath = (source: string) => run.inputs.find((input) => input.source === source)?.path ?? source
  const shown = publishedRun(run)
  return {
    eventType: run.status === "succeeded" ? "COMPLETE" : "FAIL",
    eventTime: run.finished_at,
    producer: PRODUCER,
    schemaURL: `${SPEC}#/$defs/RunEvent`,
    run: {
      runId: runUuid(run.run_id),
      facets: shown.failure_reason
        ? {
            errorMessage: facet(facetUrl("ErrorMessageRunFacet.json", "1-0-1", "ErrorMessageRunFacet"), {
              message: shown.failure_reason,
              programmingLanguage: "TypeScript"
            })
          }
        : {}
    },
    job: JOB,
    inputs: run.inputs.map((input, i) => ({
      namespace: "file",
      name: input.path,
      facets: {
        schema: facet(facetUrl("SchemaDatasetFacet.json", "1-2-0", "SchemaDatasetFacet"), {
          fields: (SOURCES[input.source as SourceName]?.columns ?? []).map((name) => ({ name, type: "string" }))
        }),
        dataSource: facet(facetUrl("DatasourceDatasetFacet.json", "1-0-1", "DatasourceDatasetFacet"), {
          name: input.source,
          uri: `file://${input.path}`
        })
      },
      inputFacets: {
        inputStatistics: facet(
          facetUrl("InputStatisticsInputDatasetFacet.json", "1-0-0", "InputStatisticsInputDatasetFacet"),
          {
            ...countField("rowCount", shown.inputs[i]!.rows_read),
            size: input.bytes ?? 0,
            fileCount: input.status === "missing" ? 0 : 1
          }
        ),
        dataQualityMetrics: facet(
          facetUrl("DataQualityMetricsInputDatasetFacet.json", "1-0-3", "DataQualityMetricsInputDatasetFacet"),
          {
            ...countField("rowCount", shown.inputs[i]!.rows_read),
            bytes: input.bytes ?? 0,
            // Per column, how many rows were quarantined for it: counts only, and none where suppressed.
            columnMetrics: Object.fromEntries(
              Object.entries(quarantinedPerColumn(input.quarantine_reasons)).map(([field, rows]) => [
                field,
                countField("count", markedCount(rows))
              ])
            )
          }
        )
      }
    })),
    outputs: shown.outputs.map((output) => ({
      ...outputDataset(output, release),
      facets:
        warehouseOf(output, release) !== undefined
          ? {
              columnLineage: facet(facetUrl("ColumnLineageDatasetFacet.json", "1-2-0", "ColumnLineageDatasetFacet"), {
                fields: Object.fromEntries(
                  MASKED_COLUMNS.map(({ column, description, field, source }) => [
                    column,
                    {
                      inputFields: [
                        {
                          namespace: "file",
                          name: inputPath(source),
                          field,
                          transformations: [{ type: "DIRECT", subtype: "TRANSFORMATION", description, masking: true }]
                        }
                      ]
                    }
                  ])
                )
              })
            }
          : {},
      outputFacets: {
        outputStatistics: facet(
          facetUrl("OutputStatisticsOutputDatasetFacet.json", "1-0-2", "OutputStatisticsOutputDatasetFacet"),
          {
            ...(output.rows === null ? {} : countField("rowCount", output.rows)),
            ...(warehouseOf(output, release)?.openLineageDataset === undefined ? { fileCount: 1 } : {})
          }
        )
      }
    }))
  }
}

export interface Delivery {
  readonly eventType: string
  readonly delivered: boolean
  readonly attempts: number
  readonly error: string | null
}

/**
 * Posts an event to an OpenLineage HTTP endpoint (e.g. Marquez
 * `/api/v1/lineage`), retrying with backoff. Delivery never fails a run: the
 * outcome is returned for the run's log and the delivery record.
 */
export const postEvent = (url: string, event: { readonly eventType: string }, attempts = 3, backoffMs = 200) =>
  Effect.gen(function* () {
    let tried = 0
    const result = yield* Effect.tryPromise({
      try: async () => {
        tried++
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(event),
          signal: AbortSignal.timeout(10_000)
        })
        if (!response.ok) throw new Error(`HTTP ${response.status}`)
      },
      catch: (error) => (error as Error).message
    }).pipe(
      Effect.retry({ schedule: Schedule.exponential(backoffMs), times: attempts - 1 }),
      Effect.match({ onFailure: (error) => error, onSuccess: () => null })
    )
    return { eventType: event.eventType, delivered: result === null, attempts: tried, error: result } satisfies Delivery
  })
