/**
 * The records step: every partner source that holds records about people,
 * streamed into its table a batch at a time (decode, link, curate, insert),
 * in the catalogue's order. Records the demographic ladder leaves unmatched
 * or ambiguous are held back until every council source is read, then linked
 * by the probabilistic tier, whose model is fitted on that night's records,
 * and loaded. Returns how each source's records linked, for lineage, and each
 * source's profile for the run report, tallied from the records as loaded.
 * Opted-out people's records are counted and never loaded.
 */
import * as path from "node:path"
import { Effect } from "effect"
import type { RecordTables, WarehouseSchema } from "../../schemas/warehouse.js"
import type { SourceProfileCounts } from "../../transforms/reportSources.js"
import { SeededRandom } from "../../transforms/seededRandom.js"
import { type ReportWindow, sourceProfileTallies } from "../../transforms/sourceProfileTally.js"
import { type Demographics, isPartial } from "../../transforms/demographicMatch.js"
import { type EquityContext, type EquityRow, LinkageEquity, observeLinkage } from "../../transforms/linkageEquity.js"
import { modelSummary } from "../../transforms/fellegiSunter.js"
import {
  BLOCKING_RULES,
  type ProbabilisticIndex,
  type ProbabilisticSettings,
  type ReviewEntry,
  reviewEntry
} from "../../transforms/probabilisticMatch.js"
import {
  type Link,
  type LinkageIndex,
  type LinkOutcome,
  linkProbabilistically,
  linkRecord
} from "../../transforms/recordLinkage.js"
import type { NumberedRow } from "../ingest/readExtract.js"
import { matchesOnDemographics, RECORD_SOURCES, type RecordSource } from "../ingest/recordSources.js"
import type { SourceReader } from "../ingest/sourceReader.js"
import type { LinkageModelLineage } from "../governance/lineage.js"
import { FileSystem } from "../services/fileSystem.js"
import { insertRows, type WarehouseDb } from "../warehouse/warehouse.js"
import { RunStages } from "./runStages.js"

export interface RecordsLinked {
  /** Records per source by `status` or `status:method` (`linked:nhs_number`, `ambiguous:given_name_initial`, `opted_out`). */
  readonly linkage: Record<string, Record<string, number>>
  readonly invalidNhsNumbers: Readonly<Record<string, number>>
  /** Records matched on demographics lacking a given name or a date of birth, per source. */
  readonly partialDemographics: Readonly<Record<string, number>>
  readonly equity: ReadonlyArray<EquityRow>
  /** The probabilistic tier's settings and fitted model; null when the ladder left no record to it. */
  readonly linkageModel: LinkageModelLineage | null
}

export interface RecordsLoaded {
  readonly linked: RecordsLinked
  /** Each record source's profile for the run report: its rows, fields filled and records per month. */
  readonly sourceProfiles: ReadonlyArray<SourceProfileCounts>
}

export interface RecordsInputs {
  readonly db: WarehouseDb
  readonly reader: SourceReader
  readonly index: LinkageIndex & {
    readonly indexDemographics: () => void
    readonly probabilistic: () => ProbabilisticIndex
  }
  readonly probabilistic: ProbabilisticSettings
  /** This run's folder of the secure area's clerical review queue. */
  readonly reviewDir: string
  readonly equityContext: EquityContext
  readonly householdIdOf: (uprn: string) => string
  /** People the spine holds (residents and opted-out), for the linkage index stage's counts. */
  readonly people: number
  /** The rules' window, whose months the source profiles count records in. */
  readonly window: ReportWindow
}

/** A record the ladder left unmatched or ambiguous, held for the probabilistic tier. */
interface HeldRecord {
  readonly recordSource: RecordSource<unknown, keyof RecordTables>
  readonly row: number
  readonly value: unknown
  readonly demographics: Demographics
  /** The ladder's verdict, which an ambiguous record keeps unless the tier links it. */
  readonly ladder: Link
  /** Its tenancy or claim, as `households` keys it. */
  readonly household: string | undefined
}

