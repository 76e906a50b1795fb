/**
 * The `wsd` command: parses the command line, wires the production services
 * in one place, and turns the outcome into the exit status and last stderr
 * line that `interface.md` promises (0 success, 1 data failure, 2 usage or
 * configuration, 3 internal error).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import * as NodeChildProcessSpawner from "@effect/platform-node-shared/NodeChildProcessSpawner"
import * as NodeFileSystem from "@effect/platform-node-shared/NodeFileSystem"
import * as NodePath from "@effect/platform-node-shared/NodePath"
import * as NodeStdio from "@effect/platform-node-shared/NodeStdio"
import * as NodeTerminal from "@effect/platform-node-shared/NodeTerminal"
import { Cause, Clock, Console, Effect, Exit, Layer, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { diskFaultOf, writeFailure } from "../services/diskWrites.js"
import { type RunError, RUN_ERROR_TAGS, UsageError } from "../errors.js"
import { exitCodeOf } from "../errors.js"
import { formatRun, formatRunList, lineageEntries } from "../governance/lineageReport.js"
import { type ExtractLineage, extractsOf, runsOf } from "../governance/lineage.js"
import { verifyPublication } from "../governance/lineageVerify.js"
import { makeRunId, nightlyRun, type RunOptions } from "../nightly/nightlyRun.js"
import { projectFile, softwareVersion } from "../services/projectFiles.js"
import { publicationArea, writeNewFile } from "../services/publication.js"
import { Progress } from "../services/progress.js"
import { generateKeyFile, PseudonymKey } from "../services/pseudonymKey.js"
import { formatQuarantineHistory, quarantineCsv, quarantineHistory } from "../governance/quarantineHistory.js"
import { DIRECT_CARE, reidentify } from "../governance/reidentification.js"
import { RunLog } from "../services/runLog.js"
import { workstreamExtract } from "../governance/workstreamExtract.js"
import { parsePostgresUrl } from "../warehouse/postgres.js"
import { loadRules } from "../nightly/segmentationRules.js"
import { type StderrConsole, stderrConsole } from "../services/stderrConsole.js"
import { synthesise } from "./synthesise.js"
import { formatValidation, validateInbox } from "../ingest/validateInbox.js"
import { type Workstream, WORKSTREAMS } from "../../schemas/extractProfiles.js"
import { formatRulesTable, rulesTable } from "../../transforms/rulesTable.js"

const quiet = Flag.Boolean("quiet").pipe(
  Flag.withDescription("No progress and no log lines on stderr (the summary and any failure still print)"),
  Flag.withDefault(false)
)

/** The `--as-of` date given, or today's from the clock. */
const asOfOrToday = (asOf: Option.Option<string>) =>
  Option.isSome(asOf)
    ? Effect.succeed(asOf.value)
    : Effect.map(Clock.currentTimeMillis, (now) => new Date(now).toISOString().slice(0, 10))

/** Off a terminal, seconds between progress lines: a few a minute in a cron mail or the journal. */
const PROGRESS_EVERY_SECONDS = 30

const progressEvery = Flag.Int("progress-every").pipe(
  Flag.withDescription("Off a terminal, log progress every SECONDS (0: every batch of rows)"),
  Flag.withDefault(PROGRESS_EVERY_SECONDS)
)

/**
 * Progress as the run's stderr allows: a live line on a terminal, log lines
 * every `everySeconds` off one (cron), nothing with --quiet.
 */
const progressLayer = (stderr: StderrConsole, quiet: boolean, everySeconds: number) => {
  if (quiet) return Progress.none
  return stderr.live ? Progress.onTerminal(stderr) : Progress.asLogLines(everySeconds * 1000)
}

/** `--warehouse`: a PostgreSQL URL, or absent for the SQLite file in the release. */
const postgresOption = (warehouse: string | undefined) =>
  Effect.try({
    try: () => {
      if (warehouse === undefined) return undefined
      const server = parsePostgresUrl(warehouse)
      if (server === undefined) throw new Error("it is not a postgres:// or postgresql:// URL")
      return server
    },
    catch: (error) =>
      new UsageError({
        message: `--warehouse cannot be used: ${(error as Error).message}`,
        nextAction: "pass postgres://user@host:port/database (optionally ?schema=NAME), or leave it out for SQLite"
      })
  })

