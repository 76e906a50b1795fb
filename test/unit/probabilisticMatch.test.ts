import { describe, expect, it } from "vitest"
import { CodedDemographics, DemographicCoding } from "../../transforms/demographicCodes.js"
import { type Demographics, demographicsOf, isPartial } from "../../transforms/demographicMatch.js"
import {
  agreements,
  compare,
  compareCoded,
  estimateU,
  fitModel,
  levelOf,
  levelsOf,
  matchProbability,
  modelSummary,
  nameFrequencies,
  pattern,
  weigher
} from "../../transforms/fellegiSunter.js"
import { RECORD_SOURCES } from "../../pipelines/ingest/recordSources.js"
import { jaroWinkler } from "../../transforms/personName.js"
import { indexForProbabilisticMatch, reviewEntry } from "../../transforms/probabilisticMatch.js"
import { SeededRandom } from "../../transforms/seededRandom.js"

const person = (
  givenName: string,
  familyName: string,
  dateOfBirth: string | undefined,
  postcode: string | undefined,
  sex?: string,
  uprn?: string
): Demographics => ({ givenName, familyName, dateOfBirth, postcode, sex, uprn })

describe("Jaro-Winkler similarity", () => {
  it.each([
    ["MARTHA", "MARHTA", 0.961],
    ["DWAYNE", "DUANE", 0.84],
    ["DIXON", "DICKSONX", 0.813],
    ["OKONKWO", "OKONKWO", 1],
    ["ABC", "XYZ", 0]
  ])("%s and %s: %d", (a, b, expected) => expect(jaroWinkler(a, b)).toBeCloseTo(expected, 3))
})

describe("a council record's demographics", () => {
  it("are kept without a given name or a date of birth, and marked partial", () => {
    const noGivenName = demographicsOf({ family_name: "Hussain", date_of_birth: "2019-01-15", postcode: "E1 4NS" })
    expect(noGivenName).toEqual({
      givenName: "",
      familyName: "HUSSAIN",
      dateOfBirth: "2019-01-15",
      postcode: "E1 4NS",
      sex: undefined
    })
    expect(isPartial(noGivenName!)).toBe(true)
    expect(isPartial(demographicsOf({ given_name: "Amir", family_name: "Hussain" })!)).toBe(true)
    expect(
      isPartial(demographicsOf({ given_name: "Amir", family_name: "Hussain", date_of_birth: "2019-01-15" })!)
    ).toBe(false)
  })

  it("are none without a family name", () => {
    expect(demographicsOf({ given_name: "Amir", date_of_birth: "2019-01-15" })).toBeUndefined()
  })
})

describe("the age a source implies", () => {
  const impliedAge = (source: string, row: Record<string, string>) =>
    RECORD_SOURCES.find((recordSource) => recordSource.source.name === source)!.demographicsOf({
      family_name: "Okafor",
      ...row
    } as never)?.impliedAge

  it("is a pupil's on census day, a child's in children's services and a claim's dependant's", () => {
    expect(impliedAge("education", { census_date: "2026-10-01" })).toEqual({ on: "2026-10-01", atLeast: 2, under: 20 })
    expect(impliedAge("childrens_social_care", { status: "CP", start_date: "2026-01-05" })).toEqual({
      on: "2026-01-05",
      under: 18
    })
    expect(impliedAge("childrens_social_care", { status: "CARE_LEAVER", start_date: "2026-01-05" })).toEqual({
      on: "2026-01-05",
      atLeast: 16,
      under: 26
    })
    expect(impliedAge("benefits", { role: "dependant", start_date: "2024-04-01" })).toEqual({
      on: "2024-04-01",
      under: 20
    })
  })

  it("is none where the source says nothing of it", () => {
    // A claimant's role is today's, the claim may be years old: it says nothing of the age at its start.
    expect(impliedAge("benefits", { role: "claimant", start_date: "2024-04-01" })).toBeUndefined()
    expect(impliedAge("housing", { start_date: "2024-04-01" })).toBeUndefined()
  })
})