/** The tallies one run's loads add to. */
interface Tallies {
  readonly linkage: Record<string, Record<string, number>>
  readonly invalidNhsNumbers: Record<string, number>
  readonly partialDemographics: Record<string, number>
  readonly equity: LinkageEquity
  readonly held: Array<HeldRecord>
  /** A seeded sample of records the ladder linked, so the model is also fitted on true pairs it found. */
  readonly ladderLinked: Array<Demographics>
  ladderLinkedSeen: number
  /** Per tenancy or claim (`source`, NUL, reference), the residents its records linked to: the held records' households. */
  readonly households: Map<string, Array<string>>
  readonly profiles: ReturnType<typeof sourceProfileTallies>
}

/** Ladder-linked records the model is fitted on besides the held ones: enough for stable estimates, few enough to stay fast. */
const FIT_SAMPLE = 5_000
const FIT_SAMPLE_SEED = 20

const outcomeKey = (link: LinkOutcome): string =>
  link === "opted_out"
    ? "opted_out"
    : link.link_method === null
      ? link.link_status
      : `${link.link_status}:${link.link_method}`

export const loadRecords = Effect.fn("loadRecords")(function* (inputs: RecordsInputs) {
  const stages = yield* RunStages
  const tallies: Tallies = {
    linkage: {},
    invalidNhsNumbers: {},
    partialDemographics: {},
    equity: new LinkageEquity(),
    held: [],
    ladderLinked: [],
    ladderLinkedSeen: 0,
    households: new Map(),
    profiles: sourceProfileTallies(inputs.window)
  }
  const sampler = new SeededRandom(FIT_SAMPLE_SEED)
  // Council sources load last: until then the demographic index is not held in memory.
  const firstMatchedOnDemographics = RECORD_SOURCES.findIndex(matchesOnDemographics)
  for (const [i, recordSource] of RECORD_SOURCES.entries()) {
    if (i === firstMatchedOnDemographics) {
      yield* stages.timed("linkage index", Effect.sync(inputs.index.indexDemographics), () => ({
        rowsIn: inputs.people,
        rowsOut: inputs.people
      }))
    }
    yield* loadRecordSource(recordSource as RecordSource<unknown, keyof RecordTables>, inputs, tallies, stages, () =>
      sampler.next()
    )
  }
  const { model, review } = yield* stages.timed(
    "probabilistic linkage",
    linkHeldRecords(inputs, tallies),
    ({ loaded }) => ({
      rowsIn: tallies.held.length,
      rowsOut: loaded
    })
  )
  yield* stages.timed("clerical review queue", writeReviewQueue(inputs.reviewDir, review), () => ({
    rowsIn: tallies.held.length,
    rowsOut: review.length
  }))
  return {
    linked: {
      linkage: tallies.linkage,
      invalidNhsNumbers: tallies.invalidNhsNumbers,
      partialDemographics: tallies.partialDemographics,
      equity: tallies.equity.rows(),
      linkageModel: model
    },
    sourceProfiles: tallies.profiles.counts()
  } satisfies RecordsLoaded
})

const count = (tallies: Tallies, source: string, link: LinkOutcome) => {
  const counts = (tallies.linkage[source] ??= {})
  const key = outcomeKey(link)
  counts[key] = (counts[key] ?? 0) + 1
}

/** Keeps each ladder-linked record in the fitting sample with equal chance (reservoir sampling). */
const sampleLadderLinked = (tallies: Tallies, demographics: Demographics, next: () => number) => {
  const seen = ++tallies.ladderLinkedSeen
  if (tallies.ladderLinked.length < FIT_SAMPLE) tallies.ladderLinked.push(demographics)
  else {
    const at = Math.floor(next() * seen)
    if (at < FIT_SAMPLE) tallies.ladderLinked[at] = demographics
  }
}

