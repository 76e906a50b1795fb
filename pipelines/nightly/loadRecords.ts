/**
 * The records step: every partner source that holds records about people,
 * streamed into its table a batch at a time (decode, link, curate, insert),
 * in the catalogue's order. Returns how each source's records linked, for
 * lineage. Opted-out people's records are counted and never loaded.
 */
import { Effect } from "effect"
import type { RecordTables, WarehouseSchema } from "../../schemas/warehouse.js"
import { type EquityContext, type EquityRow, LinkageEquity, observeLinkage } from "../../transforms/linkageEquity.js"
import { type LinkageIndex, type LinkOutcome, linkRecord } from "../../transforms/recordLinkage.js"
import type { NumberedRow } from "../ingest/readExtract.js"
import { matchesOnDemographics, RECORD_SOURCES, type RecordSource } from "../ingest/recordSources.js"
import type { SourceReader } from "../ingest/sourceReader.js"
import { insertRows, type WarehouseDb } from "../warehouse/warehouse.js"
import { RunStages } from "./runStages.js"

export interface RecordsLinked {
  /** Records per source by `status` or `status:method` (`linked:nhs_number`, `ambiguous:given_name_initial`, `opted_out`). */
  readonly linkage: Record<string, Record<string, number>>
  readonly invalidNhsNumbers: Readonly<Record<string, number>>
  readonly equity: ReadonlyArray<EquityRow>
}

export interface RecordsInputs {
  readonly db: WarehouseDb
  readonly reader: SourceReader
  readonly index: LinkageIndex & { readonly indexDemographics: () => void }
  readonly equityContext: EquityContext
  readonly householdIdOf: (uprn: string) => string
  /** People the spine holds (residents and opted-out), for the linkage index stage's counts. */
  readonly people: number
}

/** The tallies one run's loads add to. */
interface Tallies {
  readonly linkage: Record<string, Record<string, number>>
  readonly invalidNhsNumbers: Record<string, number>
  readonly equity: LinkageEquity
}

const outcomeKey = (link: LinkOutcome): string =>
  link === "opted_out"
    ? "opted_out"
    : link.link_method === null
      ? link.link_status
      : `${link.link_status}:${link.link_method}`

export const loadRecords = Effect.fn("loadRecords")(function* (inputs: RecordsInputs) {
  const stages = yield* RunStages
  const tallies: Tallies = { linkage: {}, invalidNhsNumbers: {}, equity: new LinkageEquity() }
  // Council sources load last: until then the demographic index is not held in memory.
  const firstMatchedOnDemographics = RECORD_SOURCES.findIndex(matchesOnDemographics)
  for (const [i, recordSource] of RECORD_SOURCES.entries()) {
    if (i === firstMatchedOnDemographics) {
      yield* stages.timed("linkage index", Effect.sync(inputs.index.indexDemographics), () => ({
        rowsIn: inputs.people,
        rowsOut: inputs.people
      }))
    }
    yield* loadRecordSource(recordSource as RecordSource<unknown, keyof RecordTables>, inputs, tallies, stages)
  }
  return {
    linkage: tallies.linkage,
    invalidNhsNumbers: tallies.invalidNhsNumbers,
    equity: tallies.equity.rows()
  } satisfies RecordsLinked
})

const loadRecordSource = <Row, Table extends keyof RecordTables>(
  recordSource: RecordSource<Row, Table>,
  { db, equityContext, householdIdOf, index, reader }: RecordsInputs,
  tallies: Tallies,
  stages: RunStages["Service"]
) => {
  const name = recordSource.source.name
  let loaded = 0
  const curateBatch = (rows: ReadonlyArray<NumberedRow<Row>>) => {
    const curated: Array<RecordTables[Table]> = []
    for (const { row, value } of rows) {
      const nhsNumber = recordSource.nhsNumberOf(value)
      if (typeof nhsNumber === "object" && !nhsNumber.valid) {
        tallies.invalidNhsNumbers[name] = (tallies.invalidNhsNumbers[name] ?? 0) + 1
      }
      const demographics = recordSource.demographicsOf(value)
      const link = linkRecord(index, nhsNumber, demographics)
      const counts = (tallies.linkage[name] ??= {})
      const key = outcomeKey(link)
      counts[key] = (counts[key] ?? 0) + 1
      if (link === "opted_out") continue
      observeLinkage(tallies.equity, equityContext, name, link, demographics)
      curated.push(recordSource.curate(value, { sourceRow: row, link, householdIdOf }))
    }
    loaded += curated.length
    return curated
  }
  return stages.timed(
    `load ${name}`,
    reader.read(recordSource.source, (rows) =>
      insertRows(db, recordSource.table, curateBatch(rows) as ReadonlyArray<WarehouseSchema[Table]>)
    ),
    (summary) => ({ rowsIn: summary?.rowsRead ?? 0, rowsOut: loaded })
  )
}
