/**
 * `wsd extract`: takes a workstream's members out of a publication with only
 * the fields its profile allows, under the recipient's own pseudonym, and
 * records it (or its refusal) in lineage, so IG can see everything that left.
 */
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { workstreamExtract } from "../governance/workstreamExtract.js"
import { PseudonymKey } from "../services/pseudonymKey.js"
import { type Workstream, WORKSTREAMS } from "../../schemas/extractProfiles.js"
import { describeExtract, fromFlag, lineageKeyFile, withExtractLog } from "./flags.js"

export const extract = Command.make(
  "extract",
  {
    from: fromFlag,
    workstream: Flag.Literals("workstream", Object.keys(WORKSTREAMS) as ReadonlyArray<Workstream>).pipe(
      Flag.withDescription("The workstream whose members are extracted")
    ),
    recipient: Flag.String("recipient").pipe(
      Flag.withDescription("The recipient, when the workstream has profiles for several"),
      Flag.optional
    ),
    purpose: Flag.String("purpose").pipe(Flag.withDescription("What the extract is for (recorded in lineage)")),
    out: Flag.String("out").pipe(Flag.withDescription("The extract file to create (never overwritten)")),
    keyFile: Flag.String("key-file").pipe(Flag.withDescription("The pseudonymisation key the nightly run uses")),
    lineageKeyFile,
    profiles: Flag.String("profiles").pipe(
      Flag.withDescription("Extract profiles (default: rules/extract-profiles-v1.json)"),
      Flag.optional
    ),
    k: Flag.Int("k").pipe(
      Flag.withDescription(
        "At least this many rows share each combination of quasi-identifiers (default: the profile's k, or 5); can only raise it"
      ),
      Flag.optional
    )
  },
  (flags) =>
    withExtractLog(
      "extract",
      flags.from,
      flags.lineageKeyFile,
      workstreamExtract({
        from: flags.from,
        workstream: flags.workstream,
        recipient: Option.getOrUndefined(flags.recipient),
        purpose: flags.purpose,
        out: flags.out,
        profilesFile: Option.getOrUndefined(flags.profiles),
        k: Option.getOrUndefined(flags.k)
      }).pipe(Effect.provide(PseudonymKey.fromFile(flags.keyFile)))
    ).pipe(Effect.flatMap((taken) => Console.log(describeExtract(taken))))
).pipe(
  Command.withDescription(
    "A workstream's members with only the fields its profile allows, under the recipient's own pseudonym, k-anonymous on its quasi-identifiers; recorded in lineage"
  )
)
