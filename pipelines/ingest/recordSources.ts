/**
 * The partner sources that hold records about people (everything except the
 * spine and reference data): which schema decodes each, where its NHS number
 * is, which warehouse table it lands in and how a row is curated.
 */
import type { ExtractSource } from "../../schemas/extractSource.js"
import { acuteActivity } from "../../schemas/sources/acuteActivity.js"
import { adultSocialCare } from "../../schemas/sources/adultSocialCare.js"
import { benefits } from "../../schemas/sources/benefits.js"
import { childrensSocialCare } from "../../schemas/sources/childrensSocialCare.js"
import { communityContacts } from "../../schemas/sources/communityContacts.js"
import { education } from "../../schemas/sources/education.js"
import { gpEvents } from "../../schemas/sources/gpEvents.js"
import { housing } from "../../schemas/sources/housing.js"
import type { RecordTables } from "../../schemas/warehouse.js"
import * as curation from "../../transforms/curation.js"
import { type Demographics, demographicsOf, type ImpliedAge } from "../../transforms/demographicMatch.js"
import type { NhsNumberCheck } from "../../schemas/fields/nhsNumber.js"

export interface RecordSource<Row, Table extends keyof RecordTables> {
  readonly source: ExtractSource<Row>
  readonly table: Table
  /** The row's NHS number; council sources without one return undefined. */
  readonly nhsNumberOf: (row: Row) => NhsNumberCheck | string | undefined
  /** Names, date of birth and postcode for demographic matching, where the source has them. */
  readonly demographicsOf: (row: Row) => Demographics | undefined
  /** The partner's reference shared by the records of one tenancy or claim, where the source has one. */
  readonly householdOf?: (row: Row) => string | undefined
  readonly curate: (row: Row, context: curation.CurationContext) => RecordTables[Table]
}

const recordSource = <Row, Table extends keyof RecordTables>(definition: RecordSource<Row, Table>) => definition

const none = () => undefined

/**
 * Demographics with the age the source itself implies: a School Census pupil
 * is aged 2 to 19 on census day, a child in children's services under 18
 * (a care leaver 16 to 25) when the episode starts, and a claim's dependant
 * under 20 when the claim begins (or born since). What tells a parent from a
 * child of the same names when the record's date of birth is blank or wrong.
 */
const withImpliedAge =
  <Row extends Parameters<typeof demographicsOf>[0]>(impliedAge: (row: Row) => ImpliedAge | undefined) =>
  (row: Row): Demographics | undefined => {
    const demographics = demographicsOf(row)
    const age = impliedAge(row)
    return demographics === undefined || age === undefined ? demographics : { ...demographics, impliedAge: age }
  }

/** Whether a source's records may be matched to residents on demographics (council sources, where NHS numbers may be missing). */
export const matchesOnDemographics = (source: { readonly demographicsOf: (row: never) => unknown }): boolean =>
  source.demographicsOf !== none

export const RECORD_SOURCES = [
  recordSource({
    source: gpEvents,
    table: "gp_event",
    nhsNumberOf: (row) => row.nhs_number,
    demographicsOf: none,
    curate: curation.curateGpEvent
  }),
  recordSource({
    source: acuteActivity,
    table: "acute_activity",
    nhsNumberOf: (row) => row.nhs_number,
    demographicsOf: none,
    curate: curation.curateAcuteActivity
  }),
  recordSource({
    source: communityContacts,
    table: "community_contact",
    nhsNumberOf: (row) => row.nhs_number,
    demographicsOf: none,
    curate: curation.curateCommunityContact
  }),
  recordSource({
    source: adultSocialCare,
    table: "adult_social_care_event",
    nhsNumberOf: (row) => row.nhs_number,
    demographicsOf,
    curate: curation.curateAdultSocialCare
  }),
  recordSource({
    source: childrensSocialCare,
    table: "childrens_social_care_episode",
    nhsNumberOf: (row) => row.nhs_number,
    demographicsOf: withImpliedAge((row) =>
      row.status === "CARE_LEAVER" ? { on: row.start_date, atLeast: 16, under: 26 } : { on: row.start_date, under: 18 }
    ),
    curate: curation.curateChildrensSocialCare
  }),
  recordSource({
    source: housing,
    table: "housing_record",
    nhsNumberOf: none,
    demographicsOf,
    householdOf: (row) => row.household_ref,
    curate: curation.curateHousing
  }),
  recordSource({
    source: benefits,
    table: "benefit_claim",
    nhsNumberOf: none,
    demographicsOf: withImpliedAge((row) => (row.role === "dependant" ? { on: row.start_date, under: 20 } : undefined)),
    householdOf: (row) => row.claim_ref,
    curate: curation.curateBenefitClaim
  }),
  recordSource({
    source: education,
    table: "education_record",
    nhsNumberOf: none,
    demographicsOf: withImpliedAge((row) => ({ on: row.census_date, atLeast: 2, under: 20 })),
    curate: curation.curateEducation
  })
] as const
