/**
 * How `wsd` shows its help and its usage errors. Help marks the flags a
 * command cannot run without. A usage error prints what is wrong first
 * (naming the flag or value), then the command's one usage line, and leaves
 * the full help to `wsd <command> --help`, which the last line points to:
 * the whole help dumped before the error buried the one line that mattered.
 */
import { Console, Effect, Option } from "effect"
import { type CliError, CliOutput, type HelpDoc as Help, TerminalCapabilities } from "effect/cli"

type HelpDoc = Help.HelpDoc
import { closestName } from "../../transforms/closestName.js"

const REQUIRED = "(required)"

/** The help with each required flag's description starting `(required)`. */
const markRequired = (doc: HelpDoc): HelpDoc => ({
  ...doc,
  usage: usageLine(doc),
  flags: doc.flags.map((flag) =>
    flag.required
      ? { ...flag, description: Option.some(`${REQUIRED} ${Option.getOrElse(flag.description, () => "")}`.trimEnd()) }
      : flag
  )
})

/** `wsd run --inbox <string> --out <string> --key-file <string> [flags]`: the required flags spelt out. */
const usageLine = (doc: HelpDoc): string => {
  const command = (doc.commandPath ?? []).join(" ")
  const required = doc.flags.filter((flag) => flag.required).map((flag) => `--${flag.name} <${flag.type}>`)
  const rest = doc.usage.startsWith(command) ? doc.usage.slice(command.length).trim() : doc.usage
  return [command, ...required, rest].filter((part) => part !== "").join(" ")
}

/**
 * One line per problem, in words a user can act on: a mistyped command is
 * named with the closest one, and the flags given with it are not reported
 * as unknown (they belong to the command meant, not to `wsd`).
 */
const problemLines = (doc: HelpDoc, errors: ReadonlyArray<CliError.NonShowHelpErrors>): Array<string> => {
  const command = (doc.commandPath ?? []).join(" ")
  const unknownCommand = errors.find((error) => error._tag === "UnknownSubcommand")
  if (unknownCommand !== undefined) {
    const names = (doc.subcommands ?? []).flatMap((group) => group.commands.map((sub) => sub.name))
    const closest = closestName(unknownCommand.subcommand, names)
    return [
      `${command}: unknown command ${unknownCommand.subcommand}` +
        (closest === undefined ? `; the commands are ${names.join(", ")}` : `; did you mean \`${command} ${closest}\`?`)
    ]
  }
  return errors.map((error) => {
    if (error._tag !== "UnrecognizedOption") return `${command}: ${error.message}`
    const closest = closestName(
      error.option.replace(/^-+/, ""),
      doc.flags.map((flag) => flag.name)
    )
    return `${command}: unknown flag ${error.option}${closest === undefined ? "" : `; did you mean --${closest}?`}`
  })
}

export const presenter: CliOutput.Presenter = {
  present: Effect.fnUntraced(function* (event) {
    const { canColor } = yield* TerminalCapabilities.TerminalCapabilities
    const formatter = CliOutput.defaultFormatter({ colors: canColor })
    switch (event._tag) {
      case "Help":
        return yield* Console.log(formatter.formatHelpDoc(markRequired(event.helpDoc)))
      case "InvalidInvocation":
        for (const line of problemLines(event.helpDoc, event.errors)) yield* Console.error(line)
        return yield* Console.error(`usage: ${usageLine(event.helpDoc)}`)
      case "Version":
        return yield* Console.log(formatter.formatVersion(event.name, event.version))
    }
  })
}

/** Where the last line of a usage error sends the user: the help of the command they ran. */
export const helpCommandFor = (commandPath: ReadonlyArray<string>): string => `${commandPath.join(" ")} --help`
