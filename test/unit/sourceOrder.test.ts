/**
 * The order a run reads its sources in is the catalogue's, and nowhere else:
 * the reference sources and the spine first, then every record source in the
 * order the run loads them (the reader threads parse them ahead in that order,
 * so a load out of it would wait on a read queued behind others).
 */
import { describe, expect, it } from "vitest"
import { SOURCES } from "../../schemas/sourceCatalogue.js"
import { matchesOnDemographics, RECORD_SOURCES } from "../../pipelines/ingest/recordSources.js"

const catalogue = Object.values(SOURCES).map((source) => source.name)

describe("the sources' read order", () => {
  it("reads the reference sources and the spine before any record source", () => {
    expect(catalogue.slice(0, 5)).toEqual([
      "practices",
      "postcode_lsoa",
      "lsoa_environment",
      "opt_outs",
      "gp_registrations"
    ])
  })

  it("loads the record sources in the catalogue's order, each once, and nothing the catalogue lacks", () => {
    const loaded = RECORD_SOURCES.map((recordSource) => recordSource.source.name)
    expect(loaded).toEqual(catalogue.slice(5))
    for (const recordSource of RECORD_SOURCES) expect(SOURCES).toHaveProperty(recordSource.source.name)
  })

  it("loads the sources matched on demographics after those linked by NHS number alone", () => {
    const matched = RECORD_SOURCES.map(matchesOnDemographics)
    expect(matched.indexOf(true)).toBeGreaterThan(0)
    expect(matched.slice(matched.indexOf(true)).every(Boolean)).toBe(true)
  })
})
