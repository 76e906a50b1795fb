/**
 * The shadow budget's service lines, the activities each is costed from, and
 * the tariff file (`rules/tariff-v1.json`) that prices the activities an
 * extract sends no cost for. An activity is `<source>.<code>`: the source it
 * comes from and the code within it (point of delivery, service, status).
 */
import { Schema } from "effect"
import { ASC_SERVICE_TYPES } from "./sources/adultSocialCare.js"
import { CSC_STATUSES } from "./sources/childrensSocialCare.js"
import { COMMUNITY_SERVICES } from "./sources/communityContacts.js"

/** One line per partner service; acute by point of delivery. */
export const SERVICE_LINES = [
  "acute_ae",
  "acute_elective",
  "acute_non_elective",
  "acute_other_admitted",
  "acute_outpatient",
  "community",
  "mental_health",
  "primary_care",
  "adult_social_care",
  "childrens_social_care",
  "housing"
] as const
export type ServiceLine = (typeof SERVICE_LINES)[number]

/** Costs of people who died or left during the window: in no segment, so a line of their own. */
export const DIED_OR_LEFT = "died_or_left"
/** Costs of activity that reached no resident: unlinked, without an NHS number, or after the person left. */
export const UNATTRIBUTED = "unattributed"

/** Community contacts that are mental health services: their own line, as a mental health trust's would be. */
const MENTAL_HEALTH_SERVICES: ReadonlyArray<string> = ["community_mental_health", "talking_therapies", "crisis"]

export interface Activity {
  readonly activity: string
  readonly service_line: ServiceLine
  /** What one unit of the tariff's price buys. */
  readonly unit: "attendance" | "spell" | "contact" | "consultation day" | "week" | "person-week"
}

/**
 * Every activity the budget costs, with its line and unit. The shadow
 * budget query maps each record to one of these; a record whose activity is
 * not here (a council tenancy, say) costs nothing.
 */
export const ACTIVITIES: ReadonlyArray<Activity> = [
  { activity: "acute_activity.AE", service_line: "acute_ae", unit: "attendance" },
  { activity: "acute_activity.APC.elective", service_line: "acute_elective", unit: "spell" },
  { activity: "acute_activity.APC.non_elective", service_line: "acute_non_elective", unit: "spell" },
  { activity: "acute_activity.APC.other", service_line: "acute_other_admitted", unit: "spell" },
  { activity: "acute_activity.OP", service_line: "acute_outpatient", unit: "attendance" },
  ...COMMUNITY_SERVICES.map((service): Activity => ({
    activity: `community_contacts.${service}`,
    service_line: MENTAL_HEALTH_SERVICES.includes(service) ? "mental_health" : "community",
    unit: "contact"
  })),
  { activity: "gp_events.consultation", service_line: "primary_care", unit: "consultation day" },
  ...ASC_SERVICE_TYPES.map((type): Activity => ({
    activity: `adult_social_care.${type}`,
    service_line: "adult_social_care",
    unit: "week"
  })),
  ...CSC_STATUSES.map((status): Activity => ({
    activity: `childrens_social_care.${status}`,
    service_line: "childrens_social_care",
    unit: "week"
  })),
  { activity: "housing.temporary_accommodation", service_line: "housing", unit: "person-week" }
]

export const UnitCost = Schema.Struct({
  gbp: Schema.Number.check(Schema.isGreaterThanOrEqualTo(0)),
  /** Where the figure comes from: publication, table and price year. */
  source: Schema.NonEmptyString,
  year: Schema.NonEmptyString
})
export type UnitCost = typeof UnitCost.Type

/**
 * The tariff file: a price per unit for every activity of `ACTIVITIES`
 * (acute and adult social care prices are used only for records the extract
 * sends without a cost).
 */
export const Tariff = Schema.Struct({
  version: Schema.String,
  /** Says what the figures are good for: indicative national prices until local ones replace them. */
  note: Schema.String,
  unitCosts: Schema.Record(Schema.String, UnitCost)
})
export type Tariff = typeof Tariff.Type
