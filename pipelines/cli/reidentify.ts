/**
 * `wsd reidentify`: for direct care only, one practice's complex-cohort list
 * with NHS numbers from the sealed store, recorded (or refused) in lineage
 * like an extract, since it is the one way a name can leave the secure area.
 */
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { DIRECT_CARE, reidentify } from "../governance/reidentification.js"
import { describeExtract, fromFlag, lineageKeyFile, withExtractLog } from "./flags.js"

export const reidentifyCommand = Command.make(
  "reidentify",
  {
    from: fromFlag,
    practice: Flag.String("practice").pipe(Flag.withDescription("The practice code whose list is re-identified")),
    purpose: Flag.String("purpose").pipe(Flag.withDescription(`Must be ${DIRECT_CARE}: any other purpose is refused`)),
    out: Flag.String("out").pipe(Flag.withDescription("The list to create, readable by its owner only")),
    reidKeyFile: Flag.String("reid-key-file").pipe(
      Flag.withDescription("The re-identification key the nightly run was given")
    ),
    lineageKeyFile
  },
  (flags) =>
    withExtractLog(
      "reidentify",
      flags.from,
      flags.lineageKeyFile,
      reidentify({
        from: flags.from,
        practice: flags.practice,
        purpose: flags.purpose,
        keyFile: flags.reidKeyFile,
        out: flags.out
      })
    ).pipe(Effect.flatMap((taken) => Console.log(describeExtract(taken))))
).pipe(
  Command.withDescription(
    "For direct care only: one practice's complex-cohort list with NHS numbers, from the sealed store; recorded in lineage"
  )
)
