/**
 * The demographic ladder as a spec: a small spine written as rows, council
 * records written as rows, and the person (or "ambiguous", or "unmatched")
 * each record must reach, with the tier that reached it.
 */
import { describe, expect, it } from "vitest"
import { demographicsOf, indexSpine } from "../../transforms/demographicMatch.js"

type Row = readonly [given: string, family: string, dateOfBirth: string, postcode: string | undefined]

const SPINE: Record<string, Row> = {
  peter: ["Peter", "Brennan", "1971-06-02", "E3 2AB"],
  joan: ["Joan", "Whitfield", "1953-03-14", "E1 6AN"],
  zainab: ["Zainab", "Hussain", "1994-05-10", "E1 4NS"],
  amir: ["Amir", "Hussain", "2019-01-15", "E1 4NS"],
  daniel: ["Daniel", "Mensah", "2012-07-07", "E2 9PL"],
  david: ["David", "Mensah", "2012-07-07", "E2 9PL"],
  mohammed: ["Mohammed", "Rahman", "1949-09-30", "E1 3BW"],
  siobhan: ["Siobhán", "O'Connor-Reilly", "1988-03-05", "E14 7DE"],
  // Two unrelated residents sharing a common name, birthday and sector.
  jsmith1: ["John", "Smith", "1980-01-01", "E2 6LS"],
  jsmith2: ["John", "Smith", "1980-01-01", "E2 6LT"]
}

const spine = indexSpine(
  Object.entries(SPINE).map(([personId, [given_name, family_name, date_of_birth, postcode]]) => ({
    personId,
    demographics: demographicsOf({ given_name, family_name, date_of_birth, postcode })!
  }))
)

const match = ([given_name, family_name, date_of_birth, postcode]: Row) => {
  const result = spine.match(demographicsOf({ given_name, family_name, date_of_birth, postcode })!)
  return result.outcome === "linked"
    ? `${result.personId} by ${result.tier}`
    : result.outcome === "ambiguous"
      ? `ambiguous at ${result.tier}`
      : "unmatched"
}

describe("demographic linkage tiers", () => {
  it.each<[string, Row, string]>([
    ["exact", ["Joan", "Whitfield", "1953-03-14", "E1 6AN"], "joan by exact"],
    [
      "exact, whatever the case, accents, apostrophes and hyphens",
      ["SIOBHAN", "oconnor reilly", "1988-03-05", "E14 7DE"],
      "siobhan by exact"
    ],
    ["given-name variant: Pete for Peter", ["Pete", "Brennan", "1971-06-02", "E3 2AB"], "peter by given_name_variant"],
    [
      "given-name variant: Muhammad for Mohammed",
      ["Muhammad", "Rahman", "1949-09-30", "E1 3BW"],
      "mohammed by given_name_variant"
    ],
    ["given-name initial", ["J.", "Whitfield", "1953-03-14", "E1 6AN"], "joan by given_name_initial"],
    [
      "postcode sector: moved within the sector",
      ["Joan", "Whitfield", "1953-03-14", "E1 6BX"],
      "joan by postcode_sector"
    ],
    [
      "phonetic family name: Husain for Hussain",
      ["Zainab", "Husain", "1994-05-10", "E1 4NS"],
      "zainab by phonetic_family_name"
    ],
    ["swapped given and family names", ["Whitfield", "Joan", "1953-03-14", "E1 6AN"], "joan by swapped_names"],
    [
      "moved out of the sector: names and date of birth alone",
      ["Joan", "Whitfield", "1953-03-14", "N1 1AA"],
      "joan by names_and_date_of_birth"
    ],
    ["no postcode on the record", ["Amir", "Hussain", "2019-01-15", undefined], "amir by names_and_date_of_birth"]
  ])("%s", (_, record, expected) => expect(match(record)).toBe(expected))

  it("matches a transposed day and month of birth", () => {
    // The spine says 5 March 1988; the record says 3 May 1988.
    expect(match(["Siobhan", "O'Connor-Reilly", "1988-05-03", "E14 7DE"])).toBe("siobhan by transposed_date_of_birth")
  })

  it("links each twin by full given name, and leaves an initial that fits both as ambiguous", () => {
    expect(match(["Daniel", "Mensah", "2012-07-07", "E2 9PL"])).toBe("daniel by exact")
    expect(match(["David", "Mensah", "2012-07-07", "E2 9PL"])).toBe("david by exact")
    expect(match(["Dan", "Mensah", "2012-07-07", "E2 9PL"])).toBe("daniel by given_name_variant")
    expect(match(["D", "Mensah", "2012-07-07", "E2 9PL"])).toBe("ambiguous at given_name_initial")
  })

  it("never guesses between two people who fit a tier", () => {
    expect(match(["John", "Smith", "1980-01-01", "E2 6LS"])).toBe("jsmith1 by exact")
    // Neither postcode: both fit the sector tier, so the ladder stops there.
    expect(match(["John", "Smith", "1980-01-01", "E2 6LX"])).toBe("ambiguous at postcode_sector")
    expect(match(["Johnny", "Smith", "1980-01-01", "N1 1AA"])).toBe("ambiguous at names_and_date_of_birth")
  })

  it("leaves a record that fits nobody unmatched", () => {
    expect(match(["Joan", "Whitfield", "1953-03-15", "E1 6AN"])).toBe("unmatched")
    expect(match(["Zara", "Brennan", "1971-06-02", "E3 2AB"])).toBe("unmatched")
  })
})
