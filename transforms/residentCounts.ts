/**
 * Residents as every output publishes them, controlled as one set of linked
 * tables: the cohort summary's cells (segment × age band × sex × locality ×
 * deprivation decile) and the report's pyramid (segment × age band × sex),
 * residents per segment and locality, per segment and in all, which are each
 * a total of those cells, and the shadow budget's residents per segment and
 * practice or PCN, whose sums are the segment's and its locality's. Controlling them together, with secondary
 * suppression across all of them, is what stops a report total minus the
 * summary's cells (or a pyramid's row minus its neighbours) giving back a
 * suppressed count; the summary and the report take their figures from here,
 * so they always hide the same cells. Residents per segment are published
 * again in the release's copy of the lineage, as cells of the spine's
 * residents (`transforms/runCounts.ts`): `withheldSegments` is the one set of
 * segments both hide, so no file shows a segment another hides.
 */
import { SEGMENT_CODES } from "../schemas/segments.js"
import { AGE_BANDS, SEXES } from "./cohortDimensions.js"
import {
  type ControlledCount,
  controlLinkedCounts,
  type DisclosureRules,
  type Margin,
  SUPPRESSED
} from "./disclosureControl.js"
import { ALL_RESIDENTS, controlRunCounts, type RunTotals, type SourceRows } from "./runCounts.js"

/** Where each practice sits: the levels residents and the shadow budget are counted by. */
export interface PracticeArea {
  readonly practice_code: string
  readonly pcn: string
  readonly locality: string
}

/** One row of `cohort_counts.sql`: residents of one cell, before control. */
export interface ResidentCount {
  readonly segment: string
  readonly age_band: string
  readonly sex: string
  readonly practice_code: string
  readonly locality: string
  readonly imd_decile: string
  readonly residents: number
}

export interface ControlledResidents {
  /** `1`–`10` and `unknown` when a deprivation lookup placed anyone, else `all`. */
  readonly deciles: ReadonlyArray<string>
  /** The practices' localities, sorted. */
  readonly localities: ReadonlyArray<string>
  readonly cell: (segment: string, ageBand: string, sex: string, locality: string, decile: string) => ControlledCount
  readonly ageSex: (segment: string, ageBand: string, sex: string) => ControlledCount
  readonly locality: (segment: string, locality: string) => ControlledCount
  readonly practice: (segment: string, practice: string) => ControlledCount
  readonly pcn: (segment: string, pcn: string) => ControlledCount
  readonly segment: (segment: string) => ControlledCount
  readonly all: ControlledCount
  /**
   * The residents of all ages and those aged 65 and over, exact and as
   * published: the BCF metrics' denominators are these figures again, so they
   * are published as these are (`controlBcf`).
   */
  readonly populations: ReadonlyArray<Population>
}

export interface Population {
  readonly exact: number
  readonly controlled: ControlledCount
}

/** The age bands of people aged 65 and over, whom the BCF's care home metric counts. */
const OVER_65_BANDS = AGE_BANDS.filter((band) => Number.parseInt(band, 10) >= 65)

const key = (...parts: ReadonlyArray<string>) => parts.join("\u0000")

/**
 * `withheld` are segments (and `ALL_RESIDENTS`) to hide whatever their
 * size: those the lineage copy's margins hide (`withheldSegments`), their
 * cells protected as any other's.
 */
