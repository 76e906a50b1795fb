/**
 * What linking a night's records needs from its spine: residents by NHS
 * number, residents and opted-out people by demographics (the latter so that
 * their council records, which have no NHS number, are recognised and
 * excluded too), and the categories linkage equity is measured by.
 */
import { postcodeDistrict } from "../schemas/fields/postcode.js"
import { type DemographicIndex, type Demographics, indexSpine } from "./demographicMatch.js"
import type { EquityContext } from "./linkageEquity.js"
import { indexForProbabilisticMatch, type ProbabilisticIndex } from "./probabilisticMatch.js"
import type { LinkageIndex } from "./recordLinkage.js"
import type { AreaOfPostcode, Spine } from "./spine.js"

/**
 * The spine's linkage index. The demographic indexes (the ladder's and the
 * probabilistic tier's) are built when first needed, or by
 * `indexDemographics`: they are a large share of the run's memory, and the
 * sources that load before the council's never use them.
 */
export const linkageIndex = (
  spine: Spine,
  personIdOf: (nhsNumber: string) => string,
  optedOut: ReadonlySet<string>
): LinkageIndex & { readonly indexDemographics: () => void; readonly probabilistic: () => ProbabilisticIndex } => {
  const optedOutPersonIds = new Set(spine.optedOutResidents.map(({ nhsNumber }) => personIdOf(nhsNumber)))
  /** Residents and opted-out people, with the demographics they are matched on: built once, for both indexes. */
  let matchable: Array<{ readonly personId: string; readonly demographics: Demographics }> | undefined
  const matchablePeople = () => {
    if (matchable !== undefined) return matchable
    // A pass over each list and no intermediate arrays: the spine is a third of a million people, and this is the index's first step.
    matchable = []
    for (const { person, demographics } of spine.residents) {
      if (demographics !== undefined) matchable.push({ personId: person.person_id, demographics })
    }
    for (const { nhsNumber, demographics } of spine.optedOutResidents) {
      if (demographics !== undefined) matchable.push({ personId: personIdOf(nhsNumber), demographics })
    }
    return matchable
  }
  let demographic: DemographicIndex | undefined
  const demographicIndex = () => (demographic ??= indexSpine(matchablePeople()))
  let probabilistic: ProbabilisticIndex | undefined
  const probabilisticIndex = () => (probabilistic ??= indexForProbabilisticMatch(matchablePeople()))
  return {
    residentPersonId: (nhsNumber) => spine.residentByNhsNumber.get(nhsNumber)?.person.person_id,
    personIdOf,
    isOptedOut: (nhsNumber) => optedOut.has(nhsNumber),
    demographic: { match: (record) => demographicIndex().match(record) },
    indexDemographics: () => void [demographicIndex(), probabilisticIndex()],
    probabilistic: probabilisticIndex,
    isOptedOutPerson: (personId) => optedOutPersonIds.has(personId)
  }
}

/** Ethnic category and deprivation (or, without a lookup, postcode district) for linkage equity. */
export const equityContext = (
  spine: Spine,
  areaOfPostcode: ReadonlyMap<string, AreaOfPostcode>,
  index: LinkageIndex
): EquityContext => {
  const ethnicCategories = new Map(
    spine.residents.map(({ person }) => [person.person_id, person.ethnic_category ?? "unknown"])
  )
  return {
    ethnicCategoryOf: (personId) => ethnicCategories.get(personId) ?? "unknown",
    areaOf: (postcode) => {
      const decile = postcode === undefined ? undefined : areaOfPostcode.get(postcode)?.imdDecile
      if (decile !== undefined) return { dimension: "imd_decile", category: String(decile) }
      return {
        dimension: "postcode_district",
        category: postcode === undefined ? "unknown" : postcodeDistrict(postcode)
      }
    },
    matchByDemographics: (demographics) => {
      const match = index.demographic.match(demographics)
      return match.outcome === "linked" ? match.personId : undefined
    }
  }
}
