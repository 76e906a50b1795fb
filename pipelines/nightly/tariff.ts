/**
 * Loading the tariff file: the unit costs of the activities extracts send no
 * cost for, one for every activity the shadow budget costs, with the file's
 * fingerprint for lineage.
 */
import { Effect } from "effect"
import { ACTIVITIES, Tariff } from "../../schemas/shadowBudget.js"
import type { UnitCostTable } from "../../schemas/warehouse.js"
import { UsageError } from "../errors.js"
import type { FileFingerprint } from "../services/fileDigest.js"
import { projectFile } from "../services/projectFiles.js"
import { readRulesFile } from "./rulesFile.js"

export const DEFAULT_TARIFF_FILE = projectFile("rules", "tariff-v1.json")

export interface LoadedTariff {
  readonly tariff: Tariff
  readonly fingerprint: FileFingerprint
  /** The `unit_cost` rows: every activity with its line, unit and price. */
  readonly unitCosts: ReadonlyArray<UnitCostTable>
}

const invalid = (file: string, why: string) =>
  new UsageError({ message: `tariff file ${file} ${why}`, nextAction: "check tariffFile in the configuration" })

export const loadTariff = (file: string = DEFAULT_TARIFF_FILE) =>
  Effect.gen(function* () {
    const { fingerprint, value: tariff } = yield* readRulesFile(
      file,
      Tariff,
      "tariff file",
      "tariffFile in the configuration"
    )
    // A missing price would drop its activity from the budget unseen; an unknown one prices nothing.
    const known = new Set(ACTIVITIES.map(({ activity }) => activity))
    const missing = ACTIVITIES.filter(({ activity }) => tariff.unitCosts[activity] === undefined)
    const unknown = Object.keys(tariff.unitCosts).filter((activity) => !known.has(activity))
    if (missing.length > 0 || unknown.length > 0) {
      return yield* invalid(
        file,
        [
          ...(missing.length > 0 ? [`has no unit cost for ${missing.map(({ activity }) => activity).join(", ")}`] : []),
          ...(unknown.length > 0 ? [`prices no activity called ${unknown.join(", ")}`] : [])
        ].join("; ")
      )
    }
    return {
      tariff,
      fingerprint,
      unitCosts: ACTIVITIES.map(({ activity, service_line, unit }) => ({
        activity,
        service_line,
        unit,
        gbp: tariff.unitCosts[activity]!.gbp
      }))
    } satisfies LoadedTariff
  })
