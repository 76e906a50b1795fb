/**
 * `wsd keygen`: writes a new pseudonymisation key file, readable by its owner
 * only, so a borough's first run (or a planned rotation) starts from a key
 * nobody had to type or copy; with `--lineage`, the Ed25519 key pair that
 * information governance signs the lineage chain's heads with.
 */
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { generateLineageKeyPair } from "../services/lineageKey.js"
import { generateKeyFile } from "../services/pseudonymKey.js"

export const keygen = Command.make(
  "keygen",
  {
    out: Flag.String("out").pipe(Flag.withDescription("Key file to create (never overwritten)")),
    lineage: Flag.Boolean("lineage").pipe(
      Flag.withDescription("A lineage signing key pair instead: the private half at FILE, the public half at FILE.pub"),
      Flag.withDefault(false)
    )
  },
  ({ lineage, out }) =>
    lineage
      ? generateLineageKeyPair(out).pipe(
          Effect.flatMap(({ fingerprint, mode, publicFile }) =>
            Console.log(
              `wrote a new lineage signing key to ${out} (mode ${mode.toString(8)}) and its public half to ${publicFile}; key fingerprint ${fingerprint}`
            )
          )
        )
      : generateKeyFile(out).pipe(
          Effect.flatMap(({ mode }) =>
            Console.log(`wrote a new pseudonymisation key to ${out} (mode ${mode.toString(8)})`)
          )
        )
).pipe(
  Command.withDescription(
    "Write a new pseudonymisation key file, readable by its owner only (or, with --lineage, a lineage signing key pair)"
  )
)
