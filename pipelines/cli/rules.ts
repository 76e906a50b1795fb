/**
 * `wsd rules`: prints the segmentation rules as a table (segment, criterion,
 * codelist or field, threshold), so a clinician can check what a version
 * decides without reading its JSON.
 */
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { loadRules } from "../nightly/segmentationRules.js"
import { formatRulesTable, rulesTable } from "../../transforms/rulesTable.js"

export const rules = Command.make(
  "rules",
  {
    file: Flag.String("rules-file").pipe(
      Flag.withDescription("Rules file (default: the project's rules v1)"),
      Flag.optional
    )
  },
  ({ file }) =>
    loadRules(Option.getOrUndefined(file)).pipe(
      Effect.flatMap(({ rules }) => Console.log(formatRulesTable(rules.version, rulesTable(rules))))
    )
).pipe(Command.withDescription("Print the segmentation rules: segment, criterion, codelist or field, threshold"))
