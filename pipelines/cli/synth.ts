/**
 * `wsd synth`: writes a synthetic borough (its extracts and the linkage ground
 * truth) through `synthesise.ts`, so the pipeline can be tried, tested and
 * benchmarked at any size without anyone's real records.
 */
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { asOfFlag, resolveAsOf } from "./flags.js"
import { SYNTH_RECORD, synthesise } from "./synthesise.js"

export const synth = Command.make(
  "synth",
  {
    residents: Flag.Int("residents").pipe(Flag.withDescription("Number of residents")),
    seed: Flag.Int("seed").pipe(
      Flag.withDescription("Seed: the same seed gives the same borough"),
      Flag.withDefault(1)
    ),
    out: Flag.String("out").pipe(Flag.withDescription("Folder for the extracts; the ground truth goes in truth/")),
    asOf: asOfFlag(`The night the extracts are for, recorded in DIR/${SYNTH_RECORD} (default: today)`),
    replace: Flag.Boolean("replace").pipe(
      Flag.withDescription("Write over a borough wsd synth wrote in --out before (never over other files)"),
      Flag.withDefault(false)
    )
  },
  ({ asOf, out, replace, residents, seed }) =>
    Effect.gen(function* () {
      const night = yield* resolveAsOf(asOf)
      const { rows } = yield* synthesise({ residents, seed, out, asOf: night, replace })
      const total = Object.values(rows).reduce((a, b) => a + b, 0)
      yield* Console.log(
        `wrote a borough of ${residents} residents (seed ${seed}, as of ${night}) to ${out}: ${total} rows`
      )
      for (const [source, n] of Object.entries(rows)) yield* Console.log(`  ${source.padEnd(22)} ${n}`)
    })
).pipe(Command.withDescription("Write a synthetic borough's extracts and its linkage ground truth"))
