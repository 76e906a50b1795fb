/** Every source of the extract contract by name, in the order a run reads them. */
import type { ExtractSource } from "./extractSource.js"
import { acuteActivity } from "./sources/acuteActivity.js"
import { adultSocialCare } from "./sources/adultSocialCare.js"
import { benefits } from "./sources/benefits.js"
import { childrensSocialCare } from "./sources/childrensSocialCare.js"
import { communityContacts } from "./sources/communityContacts.js"
import { education } from "./sources/education.js"
import { gpEvents } from "./sources/gpEvents.js"
import { gpRegistrations } from "./sources/gpRegistrations.js"
import { housing } from "./sources/housing.js"
import { lsoaEnvironment } from "./sources/lsoaEnvironment.js"
import { optOuts } from "./sources/optOuts.js"
import { postcodeLsoa } from "./sources/postcodeLsoa.js"
import { practices } from "./sources/practices.js"

export const SOURCES = {
  practices,
  postcode_lsoa: postcodeLsoa,
  lsoa_environment: lsoaEnvironment,
  opt_outs: optOuts,
  gp_registrations: gpRegistrations,
  gp_events: gpEvents,
  acute_activity: acuteActivity,
  community_contacts: communityContacts,
  adult_social_care: adultSocialCare,
  childrens_social_care: childrensSocialCare,
  housing,
  benefits,
  education
} as const satisfies Record<string, ExtractSource<unknown>>

export type SourceName = keyof typeof SOURCES

/** The contract's source of that name, if there is one: how a worker thread finds the source it is asked to read. */
export const sourceNamed = (name: string): ExtractSource<unknown> | undefined =>
  Object.hasOwn(SOURCES, name) ? SOURCES[name as SourceName] : undefined
