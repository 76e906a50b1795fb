/**
 * `wsd quarantine list`: a source's quarantined rows across runs (run, row
 * number, field, reason; never a value), optionally as CSV, so the partner who
 * sent the file can be told exactly what to fix.
 */
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { formatQuarantineHistory, quarantineCsv, quarantineHistory } from "../governance/quarantineHistory.js"
import { writeNewFile } from "../services/publication.js"
import { publicationFlag } from "./flags.js"

const quarantineList = Command.make(
  "list",
  {
    out: publicationFlag,
    source: Flag.String("source").pipe(Flag.withDescription("The source, e.g. gp_events")),
    run: Flag.String("run").pipe(Flag.withDescription("Only this run (default: every run kept)"), Flag.optional),
    csv: Flag.String("csv").pipe(
      Flag.withDescription("Also write the listing as CSV to this new file, for the partner"),
      Flag.optional
    )
  },
  ({ csv, out, run, source }) =>
    Effect.gen(function* () {
      const entries = yield* quarantineHistory(out, source, Option.getOrUndefined(run))
      yield* Console.log(formatQuarantineHistory(source, entries))
      if (Option.isSome(csv)) {
        yield* writeNewFile(csv.value, quarantineCsv(entries), 0o640)
        yield* Console.log(`wrote ${csv.value}`)
      }
    })
).pipe(
  Command.withDescription(
    "A source's quarantined rows across runs (run, row number, field, reason; never a value), for the partner who must fix them"
  )
)

export const quarantine = Command.make("quarantine").pipe(
  Command.withDescription("The quarantine history kept in the secure area"),
  Command.withSubcommands([quarantineList])
)
