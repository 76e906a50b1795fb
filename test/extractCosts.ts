/**
 * Each service's cost worked out straight from a synthetic borough's CSVs,
 * without the pipeline: the extracts' own costs, and the tariff's price times
 * activity where they send none, over the 365 days up to the as-of date. It
 * is what the published shadow budget must add up to, so it is written again
 * here from `docs/outputs.md` rather than shared with the SQL it checks.
 *
 * The rows counted are the rows a run loads: not quarantined, a row repeating
 * an earlier one exactly counted once (except community contacts, where two
 * equal visits on a day are two), and none of an opted-out person's. Whose a
 * record is comes from its NHS number where it gives a valid one, as linkage
 * decides, and otherwise from the borough's ground truth (`truth/council_links.csv`).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import { addDays, daysBetween, parseExtractDate } from "../schemas/fields/extractDate.js"
import { checkNhsNumber } from "../schemas/fields/nhsNumber.js"

type CsvRow = Record<string, string>

export const COSTED_SOURCES = [
  "acute_activity",
  "community_contacts",
  "gp_events",
  "adult_social_care",
  "childrens_social_care",
  "housing"
] as const
export type CostedSource = (typeof COSTED_SOURCES)[number]

interface Tariff {
  readonly unitCosts: Record<string, { gbp: number }>
}

/** Which service line each of the tariff's activities is costed to, as docs/outputs.md lists them. */
const lineOf = (activity: string): string => {
  if (activity.startsWith("acute_activity.")) {
    return (
      { AE: "acute_ae", OP: "acute_outpatient", elective: "acute_elective", non_elective: "acute_non_elective" }[
        activity.split(".").at(-1)!
      ] ?? "acute_other_admitted"
    )
  }
  if (activity.startsWith("community_contacts.")) {
    return ["community_mental_health", "talking_therapies", "crisis"].includes(activity.split(".")[1]!)
      ? "mental_health"
      : "community"
  }
  return (
    { gp_events: "primary_care", adult_social_care: "adult_social_care", housing: "housing" }[
      activity.split(".")[0]!
    ] ?? "childrens_social_care"
  )
}

const readCsv = (file: string) => parse(fs.readFileSync(file, "utf8"), { columns: true }) as Array<CsvRow>
const digits = (raw: string | undefined) => (raw ?? "").replace(/[\s-]/g, "")

/**
 * Whether a source's row (its line number, the header being line 1) is an
 * opted-out person's: by the NHS number it gives when valid, else by the truth.
 */
export const optedOutRows = (inbox: string): ((source: CostedSource, line: number, row: CsvRow) => boolean) => {
  const optedOut = new Set(readCsv(path.join(inbox, "opt_outs.csv")).map((row) => digits(row["nhs_number"])))
  const trueNhsNumber = new Map(
    readCsv(path.join(inbox, "truth", "council_links.csv")).map((row) => [
      `${row["source"]}:${row["row"]}`,
      row["nhs_number"]!
    ])
  )
  return (source, line, row) => {
    const given = checkNhsNumber((row["nhs_number"] ?? "").trim())
    const whose = given.valid ? given.nhsNumber : trueNhsNumber.get(`${source}:${line}`)
    return whose !== undefined && optedOut.has(whose)
  }
}

export interface ExtractCosting {
  readonly inbox: string
  readonly asOf: string
  readonly tariffFile: string
  /** `source:line` of every quarantined row, as `wsd quarantine list` gives them. */
  readonly quarantined: ReadonlySet<string>
  /** Rows the run leaves out besides quarantined and repeated ones: an opted-out person's. */
  readonly excluded: (source: CostedSource, line: number, row: CsvRow) => boolean
}

/** Each service line's total cost in the extracts, in pounds. */
export const serviceTotalsFromExtracts = (costing: ExtractCosting): Map<string, number> => {
  const { inbox, asOf, quarantined, excluded } = costing
  const windowStart = addDays(asOf, -364)
  const tariff = JSON.parse(fs.readFileSync(costing.tariffFile, "utf8")) as Tariff
  const price = (activity: string) => {
    const unit = tariff.unitCosts[activity]
    if (unit === undefined) throw new Error(`the tariff has no ${activity}`)
    return unit.gbp
  }
  const inWindow = (date: string | undefined) => date !== undefined && date >= windowStart && date <= asOf
  /** Days of [start, end] (open end: the as-of date) inside the window, both ends counted. */
  const daysInWindow = (start: string, end: string | undefined) => {
    const first = start > windowStart ? start : windowStart
    const last = end === undefined || end > asOf ? asOf : end
    return last < first ? 0 : daysBetween(first, last) + 1
  }
  const loadedRows = (source: CostedSource): Array<CsvRow> => {
    const file = path.join(inbox, `${source}.csv`)
    const lines = fs.readFileSync(file, "utf8").split("\n")
    const seen = new Set<string>()
    return readCsv(file).filter((row, i) => {
      const line = i + 2
      const text = lines[line - 1]!
      const repeated = source !== "community_contacts" && seen.has(text)
      seen.add(text)
      return !quarantined.has(`${source}:${line}`) && !repeated && !excluded(source, line, row)
    })
  }
  const totals = new Map<string, number>()
  const add = (activity: string, gbp: number) => totals.set(lineOf(activity), (totals.get(lineOf(activity)) ?? 0) + gbp)
  const date = (raw: string | undefined) => (raw ? parseExtractDate(raw.trim()) : undefined)

  for (const row of loadedRows("acute_activity")) {
    if (!inWindow(date(row["start_date"]))) continue
    const method = row["admission_method"] ?? ""
    const activity =
      row["activity_type"] === "APC"
        ? `acute_activity.APC.${method.startsWith("1") ? "elective" : method.startsWith("2") ? "non_elective" : "other"}`
        : `acute_activity.${row["activity_type"]}`
    add(activity, row["cost"] ? Number(row["cost"]) : price(activity))
  }
  for (const row of loadedRows("community_contacts")) {
    if (inWindow(date(row["contact_date"])))
      add(`community_contacts.${row["service"]}`, price(`community_contacts.${row["service"]}`))
  }
  // Primary care: one consultation per person and day with any coded entry.
  const consultationDays = new Set(
    loadedRows("gp_events")
      .filter((row) => inWindow(date(row["event_date"])))
      .map((row) => `${digits(row["nhs_number"])}|${date(row["event_date"])}`)
  )
  add("gp_events.consultation", consultationDays.size * price("gp_events.consultation"))
  const weekly = (activity: string, weeklyGbp: number, start: string | undefined, end: string | undefined) => {
    if (start !== undefined) add(activity, (weeklyGbp * daysInWindow(start, end)) / 7)
  }
  for (const row of loadedRows("adult_social_care")) {
    if (row["event_type"] !== "service") continue
    const activity = `adult_social_care.${row["service_type"] || "other"}`
    weekly(
      activity,
      row["weekly_cost"] ? Number(row["weekly_cost"]) : price(activity),
      date(row["event_start"]),
      date(row["event_end"])
    )
  }
  for (const row of loadedRows("childrens_social_care")) {
    const activity = `childrens_social_care.${row["status"]}`
    weekly(activity, price(activity), date(row["start_date"]), date(row["end_date"]))
  }
  for (const row of loadedRows("housing")) {
    if (row["tenure"] !== "temporary_accommodation") continue
    weekly(
      "housing.temporary_accommodation",
      price("housing.temporary_accommodation"),
      date(row["start_date"]),
      date(row["end_date"])
    )
  }
  return totals
}