describe("comparison levels", () => {
  const resident = person("JOAN", "WHITFIELD", "1953-03-14", "E1 6AN", "female")
  const levels = (record: Demographics) => agreements(compare(record, resident))

  it("grades names, date of birth, postcode and sex", () => {
    expect(levels(resident)).toEqual([
      "given_name:exact",
      "family_name:exact",
      "date_of_birth:exact",
      "postcode:full",
      "sex:same"
    ])
    expect(levels(person("J", "WHITFEILD", "1953-14-03", "E1 6BX", "male"))).toEqual([
      "given_name:initial",
      "family_name:jaro_winkler_92",
      "date_of_birth:day_month_transposed",
      "postcode:sector"
    ])
    expect(levels(person("JOANNE", "WITFIELD", "1954-03-14", "E1 4NS"))).toEqual([
      "given_name:jaro_winkler_92",
      "family_name:jaro_winkler_92",
      "date_of_birth:year_within_one",
      "postcode:district"
    ])
  })

  it("knows transposed dates, given-name variants and phonetic spellings", () => {
    const peter = person("PETER", "HUSSAIN", "1971-06-02", "E3 2AB")
    expect(agreements(compare(person("PETE", "HUSAYN", "1971-02-06", "E3 2AB"), peter))).toEqual([
      "given_name:variant",
      "family_name:jaro_winkler_88",
      "date_of_birth:day_month_transposed",
      "postcode:full"
    ])
  })

  it("compares coded tables as it compares single pairs, names either way round", () => {
    const coding = new DemographicCoding()
    const residents = [resident, person("WHITFIELD", "JOAN", "1953-03-14", "E1W 1AA", "female")]
    const records = [
      person("JOAN", "WHITFIELD", "1953-03-14", "E1 6BX"),
      person("WHITFIELD", "JOANNA", "1935-03-14", "E1 7QA")
    ]
    const spine = new CodedDemographics(coding, residents)
    const coded = new CodedDemographics(coding, records)
    records.forEach((record, r) =>
      residents.forEach((resident, p) => {
        expect(compareCoded(coded, r, spine, p)).toBe(compare(record, resident))
        const swapped = { ...record, givenName: record.familyName, familyName: record.givenName }
        expect(compareCoded(coded, r, spine, p, true)).toBe(compare(swapped, resident))
      })
    )
    // E1W is another district than E1, though it starts alike.
    expect(agreements(compareCoded(coded, 1, spine, 1))).toEqual([
      "given_name:exact",
      "family_name:jaro_winkler_92",
      "date_of_birth:one_component"
    ])
  })

  it("counts a field either side lacks as missing, not as disagreement", () => {
    const packed = compare(person("", "WHITFIELD", undefined, undefined), resident)
    expect(levelsOf(packed)).toEqual([-1, 0, -1, -1, -1, -1, -1])
    expect(pattern(levelsOf(packed))).toBe(packed)
    const mixed = [3, -1, 4, 0, 1, -1, 0]
    expect(mixed.map((_, f) => levelOf(pattern(mixed), f))).toEqual(mixed)
  })

  it("compares the UPRN only where the postcodes agree in full", () => {
    const household = person("JOAN", "WHITFIELD", "1953-03-14", "E1 6AN", "female", "100090000001")
    const uprnLevel = (record: Demographics) => levelsOf(compare(record, household))[5]
    expect(agreements(compare(household, household))).toContain("uprn:same")
    expect(uprnLevel({ ...household, uprn: "100090000002" })).toBe(1)
    // The same UPRN under another postcode, or a record without one, says nothing about the address.
    expect(uprnLevel({ ...household, postcode: "E1 6BX" })).toBe(-1)
    expect(uprnLevel({ ...household, uprn: undefined })).toBe(-1)
  })

  it("looks for the household where the record's own address says nothing", () => {
    const household = person("JOAN", "WHITFIELD", "1953-03-14", "E1 6AN", "female", "100090000001")
    const householdLevel = (record: Demographics) => levelsOf(compare(record, household))[6]
    const moved = { ...household, postcode: "N1 1AA", uprn: "100090000009", householdUprns: ["100090000001"] }
    expect(agreements(compare(moved, household))).toContain("household:same")
    expect(householdLevel({ ...moved, householdUprns: ["100090000002"] })).toBe(1)
    expect(householdLevel({ ...moved, householdUprns: undefined })).toBe(-1)
    // Where the postcodes agree the UPRN itself is compared: the household would count the address twice.
    expect(householdLevel({ ...moved, postcode: "E1 6AN" })).toBe(-1)
  })

  it("reads a UPRN without its leading zeros", () => {
    expect(demographicsOf({ family_name: "Whitfield", uprn: "000100090000001" })?.uprn).toBe("100090000001")
  })
})

