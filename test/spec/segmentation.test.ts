/**
 * Segmentation rules v1 as a spec: residents and their records as inline rows,
 * the expected segment, reasons and flags per person, run through the real
 * SQL models, rules file and codelists.
 */
import { describe, expect, it } from "vitest"
import { testWarehouses } from "../warehouses.js"
import { CODES, type SpecInput, segment as segmentIn, times } from "./specWarehouse.js"

const IN_WINDOW = "2026-06-01"
const BEFORE_WINDOW = "2025-11-20" // 366 days before the as-of date

describe.each(testWarehouses())("segmentation rules v1 on $name", (warehouse) => {
  if (warehouse.skipped !== undefined) {
    it.skip(warehouse.skipped, () => {})
    return
  }
  const segment = (input: SpecInput) => segmentIn(input, warehouse.engine())

  it("puts under-18s in Born Well & Growing Well and 18-year-olds among adults", async () => {
    const { membership } = await segment({
      residents: [
        { id: "a17", age: 17 },
        { id: "b18", age: 18 },
        { id: "c0", age: 0 }
      ]
    })
    expect(membership["a17"]).toMatchObject({ segment: "BWGW", reasons: "age_under_18" })
    expect(membership["c0"]).toMatchObject({ segment: "BWGW" })
    expect(membership["b18"]).toMatchObject({ segment: "LW", reasons: "adult", ltc: 0 })
  })

  it("flags transitions at 16-25 with an EHC plan, a children's social care status or an LTC", async () => {
    const { membership } = await segment({
      residents: [
        { id: "ehc16", age: 16 },
        { id: "cin17", age: 17 },
        { id: "ltc25", age: 25 },
        { id: "ltc26", age: 26 },
        { id: "none20", age: 20 },
        { id: "ehc15", age: 15 }
      ],
      education: [
        ["ehc16", "E"],
        ["ehc15", "E"]
      ],
      childrensSocialCare: [["cin17", "CIN"]],
      gpEvents: [
        ["ltc25", CODES.depression],
        ["ltc26", CODES.depression]
      ]
    })
    expect(membership["ehc16"]).toMatchObject({ segment: "BWGW", transition: 1 })
    expect(membership["cin17"]).toMatchObject({ segment: "BWGW", transition: 1 })
    expect(membership["ltc25"]).toMatchObject({ segment: "LW", transition: 1, ltc: 1 })
    expect(membership["ltc26"]).toMatchObject({ segment: "LW", transition: 0, ltc: 1 })
    expect(membership["none20"]).toMatchObject({ transition: 0 })
    expect(membership["ehc15"]).toMatchObject({ transition: 0 })
  })

  it("puts adults with 2+ LTCs and 2+ non-elective admissions or 4+ A&E attendances in PI (complex LTC)", async () => {
    const twoLtcs = (id: string) =>
      [
        [id, CODES.copd],
        [id, CODES.depression]
      ] as const
    const { membership } = await segment({
      residents: [
        { id: "nel2", age: 55 },
        { id: "nel1", age: 55 },
        { id: "ae4", age: 73 },
        { id: "ae3", age: 50 },
        { id: "oneLtc", age: 50 }
      ],
      gpEvents: [...twoLtcs("nel2"), ...twoLtcs("nel1"), ...twoLtcs("ae4"), ...twoLtcs("ae3"), ["oneLtc", CODES.copd]],
      acute: [
        ["nel2", "APC", IN_WINDOW, "21"],
        ["nel2", "APC", "2026-09-01", "22"],
        ["nel1", "APC", IN_WINDOW, "21"],
        ["nel1", "APC", BEFORE_WINDOW, "21"],
        ["nel1", "APC", IN_WINDOW, "11"],
        ...times(4, (i) => ["ae4", "AE", `2026-0${i + 1}-10`] as const),
        ...times(3, (i) => ["ae3", "AE", `2026-0${i + 1}-10`] as const),
        ...times(6, (i) => ["oneLtc", "AE", `2026-0${i + 1}-10`] as const)
      ]
    })
    expect(membership["nel2"]).toMatchObject({ segment: "PI", reasons: "complex_ltc" })
    expect(membership["nel1"]).toMatchObject({ segment: "LW", ltc: 1 })
    expect(membership["ae4"]).toMatchObject({ segment: "PI", reasons: "complex_ltc" })
    expect(membership["ae3"]).toMatchObject({ segment: "LW" })
    expect(membership["oneLtc"]).toMatchObject({ segment: "LW" })
  })

  it("puts adults in complex care in PI, with every reason that applies", async () => {
    const { membership } = await segment({
      residents: [
        { id: "pal", age: 60 },
        { id: "dem", age: 81 },
        { id: "home", age: 90 },
        { id: "sev", age: 70 },
        { id: "hb", age: 45 },
        { id: "ltsc", age: 40 },
        { id: "reab", age: 70 },
        { id: "frailNow", age: 70 },
        { id: "ended", age: 70 },
        { id: "child", age: 12 }
      ],
      gpEvents: [
        ["pal", CODES.palliativeCare],
        ["dem", CODES.dementia],
        ["dem", CODES.housebound],
        ["sev", CODES.severeFrailty],
        ["hb", CODES.housebound],
        ["home", CODES.careHome],
        ["child", CODES.palliativeCare],
        // The latest frailty record wins: severe then moderate is moderate now.
        ["frailNow", CODES.severeFrailty, "2020-01-01"],
        ["frailNow", CODES.moderateFrailty, "2024-01-01"]
      ],
      socialCare: [
        ["ltsc", "home_care", "2026-01-01"],
        ["reab", "reablement", "2026-11-01"],
        ["ended", "home_care", "2025-01-01", "2026-11-19"],
        ["home", "nursing_care", "2024-01-01"]
      ]
    })
    expect(membership["pal"]).toMatchObject({ segment: "PI", reasons: "palliative_care" })
    expect(membership["dem"]).toMatchObject({ segment: "PI", reasons: "dementia;housebound" })
    expect(membership["home"]).toMatchObject({ segment: "PI", reasons: "care_home;long_term_social_care" })
    expect(membership["sev"]).toMatchObject({ segment: "PI", reasons: "severe_frailty" })
    expect(membership["hb"]).toMatchObject({ segment: "PI", reasons: "housebound" })
    expect(membership["ltsc"]).toMatchObject({ segment: "PI", reasons: "long_term_social_care" })
    expect(membership["reab"]).toMatchObject({ segment: "LW" })
    expect(membership["frailNow"]).toMatchObject({ segment: "LW" })
    expect(membership["ended"]).toMatchObject({ segment: "LW" })
    expect(membership["child"]).toMatchObject({ segment: "BWGW" })
  })

  it("fills each practice's discretionary places: 12% of its 65+ residents, minus its mandatory members, by risk then person_id", async () => {
    // Practice A: 25 residents aged 65+ → exactly 12% = 3 places; one is already in PI (dementia), so 2 are discretionary.
    // Practice B: 24 residents aged 65+ → 2.88, so 2 places; nobody in PI yet.
    const practiceA = times(25, (i) => ({ id: `a${String(i).padStart(2, "0")}`, age: 66, practice: "F84003" }))
    const practiceB = times(24, (i) => ({ id: `b${String(i).padStart(2, "0")}`, age: 66, practice: "F84004" }))
    const { membership } = await segment({
      residents: [...practiceA, ...practiceB, { id: "a-young", age: 40, practice: "F84003" }],
      gpEvents: [
        ["a00", CODES.dementia],
        ["a05", CODES.copd],
        ["a05", CODES.depression], // risk 1 + 2 = 3
        ["a07", CODES.copd], // risk 2
        ["a09", CODES.copd], // risk 2: ties with a07, broken by person_id
        ["b10", CODES.copd],
        ["b11", CODES.copd],
        ["b12", CODES.copd]
      ],
      acute: [
        ["a-young", "AE", IN_WINDOW],
        ["a-young", "AE", IN_WINDOW],
        ["a-young", "AE", IN_WINDOW]
      ]
    })
    const discretionary = (prefix: string) =>
      Object.entries(membership)
        .filter(([id, m]) => id.startsWith(prefix) && m.reasons === "discretionary")
        .map(([id]) => id)
        .sort()
    expect(membership["a00"]).toMatchObject({ segment: "PI", reasons: "dementia" })
    expect(discretionary("a")).toEqual(["a05", "a07"])
    expect(discretionary("b")).toEqual(["b10", "b11"])
    expect(membership["a09"]).toMatchObject({ segment: "LW" })
    expect(membership["a-young"]).toMatchObject({ segment: "LW" })
  })

  it("counts only the mandatory reasons against the 12%: members in PI for frailty or complex LTCs do not shrink it", async () => {
    // 25 residents aged 65+: 3 places. One has dementia (mandatory), one severe frailty, one
    // complex LTCs (neither mandatory): 2 discretionary places remain, for the highest risk of the rest.
    const practice = times(25, (i) => ({ id: `p${String(i).padStart(2, "0")}`, age: 66, practice: "F84003" }))
    const { membership } = await segment({
      residents: practice,
      gpEvents: [
        ["p00", CODES.dementia],
        ["p01", CODES.severeFrailty],
        ["p02", CODES.copd],
        ["p02", CODES.depression],
        ["p10", CODES.copd],
        ["p10", CODES.depression], // risk 1 + 2 = 3
        ["p11", CODES.copd], // risk 2
        ["p12", CODES.copd] // risk 2: ties with p11, broken by person_id
      ],
      acute: [
        ["p02", "APC", IN_WINDOW, "21"],
        ["p02", "APC", IN_WINDOW, "22"]
      ]
    })
    expect(membership["p00"]).toMatchObject({ segment: "PI", reasons: "dementia" })
    expect(membership["p01"]).toMatchObject({ segment: "PI", reasons: "severe_frailty" })
    expect(membership["p02"]).toMatchObject({ segment: "PI", reasons: "complex_ltc" })
    const discretionary = Object.entries(membership)
      .filter(([, m]) => m.reasons === "discretionary")
      .map(([id]) => id)
      .sort()
    expect(discretionary).toEqual(["p10", "p11"])
    expect(membership["p12"]).toMatchObject({ segment: "LW" })
  })

  it("gives a registration without a UPRN the address of the latest housing record, and keeps a registration's own", async () => {
    // Aged 65+, so living alone scores a point: who shares an address shows in living_alone_points.
    const { risk } = await segment({
      residents: [
        { id: "reg", age: 70, household: "h1" },
        { id: "moved", age: 70, household: null },
        { id: "kept", age: 70, household: "h2" },
        { id: "none", age: 70, household: null }
      ],
      housing: [
        ["moved", "social_rent", false, "h9", "2024-01-01"],
        ["moved", "social_rent", false, "h1", "2025-06-01"],
        ["kept", "social_rent", false, "h1", "2026-01-01"]
      ]
    })
    expect(risk["reg"]).toMatchObject({ living_alone_points: 0 })
    expect(risk["moved"]).toMatchObject({ living_alone_points: 0 })
    expect(risk["kept"]).toMatchObject({ living_alone_points: 1 })
    expect(risk["none"]).toMatchObject({ living_alone_points: 0 })
  })

  it("scores risk v1 with every component stored", async () => {
    const { risk } = await segment({
      residents: [
        { id: "joan", age: 73, household: "alone" },
        { id: "pete", age: 55, household: "shared" },
        { id: "mate", age: 50, household: "shared" },
        { id: "old", age: 88 }
      ],
      gpEvents: [
        ["joan", CODES.copd],
        ["joan", CODES.depression],
        ["old", CODES.severeFrailty],
        ...times(7, () => ["pete", CODES.diabetes] as const)
      ],
      acute: [
        ...times(6, (i) => ["joan", "AE", `2026-0${i + 1}-03`] as const),
        ...times(4, (i) => ["pete", "APC", `2026-0${i + 1}-03`, "21"] as const)
      ],
      socialCare: [["old", "home_care", "2026-01-01"]],
      housing: [["pete", "sheltered", true]]
    })
    expect(risk["joan"]).toEqual({
      age_points: 1,
      ltc_points: 2,
      non_elective_points: 0,
      ae_points: 4,
      social_care_points: 0,
      frailty_points: 0,
      housing_points: 0,
      living_alone_points: 1,
      total: 8
    })
    expect(risk["pete"]).toMatchObject({
      age_points: 0,
      ltc_points: 1,
      non_elective_points: 6,
      housing_points: 1,
      living_alone_points: 0,
      total: 8
    })
    expect(risk["old"]).toMatchObject({
      age_points: 3,
      social_care_points: 2,
      frailty_points: 3,
      living_alone_points: 1,
      total: 9
    })
  })
})
