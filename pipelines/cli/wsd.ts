/**
 * The `wsd` command: assembles the command tree from the one module per
 * command beside this one, provides the Node platform in one place, and turns
 * the outcome into the exit status and last stderr line that `interface.md`
 * promises (0 success, 1 data failure, 2 usage or configuration, 3 internal
 * error).
 */
import * as NodeChildProcessSpawner from "@effect/platform-node-shared/NodeChildProcessSpawner"
import * as NodeFileSystem from "@effect/platform-node-shared/NodeFileSystem"
import * as NodePath from "@effect/platform-node-shared/NodePath"
import * as NodeStdio from "@effect/platform-node-shared/NodeStdio"
import * as NodeTerminal from "@effect/platform-node-shared/NodeTerminal"
import { Cause, Effect, Exit, Layer, Option } from "effect"
import { CliError, CliOutput, Command } from "effect/cli"
import { exitCodeOf, type RunError, RUN_ERROR_TAGS } from "../errors.js"
import { softwareVersion } from "../services/projectFiles.js"
import { demo } from "./demo.js"
import { extract } from "./extract.js"
import { keygen } from "./keygen.js"
import { lineage } from "./lineage.js"
import { quarantine } from "./quarantine.js"
import { reidentifyCommand } from "./reidentify.js"
import { rules } from "./rules.js"
import { run } from "./run.js"
import { synth } from "./synth.js"
import { helpCommandFor, presenter } from "./usage.js"
import { validate } from "./validate.js"

const wsd = Command.make("wsd").pipe(
  Command.withDescription("Whole-systems dataset: link a borough's health and council extracts, safely"),
  Command.withSubcommands([run, validate, keygen, rules, synth, lineage, extract, reidentifyCommand, quarantine, demo])
)

const platform = Layer.mergeAll(
  NodeFileSystem.layer,
  NodePath.layer,
  NodeTerminal.layer,
  NodeStdio.layer,
  NodeChildProcessSpawner.layer.pipe(Layer.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer)))
)

const isRunError = (error: unknown): error is RunError =>
  typeof error === "object" && error !== null && "_tag" in error && RUN_ERROR_TAGS.includes((error as RunError)._tag)

const isDiskFault = (exit: Exit.Exit<void, unknown>): boolean => {
  const error = Exit.isFailure(exit) ? Cause.findErrorOption(exit.cause) : Option.none()
  return Option.isSome(error) && isRunError(error.value) && "diskFault" in error.value
}

/** The exit status and the last stderr line: what happened, and what to do next. */
const conclude = (exit: Exit.Exit<void, unknown>): { readonly code: number; readonly line?: string } => {
  if (Exit.isSuccess(exit)) return { code: 0 }
  const error = Cause.findErrorOption(exit.cause)
  if (Option.isSome(error)) {
    if (isRunError(error.value)) {
      const { message, nextAction } = error.value
      // A next action may itself be a question ("did you mean …?"): no full stop after it.
      const end = /[.?!]$/.test(nextAction) ? "" : "."
      return { code: exitCodeOf(error.value), line: `wsd: ${message}. Next: ${nextAction}${end}` }
    }
    // The parser's refusals carry the command they were for; its own help is the next step.
    const commandPath =
      CliError.isCliError(error.value) && error.value._tag === "ShowHelp" ? error.value.commandPath : ["wsd"]
    return { code: 2, line: `wsd: the command line is not valid. Next: see \`${helpCommandFor(commandPath)}\`.` }
  }
  return {
    code: 3,
    line: "wsd: internal error. Next: keep the log under the output's state area and report the run id."
  }
}

/** Exit statuses of a command stopped by a signal, as a shell reports them (128 + the signal's number). */
const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const

export const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  // A signal interrupts the command, so its finalizers run: a run records itself as failed and
  // removes its partial release, and no command leaves temporary files behind. A second signal
  // (Ctrl-C pressed again) is absorbed rather than killing the process half-way through that.
  const stop = new AbortController()
  let stoppedBy: keyof typeof STOP_SIGNALS | undefined
  const onSignal = (signal: keyof typeof STOP_SIGNALS) => {
    stoppedBy ??= signal
    stop.abort()
  }
  for (const signal of Object.keys(STOP_SIGNALS) as Array<keyof typeof STOP_SIGNALS>) process.on(signal, onSignal)
  const exit = await Effect.runPromiseExit(
    Command.runWith(wsd, { version: softwareVersion })(argv).pipe(
      Effect.provide(Layer.merge(platform, CliOutput.layerPresenter(presenter)))
    ),
    { signal: stop.signal }
  )
  for (const signal of Object.keys(STOP_SIGNALS)) process.removeListener(signal, onSignal)
  if (stoppedBy !== undefined && Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)) {
    process.stderr.write(
      `wsd: stopped by ${stoppedBy} before it finished; the previous publication is unchanged. Next: run it again.\n`
    )
    return STOP_SIGNALS[stoppedBy]
  }
  const { code, line } = conclude(exit)
  // The trace helps with an internal error; a disk fault's message already says everything.
  if (code === 3 && !isDiskFault(exit)) {
    process.stderr.write(`${Cause.pretty((exit as Exit.Failure<void, unknown>).cause)}\n`)
  }
  if (line !== undefined) process.stderr.write(`${line}\n`)
  return code
}
