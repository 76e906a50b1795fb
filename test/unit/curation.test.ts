import { describe, expect, it } from "vitest"
import {
  admissionCategory,
  curateAcuteActivity,
  curateAdultSocialCare,
  curateEducation,
  curateHousing
} from "../../transforms/curation.js"
import type { Link } from "../../transforms/recordLinkage.js"

const link: Link = { person_id: "p1", link_status: "linked", link_method: "exact", match_weight: null }
const context = { sourceRow: 7, link, householdIdOf: (uprn: string) => `h-${uprn}` }

describe("curation", () => {
  it.each([
    ["11", "elective"],
    ["13", "elective"],
    ["21", "non_elective"],
    ["2A", "non_elective"],
    ["31", "maternity"],
    ["82", "other"]
  ])("admission method %s is %s", (method, category) => expect(admissionCategory(method)).toBe(category))

  it("derives admission category and bed days for admitted episodes only", () => {
    const admitted = curateAcuteActivity(
      { activity_type: "APC", admission_method: "21", start_date: "2026-03-02", end_date: "2026-03-09", cost: 4250 },
      context
    )
    expect(admitted).toMatchObject({
      source_row: 7,
      person_id: "p1",
      admission_category: "non_elective",
      bed_days: 7,
      cost_gbp: 4250
    })
    const attendance = curateAcuteActivity(
      { activity_type: "AE", admission_method: "21", start_date: "2026-03-02" },
      context
    )
    expect(attendance).toMatchObject({ admission_method: null, admission_category: null, bed_days: null })
  })

  it("classifies adult social care services as long or short term", () => {
    const base = {
      client_id: "C1",
      date_of_birth: "1940-01-01",
      event_type: "service",
      event_start: "2026-01-01"
    } as const
    expect(curateAdultSocialCare({ ...base, service_type: "home_care" }, context).service_term).toBe("long_term")
    expect(curateAdultSocialCare({ ...base, service_type: "reablement" }, context).service_term).toBe("short_term")
    expect(curateAdultSocialCare({ ...base }, context).service_term).toBeNull()
  })

  it("keeps no identifier: names, dates of birth, postcodes, UPRNs and council ids are dropped", () => {
    const housing = curateHousing(
      {
        household_ref: "H0001",
        person_ref: "HP0001",
        family_name: "Brennan",
        given_name: "Pete",
        date_of_birth: "1971-06-02",
        postcode: "E3 2AB",
        uprn: "100023000002",
        tenure: "sheltered",
        notice_served: true,
        start_date: "2025-11-01"
      },
      context
    )
    const education = curateEducation(
      {
        upn: "A123456789012",
        family_name: "Hussain",
        given_name: "Amir",
        date_of_birth: "2019-01-15",
        postcode: "E1 4NS",
        school_urn: "100945",
        census_date: "2026-10-01",
        sen_provision: "E",
        sen_primary_need: "ASD"
      },
      context
    )
    const text = JSON.stringify([housing, education])
    for (const identifier of [
      "H0001",
      "HP0001",
      "Brennan",
      "Pete",
      "1971-06-02",
      "E3 2AB",
      "A123456789012",
      "Hussain",
      "Amir",
      "2019-01-15"
    ]) {
      expect(text).not.toContain(identifier)
    }
    expect(housing).toMatchObject({ household_id: "h-100023000002", notice_served: 1, overcrowded: null })
  })
})
