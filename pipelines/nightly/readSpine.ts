/**
 * The spine step: the reference sources (practices, the postcode lookup,
 * opt-outs) and the GP registrations, read whole and turned into the night's
 * residents. Nothing else can link until this is done.
 */
import { Effect } from "effect"
import { gpRegistrations, type GpRegistration } from "../../schemas/sources/gpRegistrations.js"
import { type LsoaEnvironment, lsoaEnvironment } from "../../schemas/sources/lsoaEnvironment.js"
import { optOuts } from "../../schemas/sources/optOuts.js"
import { postcodeLsoa } from "../../schemas/sources/postcodeLsoa.js"
import { practices, type Practice } from "../../schemas/sources/practices.js"
import { formatControlledCount } from "../../transforms/disclosureControl.js"
import { type AreaOfPostcode, buildSpine, type Spine } from "../../transforms/spine.js"
import type { OptOutLineage } from "../governance/lineage.js"
import type { SourceReader } from "../ingest/sourceReader.js"
import { RunLog } from "../services/runLog.js"
import { RunStages } from "./runStages.js"

export interface SpineRead {
  readonly spine: Spine
  readonly optedOut: ReadonlySet<string>
  readonly areaOfPostcode: ReadonlyMap<string, AreaOfPostcode>
  /** One row per practice code, in code order. */
  readonly practices: ReadonlyArray<Practice>
  /** The optional per-LSOA air quality and crime figures; none when the file is absent. */
  readonly lsoaEnvironment: ReadonlyArray<LsoaEnvironment>
  /** The spine's counts as lineage records them. */
  readonly lineage: { readonly spine: Record<string, number | string>; readonly optOuts: OptOutLineage }
}

export interface SpineInputs {
  readonly reader: SourceReader
  readonly asOf: string
  readonly windowStart: string
  readonly personIdOf: (nhsNumber: string) => string
  readonly householdIdOf: (uprn: string) => string
}

export const readSpine = Effect.fn("readSpine")(function* ({
  asOf,
  householdIdOf,
  personIdOf,
  reader,
  windowStart
}: SpineInputs) {
  const read = yield* (yield* RunStages).timed(
    "spine",
    Effect.gen(function* () {
      const practiceRows = yield* reader.collect(practices)
      const areaRows = yield* reader.collect(postcodeLsoa)
      const environmentRows = yield* reader.collect(lsoaEnvironment)
      const optOutRows = yield* reader.collect(optOuts)
      const registrations = new Map<string, Array<GpRegistration>>()
      yield* reader.read(gpRegistrations, (rows) =>
        Effect.sync(() => {
          for (const { value } of rows) {
            const existing = registrations.get(value.nhs_number)
            if (existing) existing.push(value)
            else registrations.set(value.nhs_number, [value])
            // Derived while the reader thread parses the next batch, which this thread would
            // otherwise wait for: the spine's build finds them memoised.
            personIdOf(value.nhs_number)
            if (value.uprn !== undefined) householdIdOf(value.uprn)
          }
        })
      )
      yield* reader.failIfRequiredFailed()
      const areaOfPostcode = new Map<string, AreaOfPostcode>(
        areaRows.map(({ value }) => [value.postcode, { lsoa: value.lsoa, imdDecile: value.imd_decile }])
      )
      const optedOut = new Set(optOutRows.map(({ value }) => value.nhs_number))
      const spine = buildSpine({
        registrations,
        coveredPractices: new Set(practiceRows.map(({ value }) => value.practice_code)),
        optedOut,
        areaOfPostcode,
        asOf,
        windowStart,
        personIdOf,
        householdIdOf
      })
      const registrationRows = [...registrations.values()].reduce((n, rows) => n + rows.length, 0)
      return { spine, optedOut, areaOfPostcode, practiceRows, environmentRows, registrationRows }
    }),
    (result) => ({ rowsIn: result.registrationRows, rowsOut: result.spine.residents.length })
  )
  const { spine } = read
  // A data-quality finding for the partner, not a failure: each such person's winning registration gives the date.
  if (spine.conflictingDateOfBirth > 0) {
    yield* (yield* RunLog).warn("conflicting dates of birth", {
      source: gpRegistrations.name,
      people: spine.conflictingDateOfBirth
    })
  }
  return {
    spine,
    optedOut: read.optedOut,
    areaOfPostcode: read.areaOfPostcode,
    practices: oneRowPerPractice(read.practiceRows.map(({ value }) => value)),
    lsoaEnvironment: read.environmentRows.map(({ value }) => value),
    lineage: {
      spine: {
        registration_rows: read.registrationRows,
        people: Object.values(spine.peopleByStatus).reduce((a, b) => a + b, 0),
        ...Object.fromEntries(Object.entries(spine.peopleByStatus).map(([status, n]) => [`people_${status}`, n])),
        residents: spine.residents.length,
        // Held in the warehouse though not residents (`window_leaver`): IG is told how many.
        window_leavers: spine.windowLeavers.length,
        conflicting_date_of_birth: spine.conflictingDateOfBirth
      },
      optOuts: { residents_excluded: formatControlledCount(spine.optedOutResidents.length) }
    }
  } satisfies SpineRead
})

const oneRowPerPractice = (rows: ReadonlyArray<Practice>) =>
  [...new Map(rows.map((row) => [row.practice_code, row])).values()].sort((a, b) =>
    a.practice_code < b.practice_code ? -1 : 1
  )
