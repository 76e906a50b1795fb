/**
 * `wsd lineage list`, `show` and `verify`: what information governance reviews
 * each run by (one line per run, a run's full record) and the check that the
 * lineage and the published files have not been altered since.
 */
import { Console, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { UsageError } from "../errors.js"
import { extractsOf, runsOf } from "../governance/lineage.js"
import { formatRun, formatRunList, lineageEntries } from "../governance/lineageReport.js"
import { verifyPublication } from "../governance/lineageVerify.js"

const verify = Command.make(
  "verify",
  { out: Flag.String("out").pipe(Flag.withDescription("The publication to verify (a run's --out)")) },
  ({ out }) =>
    verifyPublication(out).pipe(
      Effect.flatMap(({ entries, files, runId }) =>
        Console.log(
          `lineage intact: ${entries} entries chained; ${files} published files of run ${runId} match their recorded SHA-256`
        )
      )
    )
).pipe(Command.withDescription("Check the lineage hash chain and that published files match their recorded hashes"))

const list = Command.make(
  "list",
  { out: Flag.String("out").pipe(Flag.withDescription("The publication (a run's --out)")) },
  ({ out }) => lineageEntries(out).pipe(Effect.flatMap((entries) => Console.log(formatRunList(entries))))
).pipe(Command.withDescription("One line per run: status, as-of date, residents, rows read and quarantined, outputs"))

const show = Command.make(
  "show",
  {
    out: Flag.String("out").pipe(Flag.withDescription("The publication (a run's --out)")),
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
  Command.withSubcommands([list, show, verify])
)
