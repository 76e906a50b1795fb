import { describe, expect, it } from "vitest"
import { decideResidency, type Registration } from "../../transforms/residency.js"

const AS_OF = "2026-11-20"
const covered = new Set(["F84003", "F84004"])
const reg = (overrides: Partial<Registration>): Registration => ({
  practiceCode: "F84003",
  registrationDate: "2010-01-01",
  dateOfBirth: "1980-01-01",
  ...overrides
})

describe("residency on the as-of date", () => {
  it.each<[string, ReadonlyArray<Registration>, string]>([
    ["registered, alive, covered practice", [reg({})], "resident"],
    ["registered on the as-of date itself", [reg({ registrationDate: AS_OF })], "resident"],
    ["registered the day after", [reg({ registrationDate: "2026-11-21" })], "not_yet_registered"],
    ["deregistered on the as-of date", [reg({ deregistrationDate: AS_OF })], "deregistered"],
    ["deregistered the day after", [reg({ deregistrationDate: "2026-11-21" })], "resident"],
    ["died before the as-of date", [reg({ dateOfDeath: "2026-03-02" })], "deceased"],
    [
      "died on another row",
      [reg({}), reg({ deregistrationDate: "2012-01-01", dateOfDeath: "2026-01-01" })],
      "deceased"
    ],
    ["dies after the as-of date", [reg({ dateOfDeath: "2026-12-01" })], "resident"],
    ["practice outside the partnership", [reg({ practiceCode: "Y02999" })], "practice_not_covered"]
  ])("%s → %s", (_, registrations, status) => {
    expect(decideResidency(registrations, AS_OF, covered).status).toBe(status)
  })

  it("prefers the registration current on the as-of date over a later-starting old one", () => {
    const current = reg({ practiceCode: "F84004", registrationDate: "2015-01-01" })
    const old = reg({ practiceCode: "F84003", registrationDate: "2009-01-01", deregistrationDate: "2014-12-31" })
    expect(decideResidency([old, current], AS_OF, covered).registration).toBe(current)
  })

  it("otherwise takes the latest registration", () => {
    const first = reg({ registrationDate: "2001-01-01", deregistrationDate: "2005-01-01" })
    const latest = reg({ registrationDate: "2006-01-01", deregistrationDate: "2020-01-01" })
    const decision = decideResidency([latest, first], AS_OF, covered)
    expect(decision.registration).toBe(latest)
    expect(decision.status).toBe("deregistered")
  })

  it("reports conflicting dates of birth across one person's rows", () => {
    expect(decideResidency([reg({}), reg({ dateOfBirth: "1980-01-10" })], AS_OF, covered).conflictingDateOfBirth).toBe(
      true
    )
    expect(decideResidency([reg({}), reg({})], AS_OF, covered).conflictingDateOfBirth).toBe(false)
  })
})
