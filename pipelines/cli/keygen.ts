/**
 * `wsd keygen`: writes a new pseudonymisation key file, readable by its owner
 * only, so a borough's first run (or a planned rotation) starts from a key
 * nobody had to type or copy.
 */
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { generateKeyFile } from "../services/pseudonymKey.js"

export const keygen = Command.make(
  "keygen",
  { out: Flag.String("out").pipe(Flag.withDescription("Key file to create (never overwritten)")) },
  ({ out }) =>
    generateKeyFile(out).pipe(
      Effect.flatMap(({ mode }) => Console.log(`wrote a new pseudonymisation key to ${out} (mode ${mode.toString(8)})`))
    )
).pipe(Command.withDescription("Write a new pseudonymisation key file, readable by its owner only"))
