/**
 * `wsd extract`: takes a workstream's members out of a publication with only
 * the fields its profile allows, under the recipient's own pseudonym, and
 * records it (or its refusal) in lineage, so IG can see everything that left.
 */
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { workstreamExtract } from "../governance/workstreamExtract.js"
import { PseudonymKey } from "../services/pseudonymKey.js"
import { DEPRECATED_WORKSTREAM_NAMES, SEGMENT_CODES, SEGMENT_NAMES, type SegmentCode } from "../../schemas/segments.js"
import { suggestName } from "../../transforms/closestName.js"
import { UsageError } from "../errors.js"
import { describeExtract, fromFlag, lineageKeyFile, withExtractLog } from "./flags.js"

/**
 * The segment code `--workstream` names (in any case). The names it took
 * before (`born-well`, …) still work, with a message naming the code to use.
 */
const workstreamCode = (given: string) =>
  Effect.gen(function* () {
    const code = SEGMENT_CODES.find((candidate) => candidate === given.toUpperCase())
    if (code !== undefined) return code
    const deprecated = DEPRECATED_WORKSTREAM_NAMES[given]
    if (deprecated !== undefined) {
      yield* Console.error(
        `wsd extract: --workstream ${given} is deprecated; use --workstream ${deprecated} (${SEGMENT_NAMES[deprecated]})`
      )
      return deprecated
    }
    return yield* new UsageError({
      message: `--workstream ${given} is not a workstream`,
      nextAction: suggestName(given, SEGMENT_CODES)
    })
  })

export const extract = Command.make(
  "extract",
  {
    from: fromFlag,
    workstream: Flag.String("workstream").pipe(
      Flag.withDescription(
        `The workstream whose members are extracted, by its segment code: ${SEGMENT_CODES.map((code) => `${code} (${SEGMENT_NAMES[code]})`).join(", ")}`
      )
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
      Effect.flatMap(workstreamCode(flags.workstream), (workstream: SegmentCode) =>
        workstreamExtract({
          from: flags.from,
          workstream,
          recipient: Option.getOrUndefined(flags.recipient),
          purpose: flags.purpose,
          out: flags.out,
          profilesFile: Option.getOrUndefined(flags.profiles),
          k: Option.getOrUndefined(flags.k)
        })
      ).pipe(Effect.provide(PseudonymKey.fromFile(flags.keyFile)))
    ).pipe(Effect.flatMap((taken) => Console.log(describeExtract(taken))))
).pipe(
  Command.withDescription(
    "A workstream's members with only the fields its profile allows, under the recipient's own pseudonym, k-anonymous on its quasi-identifiers; recorded in lineage"
  )
)
