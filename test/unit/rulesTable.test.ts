import { readFileSync } from "node:fs"
import * as path from "node:path"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { SegmentationRules } from "../../schemas/segmentationRules.js"
import { SEGMENTS } from "../../schemas/segments.js"
import { formatRulesTable, rulesTable } from "../../transforms/rulesTable.js"

const rulesFile = path.join(import.meta.dirname, "..", "..", "rules", "segmentation-v1.json")
const shipped = Schema.decodeUnknownSync(SegmentationRules)(JSON.parse(readFileSync(rulesFile, "utf8")))
const printed = (rules: SegmentationRules) => formatRulesTable(rules.version, rulesTable(rules))

describe("the rules table", () => {
  it("changes with every threshold, risk point, BCF setting and the window of the rules file", () => {
    const settings = [
      ...Object.keys(shipped.thresholds).map((name) => ["thresholds", name] as const),
      ...Object.keys(shipped.riskPoints).map((name) => ["riskPoints", name] as const),
      ...Object.keys(shipped.bcf).map((name) => ["bcf", name] as const)
    ]
    for (const [group, name] of settings) {
      const values = shipped[group] as Record<string, number>
      const changed = { ...shipped, [group]: { ...values, [name]: values[name]! + 7 } }
      expect(printed(changed), `${group}.${name}`).not.toBe(printed(shipped))
    }
    expect(printed({ ...shipped, windowDays: 180 })).toContain("in 180 days")
  })

  it("lists each long-term condition with its codelist files, and follows the rules file's codelists", () => {
    const withAsthmaList = {
      ...shipped,
      codelists: { ...shipped.codelists, asthma: { kind: "ltc" as const, files: ["local-asthma.csv"] } }
    }
    expect(rulesTable(withAsthmaList)).toContainEqual(
      expect.objectContaining({ segment: "LTC", criterion: "asthma", source: "local-asthma.csv" })
    )
    const ltcs = Object.entries(shipped.codelists).filter(([, list]) => list.kind === "ltc")
    expect(rulesTable(shipped).filter((row) => row.segment === "LTC")).toHaveLength(ltcs.length)
  })

  it("gives every reason code and flag of every segment a row, segments in priority order", () => {
    const rows = rulesTable(shipped).filter((row) => /^\d\. /.test(row.segment))
    expect(rows.map((row) => [row.segment, row.criterion])).toEqual(
      [...SEGMENTS]
        .sort((a, b) => a.priority - b.priority)
        .flatMap((segment) => [
          ...segment.reasons.map((reason) => [`${segment.priority}. ${segment.code}`, reason]),
          ...segment.flags.map((flag) => [`${segment.priority}. ${segment.code} (flag)`, flag])
        ])
    )
  })
})