/** Runs the batch with the production key, log and progress services. */
const runNightly = (
  options: Omit<RunOptions, "runId" | "postgres"> & {
    readonly keyFile: string
    readonly warehouse?: string | undefined
    readonly quiet: boolean
    readonly progressEverySeconds: number
  }
) =>
  Effect.gen(function* () {
    const postgres = yield* postgresOption(options.warehouse)
    const runId = yield* makeRunId
    const { logsDir, stateDir } = publicationArea(options.out)
    const logFile = path.join(logsDir, `${runId}.jsonl`)
    const stderr = stderrConsole()
    const log = RunLog.toFile(logFile, options.quiet ? undefined : stderr)
    const result = yield* nightlyRun({ ...options, runId, postgres }).pipe(
      Effect.provide(
        Layer.mergeAll(
          PseudonymKey.fromFile(options.keyFile),
          Layer.provideMerge(progressLayer(stderr, options.quiet, options.progressEverySeconds), log)
        )
      ),
      // Plain file writes throughout the run (the log, outputs, lineage copies) throw when the disk
      // fails them: report those as the write failures they are, not as internal errors.
      Effect.catchDefect((defect) =>
        diskFaultOf(defect) === undefined ? Effect.die(defect) : Effect.fail(writeFailure(stateDir, stateDir)(defect))
      )
    )
    const residents = result.lineage.spine["residents"]
    const segments = Object.entries(result.lineage.segments)
      .map(([segment, n]) => `${segment} ${n}`)
      .join(", ")
    yield* Console.log(`published run ${result.runId} to ${options.out}: ${residents} residents (${segments})`)
    for (const input of result.lineage.inputs) {
      yield* Console.log(
        `  ${input.source.padEnd(22)} ${input.status.padEnd(7)} read ${input.rows_read}, accepted ${input.rows_accepted}, quarantined ${input.rows_quarantined}`
      )
    }
  })

const run = Command.make(
  "run",
  {
    inbox: Flag.String("inbox").pipe(
      Flag.withDescription("Folder holding the night's extracts, one <source>.csv each")
    ),
    out: Flag.String("out").pipe(Flag.withDescription("Where to publish (wsd makes it a link to the latest release)")),
    keyFile: Flag.String("key-file").pipe(Flag.withDescription("Pseudonymisation key file (hex, mode 0600)")),
    asOf: Flag.String("as-of").pipe(Flag.withDescription("As-of date YYYY-MM-DD (default: today)"), Flag.optional),
    config: Flag.String("config").pipe(
      Flag.withDescription("JSON configuration overriding the defaults"),
      Flag.optional
    ),
    rotateKey: Flag.Boolean("rotate-key").pipe(
      Flag.withDescription("Accept a key that differs from the last run's (every pseudonym changes)"),
      Flag.withDefault(false)
    ),
    reidKeyFile: Flag.String("reid-key-file").pipe(
      Flag.withDescription(
        "A separate key (hex, mode 0600) to seal the re-identification store for direct care with; none is written without it"
      ),
      Flag.optional
    ),
    warehouse: Flag.String("warehouse").pipe(
      Flag.withDescription(
        "Publish the warehouse on PostgreSQL instead of as warehouse.sqlite: postgres://user@host:port/db[?schema=wsd] (password from PGPASSWORD or ~/.pgpass)"
      ),
      Flag.optional
    ),
    quiet,
    progressEvery
  },
  (flags) =>
    runNightly({
      inbox: flags.inbox,
      out: flags.out,
      keyFile: flags.keyFile,
      asOf: Option.getOrUndefined(flags.asOf),
      configFile: Option.getOrUndefined(flags.config),
      rotateKey: flags.rotateKey,
      reidentificationKeyFile: Option.getOrUndefined(flags.reidKeyFile),
      warehouse: Option.getOrUndefined(flags.warehouse),
      quiet: flags.quiet,
      progressEverySeconds: flags.progressEvery
    })
).pipe(Command.withDescription("Run the nightly batch: validate, pseudonymise, link, load and publish"))

const keygen = Command.make(
  "keygen",
  { out: Flag.String("out").pipe(Flag.withDescription("Key file to create (never overwritten)")) },
  ({ out }) =>
    generateKeyFile(out).pipe(
      Effect.flatMap(({ mode }) => Console.log(`wrote a new pseudonymisation key to ${out} (mode ${mode.toString(8)})`))
    )
).pipe(Command.withDescription("Write a new pseudonymisation key file, readable by its owner only"))