describe("the model", () => {
  const u = [
    [0.01, 0.005, 0.005, 0.01, 0.02, 0.05, 0.9],
    [0.002, 0.003, 0.005, 0.01, 0.05, 0.93],
    [0.0001, 0.0001, 0.0002, 0.005, 0.9946],
    [0.002, 0.01, 0.1, 0.888],
    [0.5, 0.5],
    [0.04, 0.96],
    [0.0001, 0.9999]
  ]
  const matchPattern = pattern([0, 0, 0, 0, 0, 0, -1])
  const typoPattern = pattern([0, 1, 0, 3, 0, -1, -1])
  const randomPattern = pattern([6, 5, 4, 3, 1, -1, -1])

  it("estimates m and the share of matches by EM on the night's pairs, the same every time", () => {
    const patterns = new Map([
      [matchPattern, 900],
      [typoPattern, 100],
      [randomPattern, 9000]
    ])
    const model = fitModel([{ patterns, blockedOn: [] }], u)
    expect(model.m[1]![1]).toBeGreaterThan(0.05)
    expect(model.m[2]![0]).toBeGreaterThan(0.95)
    expect(fitModel([{ patterns, blockedOn: [] }], u)).toEqual(model)
  })

  it("learns nothing from a session about the fields its blocking rule is made of", () => {
    const onDate = (dateLevel: number) =>
      fitModel(
        [{ patterns: new Map([[pattern([0, 0, dateLevel, 0, 0, 0, -1]), 500]]), blockedOn: ["date_of_birth"] }],
        u
      )
    expect(onDate(4).m[2]).toEqual(onDate(0).m[2])
    expect(onDate(4).m[0]).toEqual(onDate(0).m[0])
  })

  it("never weighs a near miss above an exact agreement", () => {
    // Random pairs almost never have family names a letter apart: u at Jaro-Winkler ≥ 0.92 is tiny.
    const tinyU = u.map((field, f) => (f === 1 ? [0.002, 1e-7, 0.005, 0.01, 0.05, 0.93] : field))
    const weigh = weigher(fitModel([], tinyU), nameFrequencies([]))
    const record = person("JOAN", "WHITFIELD", "1953-03-14", "E1 6AN")
    const exact = Math.log2(0.9 / 0.002)
    const close = weigh(pattern([-1, 1, -1, -1, -1, -1, -1]), record)
    expect(Math.log2(0.03 / 1e-7)).toBeGreaterThan(exact)
    expect(close).toBeCloseTo(exact, 6)
    expect(weigh(pattern([-1, 2, -1, -1, -1, -1, -1]), record)).toBeLessThanOrEqual(close)
  })

  it("weighs agreement on a rare family name above agreement on a common one", () => {
    const people = [
      ...Array.from({ length: 50 }, (_, i) => person(`A${i}`, "KHAN", "1980-01-01", "E1 1AA")),
      person("AMAKA", "OKONKWO", "1980-01-01", "E1 1AA")
    ]
    const weigh = weigher(fitModel([], u), nameFrequencies(people))
    const khan = weigh(pattern([6, 0, 0, 0, -1, -1, -1]), person("ZED", "KHAN", "1980-01-01", "E1 1AA"))
    const okonkwo = weigh(pattern([6, 0, 0, 0, -1, -1, -1]), person("ZED", "OKONKWO", "1980-01-01", "E1 1AA"))
    expect(okonkwo - khan).toBeCloseTo(Math.log2(50), 6)
    expect(matchProbability(0)).toBe(0.5)
  })

  it("takes the UPRN's u from residents of one postcode, not from random pairs", () => {
    const people = [
      person("A", "KHAN", undefined, "E1 1AA", undefined, "1"),
      person("B", "KHAN", undefined, "E1 1AA", undefined, "1"),
      person("C", "SMITH", undefined, "E1 1AA", undefined, "2"),
      person("D", "SMITH", undefined, "E1 1AA", undefined, "2"),
      person("E", "NOWAK", undefined, "E2 2BB", undefined, "3"),
      person("F", "NOWAK", undefined, "E2 2BB", undefined)
    ]
    // Of the 12 ordered pairs in E1 1AA, 4 share a UPRN; E2 2BB has one resident with a UPRN; one more of each kind.
    const [, , , , , sameUprn, sameHousehold] = estimateU(
      new CodedDemographics(new DemographicCoding(), people),
      1000,
      () => 0.5
    )
    expect(sameUprn![0]).toBeCloseTo(5 / 14, 12)
    expect(sameUprn![0]! + sameUprn![1]!).toBeCloseTo(1, 12)
    // Of the 20 ordered pairs of the five residents with a UPRN, 4 share one.
    expect(sameHousehold![0]).toBeCloseTo(5 / 22, 12)
  })
})

