/**
 * `wsd validate`: checks a night's extracts against the contract and says what
 * a run would accept and quarantine, publishing nothing, so a partner's file
 * can be tried before the night it counts.
 */
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { formatValidation, validateInbox } from "../ingest/validateInbox.js"
import { asOfFlag, resolveAsOf } from "./flags.js"

export const validate = Command.make(
  "validate",
  {
    inbox: Flag.String("inbox").pipe(Flag.withDescription("Folder holding the night's extracts")),
    asOf: asOfFlag("The night to check for (default: the night a `wsd synth` inbox was written for, else today)"),
    config: Flag.String("config").pipe(
      Flag.withDescription("JSON configuration overriding the defaults"),
      Flag.optional
    )
  },
  ({ asOf, config, inbox }) =>
    Effect.gen(function* () {
      const night = yield* resolveAsOf(asOf, { inbox })
      const {
        config: effective,
        inputs,
        verdict
      } = yield* validateInbox({
        inbox,
        asOf: night,
        configFile: Option.getOrUndefined(config)
      })
      yield* Console.log(formatValidation(inputs, effective))
      if (verdict !== undefined) return yield* verdict
      yield* Console.log("the extracts would pass: nothing was published")
    })
).pipe(Command.withDescription("Check a night's extracts against the contract without publishing anything"))
