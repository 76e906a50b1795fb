import { describe, expect, it } from "vitest"
import { cohortChanges, cohortSummary } from "../../pipelines/outputs/outputs.js"
import { controlBcf } from "../../transforms/aggregateOutputs.js"
import { DEFAULT_DISCLOSURE_RULES } from "../../transforms/disclosureControl.js"
import { controlResidents } from "../../transforms/residentCounts.js"

describe("changes since the last publication", () => {
  it("lists who joined, who left and whose reasons changed", () => {
    const previous = [
      { person_id: "stays", reasons: "complex_ltc", practice_code: "F84003" },
      { person_id: "changes", reasons: "complex_ltc", practice_code: "F84003" },
      { person_id: "leaves", reasons: "dementia", practice_code: "F84004" }
    ]
    const current = [
      { person_id: "stays", reasons: "complex_ltc", practice_code: "F84003" },
      { person_id: "changes", reasons: "complex_ltc;housebound", practice_code: "F84003" },
      { person_id: "joins", reasons: "discretionary", practice_code: "F84004" }
    ]
    expect(cohortChanges(previous, current, new Set())).toEqual([
      { person_id: "joins", change: "joined", practice_code: "F84004", reasons: "discretionary" },
      { person_id: "leaves", change: "left", practice_code: "F84004", previous_reasons: "dementia" },
      {
        person_id: "changes",
        change: "reasons_changed",
        practice_code: "F84003",
        previous_reasons: "complex_ltc",
        reasons: "complex_ltc;housebound"
      }
    ])
  })

  it("does not list as left a member who has opted out since", () => {
    const previous = [
      { person_id: "objects", reasons: "dementia", practice_code: "F84004" },
      { person_id: "leaves", reasons: "dementia", practice_code: "F84004" }
    ]
    expect(cohortChanges(previous, [], new Set(["objects"]))).toEqual([
      { person_id: "leaves", change: "left", practice_code: "F84004", previous_reasons: "dementia" }
    ])
  })
})

describe("cohort summary", () => {
  const counts = [
    { segment: "LW", age_band: "30-34", sex: "female", locality: "North", imd_decile: "unknown", residents: 13 },
    { segment: "PI", age_band: "70-74", sex: "female", locality: "North", imd_decile: "unknown", residents: 7 },
    { segment: "PI", age_band: "85+", sex: "female", locality: "North", imd_decile: "unknown", residents: 20 }
  ].map((cell) => ({ ...cell, practice_code: "F84001" }))
  const practice = (locality: string) => ({ practice_code: `${locality} practice`, pcn: `${locality} PCN`, locality })

  it("publishes every cell, zero as zero, 1-7 suppressed and marked, others rounded to 5", () => {
    const practices = [{ practice_code: "F84001", pcn: "North PCN", locality: "North" }, practice("East")]
    const rows = cohortSummary(controlResidents(counts, practices, DEFAULT_DISCLOSURE_RULES))
    expect(rows).toHaveLength(3 * 18 * 4 * 2)
    const cell = (segment: string, band: string, locality: string) =>
      rows.find(
        (row) =>
          row["segment"] === segment &&
          row["age_band"] === band &&
          row["sex"] === "female" &&
          row["locality"] === locality
      )
    expect(cell("LW", "30-34", "North")).toMatchObject({ imd_decile: "all", residents: 15, suppressed: "N" })
    expect(cell("PI", "70-74", "North")).toMatchObject({ residents: null, suppressed: "Y" })
    expect(cell("PI", "70-74", "East")).toMatchObject({ residents: 0, suppressed: "N" })
    // Shown, the report's Promoting Independence total (25) minus these 20 would give the 7 back.
    expect(cell("PI", "85+", "North")).toMatchObject({ residents: null, suppressed: "Y" })
  })

  it("adds deprivation deciles when a lookup supplied them", () => {
    const rows = cohortSummary(
      controlResidents([{ ...counts[0]!, imd_decile: "3" }], [practice("North")], DEFAULT_DISCLOSURE_RULES)
    )
    expect(rows).toHaveLength(3 * 18 * 4 * 11)
    expect(
      rows.find(
        (row) =>
          row["segment"] === "LW" && row["age_band"] === "30-34" && row["sex"] === "female" && row["imd_decile"] === "3"
      )
    ).toMatchObject({ residents: 15 })
  })
})

describe("the BCF denominators beside the report's pyramids", () => {
  it("publish residents 65+ as the margin of the pyramids' 65+ cells, so subtracting the cells shown gives back no cell", () => {
    const unrounded = { suppressBelow: 8, roundTo: 1 }
    const row = (segment: string, age_band: string, sex: string, residents: number) => ({
      segment,
      age_band,
      sex,
      practice_code: "F84001",
      locality: "North",
      imd_decile: "unknown",
      residents
    })
    const counts = [row("PI", "65-69", "female", 12), row("LW", "70-74", "male", 1), row("LW", "30-34", "female", 20)]
    const residents = controlResidents(
      counts,
      [{ practice_code: "F84001", pcn: "North PCN", locality: "North" }],
      unrounded
    )
    const metric = {
      metric: "permanent_care_home_admissions_65_plus_per_100000",
      numerator: 0,
      denominator: 13,
      per: 100000
    }
    const [bcf] = controlBcf([metric], unrounded, residents.populations)
    expect(bcf!.denominator).toBe(13)
    // Shown beside 13 residents 65+, the PI women of 65–69 (12) would give the LW man of 70–74 (1) back.
    expect(residents.ageSex("LW", "70-74", "male").suppressed).toBe(true)
    expect(residents.ageSex("PI", "65-69", "female").suppressed).toBe(true)
  })
})
