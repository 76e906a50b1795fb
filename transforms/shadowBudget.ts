/**
 * The disclosure-controlled shadow budget, from `shadow_budget.sql`'s rows
 * (the exact cost per practice, segment and service line): the borough's
 * lines, with `unattributed` and per-head figures, and the same lines per
 * practice, PCN and locality. One definition shared by the published CSVs
 * and the run report, so the two always show the same figures.
 *
 * A line's people are a part of the borough's line for its segment and
 * service, and of its PCN's and locality's, so the people counts of every
 * level are controlled together, with secondary suppression across those
 * totals: otherwise the borough's count minus the practices shown would give
 * back a suppressed practice's. A cost shows only where its people count
 * does, so no individual's cost shows.
 */
import { SEGMENT_CODES } from "../schemas/segments.js"
import { DIED_OR_LEFT, SERVICE_LINES, UNATTRIBUTED } from "../schemas/shadowBudget.js"
import {
  type ControlledCount,
  controlCost,
  controlCount,
  controlLinkedCounts,
  type DisclosureRules,
  type Margin
} from "./disclosureControl.js"
import type { ControlledResidents, PracticeArea } from "./residentCounts.js"

type QueryRow = Readonly<Record<string, unknown>>

export interface BudgetLine {
  readonly segment: string
  readonly service_line: string
  /** People costed (on `unattributed` lines, records), controlled; null when suppressed. */
  readonly people: number | null
  /** Rounded as `controlCost` does; null when the people count is suppressed. */
  readonly cost_gbp: number | null
  /** Residents of the segment there, as the cohort summary and report publish them; null where not published. */
  readonly residents: number | null
  /** The controlled cost over the controlled residents, to the pound; null when either is unknown or there are none. */
  readonly cost_per_head_gbp: number | null
  readonly suppressed: boolean
}

export interface AreaBudgetLine extends BudgetLine {
  readonly geography: "practice" | "pcn" | "locality"
  readonly area: string
}

export interface ControlledBudget {
  readonly borough: ReadonlyArray<BudgetLine>
  readonly areas: ReadonlyArray<AreaBudgetLine>
}

/** The groups costed at a practice: the segments and who died or left. */
const PLACED_GROUPS = [...SEGMENT_CODES, DIED_OR_LEFT]

const key = (...parts: ReadonlyArray<string>) => parts.join("\u0000")

export const controlBudget = (
  rows: ReadonlyArray<QueryRow>,
  practices: ReadonlyArray<PracticeArea>,
  residents: ControlledResidents,
  rules: DisclosureRules
): ControlledBudget => {
  const pcns = [...new Set(practices.map((practice) => practice.pcn))].sort()
  const localities = [...new Set(practices.map((practice) => practice.locality))].sort()
  const practiceOf = new Map(practices.map((practice) => [practice.practice_code, practice]))
  const people = new Map<string, number>()
  const cost = new Map<string, number>()
  const add = (cell: string, row: QueryRow) => {
    people.set(cell, (people.get(cell) ?? 0) + Number(row["people"]))
    cost.set(cell, (cost.get(cell) ?? 0) + Number(row["cost_gbp"]))
  }
  for (const row of rows) {
    const segment = String(row["segment"])
    const line = String(row["service_line"])
    add(key("borough", "", segment, line), row)
    const practice = practiceOf.get(String(row["practice_code"]))
    if (practice === undefined) continue
    add(key("practice", practice.practice_code, segment, line), row)
    add(key("pcn", practice.pcn, segment, line), row)
    add(key("locality", practice.locality, segment, line), row)
  }

  const margins: Array<Margin> = []
  const counts = new Map<string, number>()
  for (const segment of PLACED_GROUPS) {
    for (const line of SERVICE_LINES) {
      const cell = (geography: string, area: string) => key(geography, area, segment, line)
      const borough = cell("borough", "")
      const practiceCells = practices.map((practice) => cell("practice", practice.practice_code))
      for (const member of [borough, ...practiceCells, ...pcns.map((pcn) => cell("pcn", pcn))]) {
        counts.set(member, people.get(member) ?? 0)
      }
      for (const locality of localities)
        counts.set(cell("locality", locality), people.get(cell("locality", locality)) ?? 0)
      margins.push({ total: borough, cells: practiceCells })
      margins.push({ total: borough, cells: pcns.map((pcn) => cell("pcn", pcn)) })
      margins.push({ total: borough, cells: localities.map((locality) => cell("locality", locality)) })
      for (const pcn of pcns) {
        const members = practices.filter((practice) => practice.pcn === pcn)
        margins.push({
          total: cell("pcn", pcn),
          cells: members.map((practice) => cell("practice", practice.practice_code))
        })
      }
      for (const locality of localities) {
        const members = practices.filter((practice) => practice.locality === locality)
        margins.push({
          total: cell("locality", locality),
          cells: members.map((practice) => cell("practice", practice.practice_code))
        })
      }
    }
  }
  const controlled = controlLinkedCounts(counts, margins, rules)
  // Unattributed activity has no practice, so no total its lines are part of.
  const controlledOf = (cell: string): ControlledCount =>
    controlled.get(cell) ?? controlCount(people.get(cell) ?? 0, rules)

  const budgetLine = (cell: string, segment: string, line: string, segmentResidents: ControlledCount | null) => {
    const shownPeople = controlledOf(cell)
    const shownCost = shownPeople.suppressed ? null : controlCost(cost.get(cell) ?? 0)
    const shownResidents = segmentResidents === null || segmentResidents.suppressed ? null : segmentResidents.count
    return {
      segment,
      service_line: line,
      people: shownPeople.suppressed ? null : shownPeople.count,
      cost_gbp: shownCost,
      residents: shownResidents,
      cost_per_head_gbp:
        shownCost === null || shownResidents === null || shownResidents === 0
          ? null
          : Math.round(shownCost / shownResidents),
      suppressed: shownPeople.suppressed
    } satisfies BudgetLine
  }
  const segmentResidents = (segment: string, of: (segment: string) => ControlledCount) =>
    (SEGMENT_CODES as ReadonlyArray<string>).includes(segment) ? of(segment) : null

  const borough = [...PLACED_GROUPS, UNATTRIBUTED].flatMap((segment) =>
    SERVICE_LINES.map((line) =>
      budgetLine(
        key("borough", "", segment, line),
        segment,
        line,
        segmentResidents(segment, (code) => residents.segment(code))
      )
    )
  )
  const areaLines = (
    geography: AreaBudgetLine["geography"],
    areas: ReadonlyArray<string>,
    residentsOf: (segment: string, area: string) => ControlledCount | null
  ) =>
    areas.flatMap((area) =>
      PLACED_GROUPS.flatMap((segment) =>
        SERVICE_LINES.map((line): AreaBudgetLine => ({
          geography,
          area,
          ...budgetLine(key(geography, area, segment, line), segment, line, residentsOf(segment, area))
        }))
      )
    )
  // Residents per practice, PCN and locality are controlled with the cohort summary's, of which they are totals.
  return {
    borough,
    areas: [
      ...areaLines(
        "practice",
        practices.map((practice) => practice.practice_code),
        (segment, practice) => segmentResidents(segment, (code) => residents.practice(code, practice))
      ),
      ...areaLines("pcn", pcns, (segment, pcn) => segmentResidents(segment, (code) => residents.pcn(code, pcn))),
      ...areaLines("locality", localities, (segment, locality) =>
        segmentResidents(segment, (code) => residents.locality(code, locality))
      )
    ]
  }
}
