/**
 * Loading the segmentation rules and the codelists they name, with the
 * fingerprint of the rules file and of every codelist file for lineage.
 */
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import { Effect } from "effect"
import { addDays } from "../../schemas/fields/extractDate.js"
import { SegmentationRules } from "../../schemas/segmentationRules.js"
import { UsageError } from "../errors.js"
import type { FileFingerprint } from "../services/fileDigest.js"
import { projectFile } from "../services/projectFiles.js"
import { readRulesFile } from "./rulesFile.js"

export const DEFAULT_RULES_FILE = projectFile("rules", "segmentation-v1.json")
const CODELIST_DIR = projectFile("reference", "codelists")

export interface CodelistFingerprint {
  readonly condition: string
  readonly file: string
  readonly codes: number
  readonly sha256: string
}

export interface LoadedRules {
  readonly rules: SegmentationRules
  /** The rules file's path and SHA-256, as read. */
  readonly fingerprint: FileFingerprint
  readonly codes: ReadonlyArray<{ readonly condition: string; readonly kind: string; readonly code: string }>
  readonly codelists: ReadonlyArray<CodelistFingerprint>
}

export const loadRules = (file: string = DEFAULT_RULES_FILE) =>
  Effect.gen(function* () {
    const { value: rules, fingerprint } = yield* readRulesFile(
      file,
      SegmentationRules,
      "rules file",
      "rulesFile in the configuration"
    )
    const codes: Array<{ condition: string; kind: string; code: string }> = []
    const codelists: Array<CodelistFingerprint> = []
    for (const [condition, { files, kind }] of Object.entries(rules.codelists)) {
      for (const name of files) {
        const bytes = yield* Effect.try({
          try: () => readFileSync(path.join(CODELIST_DIR, name)),
          catch: () =>
            new UsageError({
              message: `codelist ${name} for ${condition} is missing`,
              nextAction: `add it to ${CODELIST_DIR}`
            })
        })
        const rows = parse(bytes, { columns: true, bom: true }) as Array<{ code?: string }>
        for (const row of rows) if (row.code) codes.push({ condition, kind, code: row.code.trim() })
        codelists.push({
          condition,
          file: name,
          codes: rows.length,
          sha256: createHash("sha256").update(bytes).digest("hex")
        })
      }
    }
    return {
      rules,
      fingerprint,
      codes,
      codelists
    } satisfies LoadedRules
  })

/** The first day of the window of `windowDays` days that ends on the as-of date. */
export const windowStartOf = (rules: SegmentationRules, asOf: string) => addDays(asOf, -(rules.windowDays - 1))

/** The rule parameters the SQL models read, for one as-of date. */
export const ruleParameters = (rules: SegmentationRules, asOf: string, windowStart: string) => [
  { name: "rules_version", value: rules.version },
  { name: "as_of", value: asOf },
  { name: "window_start", value: windowStart },
  ...Object.entries(rules.thresholds).map(([name, value]) => ({ name, value: String(value) })),
  ...Object.entries(rules.riskPoints).map(([name, value]) => ({ name, value: String(value) })),
  ...Object.entries(rules.bcf).map(([name, value]) => ({ name, value: String(value) })),
  // A row per reason, so that the SQL reads the list as a set.
  ...rules.discretionaryMandatoryReasons.map((reason) => ({ name: `${MANDATORY_REASON}${reason}`, value: "1" }))
]

/** The prefix of the rule parameters naming the mandatory complex-care reasons (`segment_reason.sql` reads them). */
export const MANDATORY_REASON = "mandatory_reason."