const loadRecordSource = <Row, Table extends keyof RecordTables>(
  recordSource: RecordSource<Row, Table>,
  { db, equityContext, householdIdOf, index, reader }: RecordsInputs,
  tallies: Tallies,
  stages: RunStages["Service"],
  next: () => number
) => {
  const name = recordSource.source.name
  const profile = tallies.profiles.tallyOf(recordSource.table)
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
      const reference = recordSource.householdOf?.(value)
      const household = reference === undefined ? undefined : `${name}\u0000${reference}`
      if (
        demographics !== undefined &&
        isPartial(demographics) &&
        (link === "opted_out" || link.link_method !== "nhs_number")
      )
        tallies.partialDemographics[name] = (tallies.partialDemographics[name] ?? 0) + 1
      if (demographics !== undefined && link !== "opted_out") {
        // The ladder's doubt may be settled by what it does not compare: the UPRN, the household, sex.
        if (link.link_status === "unmatched" || link.link_status === "ambiguous") {
          tallies.held.push({
            recordSource: recordSource as RecordSource<unknown, keyof RecordTables>,
            row,
            value,
            demographics,
            ladder: link,
            household
          })
          continue
        }
        if (link.link_status === "linked" && link.link_method !== "nhs_number")
          sampleLadderLinked(tallies, demographics, next)
      }
      count(tallies, name, link)
      if (link === "opted_out") continue
      if (household !== undefined && link.link_status === "linked" && link.person_id !== null) {
        const residents = tallies.households.get(household)
        if (residents === undefined) tallies.households.set(household, [link.person_id])
        else residents.push(link.person_id)
      }
      observeLinkage(tallies.equity, equityContext, name, link, demographics)
      const record = recordSource.curate(value, { sourceRow: row, link, householdIdOf })
      profile?.observe(record)
      curated.push(record)
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

/** Links the held records by the probabilistic tier and loads them; returns how many were loaded and the grey zone. */
const linkHeldRecords = ({ db, equityContext, householdIdOf, index, probabilistic }: RecordsInputs, tallies: Tallies) =>
  Effect.gen(function* () {
    const { held } = tallies
    const review: Array<ReviewEntry> = []
    if (held.length === 0) return { loaded: 0, review, model: null }
    const { matches, model } = index.probabilistic().link(
      held.map((record) => record.demographics),
      tallies.ladderLinked,
      probabilistic,
      held.map(({ household }) => (household === undefined ? [] : (tallies.households.get(household) ?? [])))
    )
    const byTable = new Map<keyof RecordTables, Array<RecordTables[keyof RecordTables]>>()
    held.forEach(({ demographics, ladder, recordSource, row, value }, i) => {
      const name = recordSource.source.name
      const match = matches[i]!
      const link =
        match.outcome !== "linked" && ladder.link_status === "ambiguous" ? ladder : linkProbabilistically(index, match)
      count(tallies, name, link)
      if (link === "opted_out") return
      const entry = reviewEntry(name, row, match)
      if (entry !== undefined) review.push(link === ladder ? { ...entry, link_status: "ambiguous" } : entry)
      observeLinkage(tallies.equity, equityContext, name, link, demographics)
      const rows = byTable.get(recordSource.table) ?? []
      const record = recordSource.curate(value, { sourceRow: row, link, householdIdOf })
      tallies.profiles.tallyOf(recordSource.table)?.observe(record)
      rows.push(record)
      byTable.set(recordSource.table, rows)
    })
    let loaded = 0
    for (const [table, rows] of byTable) {
      yield* insertRows(db, table, rows as ReadonlyArray<WarehouseSchema[typeof table]>)
      loaded += rows.length
    }
    const linkageModel: LinkageModelLineage = {
      threshold: probabilistic.threshold,
      margin_bits: probabilistic.margin,
      review_floor: probabilistic.reviewFloor,
      blocking_rules: BLOCKING_RULES.map(({ name }) => name),
      fields: modelSummary(model)
    }
    return { loaded, review, model: linkageModel }
  })

/**
 * The grey zone, one JSON line per record, in the secure area: the partner's
 * row, and its candidates by pseudonym with weights and the fields that agreed.
 */
const writeReviewQueue = (dir: string, review: ReadonlyArray<ReviewEntry>) =>
  Effect.gen(function* () {
    const files = yield* FileSystem
    yield* files.makeDirectory(dir, 0o700)
    const lines = review.map((entry) => `${JSON.stringify(entry)}\n`).join("")
    yield* files.writeFile(path.join(dir, "linkage.jsonl"), lines, 0o600)
  })
