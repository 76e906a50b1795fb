/**
 * `wsd rules`: prints the segmentation rules as a table (segment, criterion,
 * codelist or field, threshold), then the outcomes framework (statement,
 * indicators, numerator, denominator, sources), so a clinician or analyst can
 * check what a version decides and measures without reading its JSON.
 */
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { loadOutcomes } from "../nightly/outcomesFramework.js"
import { loadRules } from "../nightly/segmentationRules.js"
import { formatOutcomesFramework } from "../../transforms/outcomesFrameworkText.js"
import { formatRulesTable, rulesTable } from "../../transforms/rulesTable.js"

export const rules = Command.make(
  "rules",
  {
    file: Flag.String("rules-file").pipe(
      Flag.withDescription("Rules file (default: the project's rules v1)"),
      Flag.optional
    ),
    outcomesFile: Flag.String("outcomes-file").pipe(
      Flag.withDescription("Outcomes framework file (default: the project's outcomes v1)"),
      Flag.optional
    )
  },
  ({ file, outcomesFile }) =>
    Effect.gen(function* () {
      const { rules } = yield* loadRules(Option.getOrUndefined(file))
      const outcomes = yield* loadOutcomes(Option.getOrUndefined(outcomesFile))
      yield* Console.log(formatRulesTable(rules.version, rulesTable(rules)))
      yield* Console.log("")
      yield* Console.log(formatOutcomesFramework(outcomes.value))
    })
).pipe(
  Command.withDescription(
    "Print the segmentation rules (segment, criterion, codelist or field, threshold) and the outcomes framework"
  )
)
