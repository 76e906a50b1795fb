/** The "did you mean …?" of a refusal: the nearest valid name to a slip, and none for a name unlike them all. */
import { describe, expect, it } from "vitest"
import { closestName, suggestName } from "../../transforms/closestName.js"

const COMMANDS = ["run", "validate", "keygen", "rules", "synth", "lineage", "extract", "reidentify", "quarantine"]

describe("closestName", () => {
  it("finds the name a slip meant: a letter dropped, doubled, swapped or in the wrong case", () => {
    expect(closestName("runn", COMMANDS)).toBe("run")
    expect(closestName("valdate", COMMANDS)).toBe("validate")
    expect(closestName("linaege", COMMANDS)).toBe("lineage")
    expect(closestName("GP_EVENTS", ["gp_registrations", "gp_events"])).toBe("gp_events")
    expect(closestName("quarantineThreshhold", ["quarantineThreshold", "duplicateThreshold"])).toBe(
      "quarantineThreshold"
    )
  })

  it("prefers the nearest of several candidates, and the first of equally near ones", () => {
    expect(closestName("rule", COMMANDS)).toBe("rules")
    expect(closestName("ab", ["ac", "ad"])).toBe("ac")
  })

  it("suggests nothing for a name unlike every candidate", () => {
    expect(closestName("xyzzy", COMMANDS)).toBeUndefined()
    expect(closestName("pharmacy", ["gp_events", "housing"])).toBeUndefined()
  })

  it("says which one was meant, or lists the candidates when none is near", () => {
    expect(suggestName("housng", ["housing", "benefits"])).toBe("did you mean housing?")
    expect(suggestName("pharmacy", ["housing", "benefits"])).toBe("name one of housing, benefits")
  })
})