/** The as-of date the bundled fixtures are written for. */
export const FIXTURE_AS_OF = "2026-11-20"

const demo = Command.make(
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

const rules = Command.make(
  "rules",
  {
    file: Flag.String("rules-file").pipe(
      Flag.withDescription("Rules file (default: the project's rules v1)"),
      Flag.optional
    )
  },
  ({ file }) =>
    loadRules(Option.getOrUndefined(file)).pipe(
      Effect.flatMap(({ rules }) => Console.log(formatRulesTable(rules.version, rulesTable(rules))))
    )
).pipe(Command.withDescription("Print the segmentation rules: segment, criterion, codelist or field, threshold"))

const synth = Command.make(
  "synth",
  {
    residents: Flag.Int("residents").pipe(Flag.withDescription("Number of residents")),
    seed: Flag.Int("seed").pipe(
      Flag.withDescription("Seed: the same seed gives the same borough"),
      Flag.withDefault(1)
    ),
    out: Flag.String("out").pipe(Flag.withDescription("Folder for the extracts; the ground truth goes in truth/")),
    asOf: Flag.String("as-of").pipe(
      Flag.withDescription("The night the extracts are for (default: today)"),
      Flag.optional
    )
  },
  ({ asOf, out, residents, seed }) =>
    Effect.gen(function* () {
      const night = yield* asOfOrToday(asOf)
      const { rows } = yield* synthesise({ residents, seed, out, asOf: night })
      const total = Object.values(rows).reduce((a, b) => a + b, 0)
      yield* Console.log(
        `wrote a borough of ${residents} residents (seed ${seed}, as of ${night}) to ${out}: ${total} rows`
      )
      for (const [source, n] of Object.entries(rows)) yield* Console.log(`  ${source.padEnd(22)} ${n}`)
    })
).pipe(Command.withDescription("Write a synthetic borough's extracts and its linkage ground truth"))

const validate = Command.make(
  "validate",
  {
    inbox: Flag.String("inbox").pipe(Flag.withDescription("Folder holding the night's extracts")),
    asOf: Flag.String("as-of").pipe(Flag.withDescription("As-of date YYYY-MM-DD (default: today)"), Flag.optional),
    config: Flag.String("config").pipe(
      Flag.withDescription("JSON configuration overriding the defaults"),
      Flag.optional
    )
  },
  ({ asOf, config, inbox }) =>
    Effect.gen(function* () {
      const night = yield* asOfOrToday(asOf)
      const { inputs, verdict } = yield* validateInbox({
        inbox,
        asOf: night,
        configFile: Option.getOrUndefined(config)
      })
      yield* Console.log(formatValidation(inputs))
      if (verdict !== undefined) return yield* verdict
      yield* Console.log("the extracts would pass: nothing was published")
    })
).pipe(Command.withDescription("Check a night's extracts against the contract without publishing anything"))

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

const lineage = Command.make("lineage").pipe(
  Command.withDescription("Information governance: review and verify what each run did"),
  Command.withSubcommands([list, show, verify])
)

/** Provides what a command that takes a file from a publication needs: its log, and the key when given. */
const withExtractLog = <A, E extends { readonly message: string }, R>(
  command: string,
  from: string,
  work: Effect.Effect<A, E, R>
) =>
  Effect.gen(function* () {
    const log = yield* RunLog
    // Refusals are kept too: IG reviews attempts, not only what left.
    return yield* work.pipe(Effect.tapError((error) => log.warn("refused", { command, reason: error.message })))
  }).pipe(
    Effect.provide(
      Layer.unwrap(
        Effect.map(makeRunId, (id) =>
          RunLog.toFile(path.join(publicationArea(from).logsDir, `${command}-${id}.jsonl`), undefined)
        )
      )
    )
  )

const fromFlag = Flag.String("from").pipe(Flag.withDescription("The publication to take it from (a run's --out)"))

const extract = Command.make(
  "extract",
  {
    from: fromFlag,
    workstream: Flag.Literals("workstream", Object.keys(WORKSTREAMS) as ReadonlyArray<Workstream>).pipe(
      Flag.withDescription("The workstream whose members are extracted")
    ),
    recipient: Flag.String("recipient").pipe(
      Flag.withDescription("The recipient, when the workstream has profiles for several"),
      Flag.optional
    ),
    purpose: Flag.String("purpose").pipe(Flag.withDescription("What the extract is for (recorded in lineage)")),
    out: Flag.String("out").pipe(Flag.withDescription("The extract file to create (never overwritten)")),
    keyFile: Flag.String("key-file").pipe(Flag.withDescription("The pseudonymisation key the nightly run uses")),
    profiles: Flag.String("profiles").pipe(
      Flag.withDescription("Extract profiles (default: rules/extract-profiles-v1.json)"),
      Flag.optional
    )
  },
  (flags) =>
    withExtractLog(
      "extract",
      flags.from,
      workstreamExtract({
        from: flags.from,
        workstream: flags.workstream,
        recipient: Option.getOrUndefined(flags.recipient),
        purpose: flags.purpose,
        out: flags.out,
        profilesFile: Option.getOrUndefined(flags.profiles)
      }).pipe(Effect.provide(PseudonymKey.fromFile(flags.keyFile)))
    ).pipe(Effect.flatMap((taken) => Console.log(describeExtract(taken))))
).pipe(
  Command.withDescription(
    "A workstream's members with only the fields its profile allows, under the recipient's own pseudonym; recorded in lineage"
  )
)

const reidentifyCommand = Command.make(
  "reidentify",
  {
    from: fromFlag,
    practice: Flag.String("practice").pipe(Flag.withDescription("The practice code whose list is re-identified")),
    purpose: Flag.String("purpose").pipe(Flag.withDescription(`Must be ${DIRECT_CARE}: any other purpose is refused`)),
    out: Flag.String("out").pipe(Flag.withDescription("The list to create, readable by its owner only")),
    reidKeyFile: Flag.String("reid-key-file").pipe(
      Flag.withDescription("The re-identification key the nightly run was given")
    )
  },
  (flags) =>
    withExtractLog(
      "reidentify",
      flags.from,
      reidentify({
        from: flags.from,
        practice: flags.practice,
        purpose: flags.purpose,
        keyFile: flags.reidKeyFile,
        out: flags.out
      })
    ).pipe(Effect.flatMap((taken) => Console.log(describeExtract(taken))))
).pipe(
  Command.withDescription(
    "For direct care only: one practice's complex-cohort list with NHS numbers, from the sealed store; recorded in lineage"
  )
)

const describeExtract = (taken: ExtractLineage) =>
  `wrote ${taken.path}: ${taken.rows} ${taken.rows === 1 ? "row" : "rows"} for ${taken.recipient} (from run ${taken.run_id}; SHA-256 ${taken.sha256}); recorded in lineage`

const quarantineList = Command.make(
  "list",
  {
    out: Flag.String("out").pipe(Flag.withDescription("The publication (a run's --out)")),
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

const quarantine = Command.make("quarantine").pipe(
  Command.withDescription("The quarantine history kept in the secure area"),
  Command.withSubcommands([quarantineList])
)

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
  return Option.isSome(error) && isRunError(error.value) && diskFaultOf(error.value.cause) !== undefined
}

/** The exit status and the last stderr line: what happened, and what to do next. */
const conclude = (exit: Exit.Exit<void, unknown>): { readonly code: number; readonly line?: string } => {
  if (Exit.isSuccess(exit)) return { code: 0 }
  const error = Cause.findErrorOption(exit.cause)
  if (Option.isSome(error)) {
    if (isRunError(error.value)) {
      return { code: exitCodeOf(error.value), line: `wsd: ${error.value.message}. Next: ${error.value.nextAction}.` }
    }
    return { code: 2, line: "wsd: the command line is not valid. Next: see `wsd --help`." }
  }
  return {
    code: 3,
    line: "wsd: internal error. Next: keep the log under the output's state area and report the run id."
  }
}

export const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const exit = await Effect.runPromiseExit(
    Command.runWith(wsd, { version: softwareVersion })(argv).pipe(Effect.provide(platform))
  )
  const { code, line } = conclude(exit)
  // The trace helps with an internal error; a disk fault's message already says everything.
  if (code === 3 && !isDiskFault(exit)) {
    process.stderr.write(`${Cause.pretty((exit as Exit.Failure<void, unknown>).cause)}\n`)
  }
  if (line !== undefined) process.stderr.write(`${line}\n`)
  return code
}
