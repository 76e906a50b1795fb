/**
 * The demographic ladder as a spec: a small spine written as rows, council
 * records written as rows, and the person (or "ambiguous", or "unmatched")
 * each record must reach, with the tier that reached it.
 */
import { describe, expect, it } from "vitest"
import { RECORD_SOURCES } from "../../pipelines/ingest/recordSources.js"
import { demographicsOf, indexSpine } from "../../transforms/demographicMatch.js"
import { indexForProbabilisticMatch } from "../../transforms/probabilisticMatch.js"
import { SeededRandom } from "../../transforms/seededRandom.js"

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

/**
 * The probabilistic tier's address evidence as a spec: the spine above with
 * UPRNs (the Smiths' households, Joan's flat and her neighbour's), among a
 * background borough of residents drawn at random so the model's u means
 * something, and council records the ladder cannot settle.
 */
describe("the probabilistic tier's UPRN and household", () => {
  const UPRNS: Record<string, string> = { jsmith1: "100001", jsmith2: "100002", joan: "100003", amir: "100005" }
  const HOUSEHOLD: Record<string, Row> = {
    // John Smith (E2 6LT)'s wife, at his UPRN; Joan's neighbour of the same names, at another in her postcode.
    msmith2: ["Mary", "Smith", "1982-04-09", "E2 6LT"],
    joan2: ["Joan", "Whitfield", "1991-10-27", "E1 6AN"],
    // Amir Hussain's father, of his names, at his UPRN.
    amirfather: ["Amir", "Hussain", "1990-02-03", "E1 4NS"]
  }
  const HOUSEHOLD_UPRNS: Record<string, string> = { msmith2: "100002", joan2: "100004", amirfather: "100005" }
  const random = new SeededRandom(11)
  const background = Array.from({ length: 2000 }, (_, i) => ({
    personId: `b${i}`,
    demographics: demographicsOf({
      given_name: random.pick(["Amir", "Layla", "Olivia", "George", "Fatima", "Kwame", "Mei", "Priya"]),
      family_name: random.pick(["Khan", "Nowak", "Chen", "Murphy", "Begum", "Adeyemi", "Silva", "Patel"]),
      date_of_birth: `${random.int(1940, 2020)}-0${random.int(1, 9)}-1${random.int(0, 9)}`,
      postcode: `E${random.int(1, 9)} ${random.int(1, 9)}XY`,
      uprn: String(200_000 + i)
    })!
  }))
  const named = Object.entries({ ...SPINE, ...HOUSEHOLD }).map(
    ([personId, [given_name, family_name, date_of_birth, postcode]]) => ({
      personId,
      demographics: demographicsOf({
        given_name,
        family_name,
        date_of_birth,
        postcode,
        uprn: UPRNS[personId] ?? HOUSEHOLD_UPRNS[personId]
      })!
    })
  )
  const tier = indexForProbabilisticMatch([...named, ...background])
  const settings = { threshold: 0.999, margin: 3, reviewFloor: 0.5 }
  const link = (record: Row, uprn?: string, household: ReadonlyArray<string> = []) => {
    const [given_name, family_name, date_of_birth, postcode] = record
    // A blank date of birth reaches the tier as none, as the extract's schema reads it.
    const dateOfBirth = date_of_birth === "" ? undefined : date_of_birth
    const demographics = demographicsOf({ given_name, family_name, date_of_birth: dateOfBirth, postcode, uprn })!
    const [match] = tier.link([demographics], [], settings, [household]).matches
    return match!.outcome === "linked" ? match!.personId : match!.outcome
  }

  it("settles between two John Smiths born the same day by the household the record's tenancy links to", () => {
    const moved: Row = ["John", "Smith", "1980-01-01", "N1 1AA"]
    expect(match(moved)).toBe("ambiguous at names_and_date_of_birth")
    expect(link(moved, "900001")).toBe("ambiguous")
    expect(link(moved, "900001", ["msmith2"])).toBe("jsmith2")
  })

  it("tells Joan from her neighbour of the same names by the UPRN when her date of birth is blank", () => {
    const noDateOfBirth: Row = ["Joan", "Whitfield", "", "E1 6AN"]
    expect(link(noDateOfBirth)).toBe("ambiguous")
    expect(link(noDateOfBirth, "100003")).toBe("joan")
    expect(link(noDateOfBirth, "100004")).toBe("joan2")
  })
  it("tells a child from the parent of the same names when the date of birth is blank: by the age the source implies, or the tenancy's other records", () => {
    const noDateOfBirth: Row = ["Amir", "Hussain", "", "E1 4NS"]
    expect(link(noDateOfBirth, "100005")).toBe("ambiguous")
    // A School Census row: a pupil is aged 2 to 19 on census day.
    const education = RECORD_SOURCES.find((recordSource) => recordSource.source.name === "education")!
    const pupil = education.demographicsOf({
      family_name: "Hussain",
      given_name: "Amir",
      postcode: "E1 4NS",
      census_date: "2026-10-01"
    } as never)!
    expect(tier.link([pupil], [], settings).matches[0]).toMatchObject({ outcome: "linked", personId: "amir" })
    // A housing row of the tenancy whose other record, the son's, linked to him: the tenancy lists each person once.
    expect(link(noDateOfBirth, "100005", ["amir"])).toBe("amirfather")
  })
})
