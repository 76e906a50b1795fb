/**
 * `wsd demo`: the nightly batch on the bundled fixtures, with keys made on
 * first use, so a newcomer can see a whole publication without any real
 * extracts or setup.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { projectFile } from "../services/projectFiles.js"
import { generateKeyFile } from "../services/pseudonymKey.js"
import { quiet } from "./flags.js"
import { PROGRESS_EVERY_SECONDS, runNightly } from "./run.js"

/** The as-of date the bundled fixtures are written for. */
const FIXTURE_AS_OF = "2026-11-20"

export const demo = Command.make(
  "demo",
  {
    dir: Flag.String("dir").pipe(
      Flag.withDescription("Where to keep the demo key and publication"),
      Flag.withDefault(".demo")
    ),
    quiet
  },
  ({ dir, quiet }) =>
    Effect.gen(function* () {
      const keyFile = path.join(dir, "key")
      const reidentificationKeyFile = path.join(dir, "reid-key")
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
      for (const file of [keyFile, reidentificationKeyFile]) if (!fs.existsSync(file)) yield* generateKeyFile(file)
      yield* runNightly({
        inbox: projectFile("fixtures", "inbox"),
        out: path.join(dir, "out"),
        keyFile,
        reidentificationKeyFile,
        asOf: FIXTURE_AS_OF,
        quiet,
        progressEverySeconds: PROGRESS_EVERY_SECONDS
      })
      yield* Console.log(`open ${path.join(dir, "out", "warehouse.sqlite")} to explore the warehouse`)
    })
).pipe(Command.withDescription("Run the nightly batch on the bundled fixtures into .demo/"))