export const controlResidents = (
  counts: ReadonlyArray<ResidentCount>,
  practices: ReadonlyArray<PracticeArea>,
  rules: DisclosureRules,
  withheld: ReadonlyArray<string> = []
): ControlledResidents => {
  const localities = [...new Set(practices.map((practice) => practice.locality))].sort()
  const pcns = [...new Set(practices.map((practice) => practice.pcn))].sort()
  const pcnOf = new Map(practices.map((practice) => [practice.practice_code, practice.pcn]))
  const withDeprivation = counts.some((row) => row.imd_decile !== "unknown")
  const deciles = withDeprivation ? [...Array.from({ length: 10 }, (_, i) => String(i + 1)), "unknown"] : ["all"]
  const cellKey = (segment: string, band: string, sex: string, locality: string, decile: string) =>
    key("cell", segment, band, sex, locality, decile)
  const ageSexKey = (segment: string, band: string, sex: string) => key("age-sex", segment, band, sex)
  const localityKey = (segment: string, locality: string) => key("locality", segment, locality)
  const practiceKey = (segment: string, practice: string) => key("practice", segment, practice)
  const pcnKey = (segment: string, pcn: string) => key("pcn", segment, pcn)
  const segmentKey = (segment: string) => key("segment", segment)
  const allKey = key("all")
  const over65Key = key("aged 65+")

  const exact = new Map<string, number>()
  const add = (cell: string, residents: number) => exact.set(cell, (exact.get(cell) ?? 0) + residents)
  for (const row of counts) {
    const decile = withDeprivation ? row.imd_decile : "all"
    add(cellKey(row.segment, row.age_band, row.sex, row.locality, decile), row.residents)
    add(ageSexKey(row.segment, row.age_band, row.sex), row.residents)
    add(localityKey(row.segment, row.locality), row.residents)
    add(practiceKey(row.segment, row.practice_code), row.residents)
    add(pcnKey(row.segment, pcnOf.get(row.practice_code) ?? ""), row.residents)
    add(segmentKey(row.segment), row.residents)
    add(allKey, row.residents)
    if (OVER_65_BANDS.includes(row.age_band)) add(over65Key, row.residents)
  }
  const margins: Array<Margin> = [
    { total: allKey, cells: SEGMENT_CODES.map(segmentKey) },
    // The BCF's denominator: the pyramids' cells of 65 and over add up to it.
    {
      total: over65Key,
      cells: SEGMENT_CODES.flatMap((segment) =>
        OVER_65_BANDS.flatMap((band) => SEXES.map((sex) => ageSexKey(segment, band, sex)))
      )
    }
  ]
  for (const segment of SEGMENT_CODES) {
    const ageSex = AGE_BANDS.flatMap((band) => SEXES.map((sex) => [band, sex] as const))
    margins.push({ total: segmentKey(segment), cells: ageSex.map(([band, sex]) => ageSexKey(segment, band, sex)) })
    margins.push({ total: segmentKey(segment), cells: localities.map((locality) => localityKey(segment, locality)) })
    // The budget's per-head residents: a practice's are part of its PCN's, its locality's and the segment's.
    const practiceCells = (at: (practice: PracticeArea) => boolean) =>
      practices.filter(at).map((practice) => practiceKey(segment, practice.practice_code))
    margins.push({ total: segmentKey(segment), cells: practiceCells(() => true) })
    margins.push({ total: segmentKey(segment), cells: pcns.map((pcn) => pcnKey(segment, pcn)) })
    for (const pcn of pcns)
      margins.push({ total: pcnKey(segment, pcn), cells: practiceCells((practice) => practice.pcn === pcn) })
    for (const locality of localities) {
      margins.push({
        total: localityKey(segment, locality),
        cells: practiceCells((practice) => practice.locality === locality)
      })
    }
    for (const [band, sex] of ageSex) {
      margins.push({
        total: ageSexKey(segment, band, sex),
        cells: localities.flatMap((locality) => deciles.map((decile) => cellKey(segment, band, sex, locality, decile)))
      })
    }
    for (const locality of localities) {
      margins.push({
        total: localityKey(segment, locality),
        cells: ageSex.flatMap(([band, sex]) => deciles.map((decile) => cellKey(segment, band, sex, locality, decile)))
      })
    }
  }
  const alsoHidden = new Set(withheld.map((name) => (name === ALL_RESIDENTS ? allKey : segmentKey(name))))
  const controlled = controlLinkedCounts(exact, margins, rules, { alsoHidden })
  const of = (cell: string): ControlledCount => controlled.get(cell) ?? { suppressed: false, count: 0 }
  return {
    deciles,
    localities,
    cell: (segment, band, sex, locality, decile) => of(cellKey(segment, band, sex, locality, decile)),
    ageSex: (segment, band, sex) => of(ageSexKey(segment, band, sex)),
    locality: (segment, locality) => of(localityKey(segment, locality)),
    practice: (segment, practice) => of(practiceKey(segment, practice)),
    pcn: (segment, pcn) => of(pcnKey(segment, pcn)),
    segment: (segment) => of(segmentKey(segment)),
    all: of(allKey),
    populations: [allKey, over65Key].map((population) => ({
      exact: exact.get(population) ?? 0,
      controlled: of(population)
    }))
  }
}

/** A run's counts as its lineage entry holds them, which the lineage copy controls together. */
export interface RunCounts {
  readonly inputs: ReadonlyArray<SourceRows>
  readonly linkage: Readonly<Record<string, Readonly<Record<string, number>>>>
  readonly totals: RunTotals
}

/**
 * The segments whose residents every file hides, with `ALL_RESIDENTS`
 * where the residents of them all are hidden: those the cells hide
 * (`controlResidents`) and those the lineage copy's margins hide
 * (`controlRunCounts`), each hidden in the other too until neither hides
 * one more. The set only grows, so this ends; at its end each control,
 * given the set, hides exactly it. The run's lineage entry records it, so
 * its published view can be made again from the entry alone.
 */
export const withheldSegments = (
  counts: ReadonlyArray<ResidentCount>,
  practices: ReadonlyArray<PracticeArea>,
  rules: DisclosureRules,
  run: RunCounts
): Array<string> => {
  const segments = [...new Set([...SEGMENT_CODES, ...Object.keys(run.totals.segments)])].sort()
  let withheld: ReadonlyArray<string> = []
  for (;;) {
    const residents = controlResidents(counts, practices, rules, withheld)
    const accounted = controlRunCounts(run.inputs, run.linkage, rules, { ...run.totals, withheld })
    const next = segments.filter(
      (segment) =>
        withheld.includes(segment) ||
        residents.segment(segment).suppressed ||
        (segment in run.totals.segments && accounted.segment(segment) === SUPPRESSED)
    )
    const all =
      withheld.includes(ALL_RESIDENTS) ||
      residents.all.suppressed ||
      (typeof run.totals.spine["residents"] === "number" && accounted.spine("residents") === SUPPRESSED)
    if (all) next.push(ALL_RESIDENTS)
    if (next.length === withheld.length) return next
    withheld = next
  }
}

/** A row of `cohort_counts.sql` as the query returns it. */
export const residentCount = (row: Readonly<Record<string, unknown>>): ResidentCount => ({
  segment: String(row["segment"]),
  age_band: String(row["age_band"]),
  sex: String(row["sex"]),
  practice_code: String(row["practice_code"]),
  locality: String(row["locality"]),
  imd_decile: String(row["imd_decile"]),
  residents: Number(row["residents"])
})