describe("probabilistic linkage", () => {
  // A borough of 3,000 residents with names and birthdays drawn at random.
  const random = new SeededRandom(7)
  const given = ["AMIR", "LAYLA", "OLIVIA", "GEORGE", "FATIMA", "KWAME", "SIOBHAN", "TOMASZ", "MEI", "PRIYA"]
  const family = ["KHAN", "SMITH", "OKONKWO", "NOWAK", "CHEN", "MURPHY", "BEGUM", "ADEYEMI", "SILVA", "PATEL"]
  const iso = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`
  const residents = Array.from({ length: 3000 }, (_, i) => ({
    personId: `p${i}`,
    demographics: person(
      random.pick(given),
      `${random.pick(family)}${random.pick(["", "WOOD", "FIELD", "TON", "LEY"])}`,
      iso(random.int(1940, 2020), random.int(1, 12), random.int(1, 28)),
      `E${random.int(1, 3)} ${random.int(0, 9)}${random.pick(["AB", "CD", "EF", "GH"])}`,
      random.pick(["female", "male"])
    )
  }))
  const settings = { threshold: 0.999, margin: 6, reviewFloor: 0.5 }
  const index = indexForProbabilisticMatch(residents)
  const target = residents[42]!.demographics
  const records = [
    // A family-name typo that does not sound alike, and a move out of the district.
    { ...target, familyName: `X${target.familyName.slice(1)}`, postcode: "N1 1AA" },
    // No given name, no date of birth: the rest is too little to be sure.
    { ...target, givenName: "", dateOfBirth: undefined, postcode: undefined },
    // No given name: the rest is clear.
    { ...target, givenName: "" },
    // Names the other way round, and a move.
    { ...target, givenName: target.familyName, familyName: target.givenName, postcode: "N1 1AA" },
    // Nobody.
    person("ZEBEDEE", "QUUX", "1901-01-01", "W1 1AA")
  ]

  it("links a record with two fields wrong to its resident, and leaves weak or absent evidence unlinked", () => {
    const { matches } = index.link(records, [], settings)
    expect(matches[0]).toMatchObject({ outcome: "linked", personId: "p42" })
    expect(matches[1]!.outcome).toBe("unmatched")
    expect(matches[2]).toMatchObject({ outcome: "linked", personId: "p42" })
    expect(matches[3]).toMatchObject({ outcome: "linked", personId: "p42" })
    expect(matches[4]).toEqual({ outcome: "unmatched", review: [] })
  })

  it("never picks between two residents who fit equally well", () => {
    const twin = { personId: "twin", demographics: { ...target } }
    const { matches } = indexForProbabilisticMatch([...residents, twin]).link(records.slice(0, 1), [], settings)
    expect(matches[0]!.outcome).toBe("ambiguous")
    expect(matches[0]).toMatchObject({ review: [{ personId: "p42" }, { personId: "twin" }] })
    const entry = reviewEntry("housing", 17, matches[0]!)
    expect(entry).toMatchObject({
      source: "housing",
      row: 17,
      link_status: "ambiguous",
      candidates: [
        {
          person_id: "p42",
          agreed: ["given_name:exact", "family_name:jaro_winkler_92", "date_of_birth:exact", "sex:same"]
        },
        { person_id: "twin" }
      ]
    })
    expect(entry!.candidates[0]!.match_probability).toBeGreaterThanOrEqual(0.999)
    expect(JSON.stringify(entry)).not.toContain(target.familyName.slice(1))
  })

  it("puts in the review queue only records it did not link that had a likely candidate", () => {
    const { matches } = index.link(records, [], settings)
    expect(matches.map((match) => reviewEntry("housing", 2, match))).toEqual(matches.map(() => undefined))
  })

  it("tells two neighbours of the same name apart by the UPRN, where nothing else does", () => {
    const withUprns = residents.map((resident, i) => ({
      ...resident,
      demographics: { ...resident.demographics, uprn: String(100_000 + i) }
    }))
    const neighbour = (personId: string, dateOfBirth: string, uprn: string) => ({
      personId,
      demographics: person("ZANELE", "MTHEMBU", dateOfBirth, "E2 5CD", "female", uprn)
    })
    const neighbours = indexForProbabilisticMatch([
      ...withUprns,
      neighbour("n1", "1961-04-09", "200001"),
      neighbour("n2", "1988-11-23", "200002")
    ])
    const noDateOfBirth = person("ZANELE", "MTHEMBU", undefined, "E2 5CD", "female", "200002")
    const { matches } = neighbours.link([noDateOfBirth, { ...noDateOfBirth, uprn: undefined }], [], settings)
    expect(matches[0]).toMatchObject({ outcome: "linked", personId: "n2" })
    expect(matches[1]).toMatchObject({ outcome: "ambiguous", review: [{ personId: "n1" }, { personId: "n2" }] })
  })

  it("links a record that moved, with its date of birth wrong, to the resident living with its household", () => {
    const withUprns = residents.map((resident, i) => ({
      ...resident,
      demographics: { ...resident.demographics, uprn: String(100_000 + i) }
    }))
    const partner = {
      personId: "partner",
      demographics: { ...withUprns[42]!.demographics, givenName: "ZANELE", dateOfBirth: "1950-01-01" }
    }
    const household = indexForProbabilisticMatch([...withUprns, partner])
    const [year, , day] = target.dateOfBirth!.split("-")
    const month = target.dateOfBirth!.slice(5, 7) === "06" ? "07" : "06"
    const moved = { ...target, dateOfBirth: `${year}-${month}-${day}`, postcode: "N1 1AA", uprn: "900001" }
    const alone = household.link([moved], [], settings).matches[0]!
    const withPartner = household.link([moved], [], settings, [["partner"]]).matches[0]!
    expect(alone.outcome).not.toBe("linked")
    expect(withPartner).toMatchObject({ outcome: "linked", personId: "p42" })
  })

  // A mother and her daughter of the same names and sex at one address: a record without a date of birth fits both.
  const motherAndDaughter = (uprn: string) => [
    { personId: "mother", demographics: person("AMARA", "OKAFOR", "1984-02-11", "E2 5CD", "female", uprn) },
    { personId: "daughter", demographics: person("AMARA", "OKAFOR", "2015-09-30", "E2 5CD", "female", uprn) }
  ]
  const noDateOfBirth = person("AMARA", "OKAFOR", undefined, "E2 5CD", "female", "200001")

  it("does not consider a resident the source's implied age rules out", () => {
    const mothers = indexForProbabilisticMatch([...residents, ...motherAndDaughter("200001")])
    const pupil = { ...noDateOfBirth, impliedAge: { on: "2026-10-01", atLeast: 2, under: 20 } }
    const adult = { ...noDateOfBirth, impliedAge: { on: "2026-10-01", atLeast: 16 } }
    const { matches } = mothers.link([noDateOfBirth, pupil, adult], [], settings)
    expect(matches[0]!.outcome).toBe("ambiguous")
    expect(matches[0]!.outcome !== "linked" && matches[0]!.review.slice(0, 2).map(({ personId }) => personId)).toEqual([
      "mother",
      "daughter"
    ])
    expect(matches[1]).toMatchObject({ outcome: "linked", personId: "daughter" })
    expect(matches[2]).toMatchObject({ outcome: "linked", personId: "mother" })
    // Born after the date the age is implied on (a dependant added to a claim since) is under any age.
    const unborn = { ...pupil, impliedAge: { on: "2010-01-01", under: 20 } }
    expect(mothers.link([unborn], [], settings).matches[0]).toMatchObject({ outcome: "linked", personId: "daughter" })
  })

  it("does not consider a resident another record of the same tenancy or claim already linked to", () => {
    const tenancy = indexForProbabilisticMatch([...residents, ...motherAndDaughter("200001")])
    const { matches } = tenancy.link([noDateOfBirth, noDateOfBirth], [], settings, [["mother"], []])
    expect(matches[0]).toMatchObject({ outcome: "linked", personId: "daughter" })
    expect(matches[1]!.outcome).toBe("ambiguous")
  })

  it("learns nothing of the UPRN from the pairs a rule on the postcode found", () => {
    // Without a given name or a date of birth only the postcode and family name rule finds candidates: households.
    const households = residents.map((resident, i) => ({
      ...resident,
      demographics: { ...resident.demographics, uprn: String(100_000 + Math.floor(i / 3)) }
    }))
    const records = households.slice(0, 300).map(({ demographics }) => ({
      ...demographics,
      givenName: "",
      dateOfBirth: undefined
    }))
    const { model } = indexForProbabilisticMatch(households).link(records, [], settings)
    // The prior's, as no session estimated it.
    expect(modelSummary(model).uprn.map(({ m }) => m)).toEqual([0.95, 0.05])
  })

  it("gives the same links for the same inputs", () => {
    const again = indexForProbabilisticMatch(residents).link(records, [], settings)
    expect(again).toEqual(index.link(records, [], settings))
  })
})
