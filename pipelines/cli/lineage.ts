/**
 * `wsd lineage list`, `show`, `head` and `verify`: what information governance
 * reviews each run by (one line per run, a run's full record), the signed head
 * it keeps after each review, and the check that the lineage and the
 * published files have not been altered since.
 */
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { describeHead } from "../../transforms/chainHead.js"
import { DataFailure, UsageError } from "../errors.js"
import { chainFile, extractsOf, headsFile, runsOf } from "../governance/lineage.js"
import { findLog, problemOf } from "../governance/lineageLog.js"
import { publicationArea } from "../services/publication.js"
import { formatRun, formatRunList, lineageEntries } from "../governance/lineageReport.js"
import { verifyPublication } from "../governance/lineageVerify.js"
import { publicationFlag } from "./flags.js"

const verify = Command.make(
  "verify",
  {
    out: Flag.String("out").pipe(Flag.withDescription("The publication to verify (a run's --out)")),
    expectHead: Flag.String("expect-head").pipe(
      Flag.withDescription("A head kept from `wsd lineage head`: prove the chain still extends it"),
      Flag.optional
    )
  },
  ({ expectHead, out }) =>
    verifyPublication(out, Option.getOrUndefined(expectHead)).pipe(
      Effect.flatMap(({ entries, files, keptHead, manifest, publishedCopy, runId }) =>
        Console.log(
          [
            manifest
              ? `lineage intact: ${entries} entries chained; ${files} files of run ${runId}'s release match its manifest, and the manifest matches the run's lineage entry`
              : `lineage intact: ${entries} entries chained; ${files} published files of run ${runId} match their recorded SHA-256 (the run is from before releases had a manifest: other files of the release are not checked)`,
            keptHead === undefined
              ? "the chain is internally consistent; without a kept head (--expect-head) it cannot show that no entries were removed from its end or that it was not rewritten"
              : `the chain extends the kept head, ${describeHead(keptHead.head)}, ${keptHead.signer === null ? "unsigned: it shows the chain was not cut back or rewritten since, not who made the head" : `signed with lineage key ${keptHead.signer}`}`,
            `the release's copy of the lineage (disclosure-controlled) links entry to entry and each entry matches its hash, ${publishedCopy.signer === null ? "unsigned" : `signed with lineage key ${publishedCopy.signer}`}; ${publishedCopy.compared ? "each entry is the published view of the lineage log's entry" : "without the state area its figures cannot be compared with the exact entries"}`
          ].join("\n")
        )
      )
    )
).pipe(
  Command.withDescription(
    "Check the lineage hash chain, its signed heads, and that published files match their recorded hashes"
  )
)

const head = Command.make("head", { out: publicationFlag }, ({ out }) =>
  Effect.gen(function* () {
    const area = publicationArea(out)
    const found = findLog(area)
    const last = found.heads?.values.at(-1)
    if (last === undefined) {
      return yield* new UsageError({
        message: `the lineage log of ${out} has no heads yet (${headsFile(area.lineageDir)})`,
        nextAction: "run wsd once, as the user who runs it: every entry appended from then on gets a head"
      })
    }
    // A head the chain no longer extends would be kept as if it vouched for the chain.
    const problem = problemOf(found)
    if (problem !== undefined) {
      return yield* new DataFailure({
        message: `the lineage log ${chainFile(area.lineageDir)} ${problem}`,
        nextAction: "run `wsd lineage verify --out` on the publication and tell information governance"
      })
    }
    yield* Console.log(JSON.stringify(last))
  })
).pipe(
  Command.withDescription(
    "Print the chain's latest head (run, index, hash, signature) as JSON, for information governance to keep"
  )
)

const list = Command.make("list", { out: publicationFlag }, ({ out }) =>
  lineageEntries(out).pipe(Effect.flatMap((entries) => Console.log(formatRunList(entries))))
).pipe(Command.withDescription("One line per run: status, as-of date, residents, rows read and quarantined, outputs"))

const show = Command.make(
  "show",
  {
    out: publicationFlag,
    run: Argument.String("run").pipe(Argument.withDescription("The run id, as `wsd lineage list` prints it"))
  },
  ({ out, run }) =>
    Effect.gen(function* () {
      const entries = yield* lineageEntries(out)
      const found = runsOf(entries).find((r) => r.run_id === run)
      if (found === undefined) {
        return yield* new UsageError({
          message: `no run ${run} in the lineage of ${out}`,
          nextAction: "see `wsd lineage list`"
        })
      }
      yield* Console.log(
        formatRun(
          found,
          extractsOf(entries).filter((extract) => extract.run_id === run)
        )
      )
    })
).pipe(Command.withDescription("A run's record: inputs, quarantine reasons, linkage, opt-outs, outputs and recipients"))

export const lineage = Command.make("lineage").pipe(
  Command.withDescription("Information governance: review and verify what each run did"),
  Command.withSubcommands([list, show, head, verify])
)
