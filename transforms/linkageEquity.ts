/**
 * Who linkage misses. Missed links fall hardest on minority and deprived
 * residents (name spellings, transliteration, frequent moves), so every run
 * measures its demographic linkage rate by deprivation and by ethnic category.
 *
 * - By area: for every record that needed demographic matching, whether it
 *   linked, grouped by the deprivation decile of its postcode (or its postcode
 *   district when no LSOA lookup is supplied).
 * - By ethnic category: council records cannot say, so the rate is measured on
 *   records whose valid NHS number proves who they are and that also carry
 *   demographics: would demographic matching alone have found the same
 *   resident? Grouped by that resident's ethnic category.
 */
import type { Demographics } from "./demographicMatch.js"
import type { Link } from "./recordLinkage.js"

export interface EquityCount {
  records: number
  linked: number
}

export type EquityDimension = "imd_decile" | "postcode_district" | "ethnic_category"

export interface EquityRow {
  readonly source: string
  readonly dimension: EquityDimension
  readonly category: string
  readonly records: number
  readonly linked: number
}

export interface EquityContext {
  /** The resident's ethnic category (Z or unknown when not recorded). */
  readonly ethnicCategoryOf: (personId: string) => string
  /** The deprivation decile of a postcode, or its district without a lookup. */
  readonly areaOf: (postcode: string | undefined) => { readonly dimension: EquityDimension; readonly category: string }
  /** Demographic matching alone: the resident it would link to, if exactly one. */
  readonly matchByDemographics: (demographics: Demographics) => string | undefined
}

/** Counts one record's linkage where it tells us something about who is missed. */
export const observeLinkage = (
  equity: LinkageEquity,
  context: EquityContext,
  source: string,
  link: Link,
  demographics: Demographics | undefined
): void => {
  if (demographics === undefined) return
  if (link.link_method === "nhs_number" && link.person_id !== null) {
    const found = context.matchByDemographics(demographics)
    equity.count(source, "ethnic_category", context.ethnicCategoryOf(link.person_id), found === link.person_id)
  } else if (link.link_status === "linked" || link.link_status === "ambiguous" || link.link_status === "unmatched") {
    const area = context.areaOf(demographics.postcode)
    equity.count(source, area.dimension, area.category, link.link_status === "linked")
  }
}

export class LinkageEquity {
  private readonly counts = new Map<string, EquityCount>()

  count(source: string, dimension: EquityDimension, category: string, linked: boolean): void {
    const key = `${source}\u0000${dimension}\u0000${category}`
    const counts = this.counts.get(key) ?? { records: 0, linked: 0 }
    counts.records++
    if (linked) counts.linked++
    this.counts.set(key, counts)
  }

  /** Sorted rows, so lineage is deterministic. */
  rows(): Array<EquityRow> {
    return [...this.counts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, { linked, records }]) => {
        const [source = "", dimension = "postcode_district", category = ""] = key.split("\u0000")
        return { source, dimension: dimension as EquityDimension, category, records, linked }
      })
  }
}
