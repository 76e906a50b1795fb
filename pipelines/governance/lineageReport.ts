/**
 * `wsd lineage list` and `wsd lineage show RUN`: the lineage log as text an
 * information governance reviewer reads without tools: what came in, what was
 * quarantined and why, how records linked, what was published and to whom,
 * and every extract taken from it since.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import type { MarkedCount } from "../../transforms/disclosureControl.js"
import { shownSafely } from "../../transforms/freeText.js"
import type { PublishedEntry, PublishedExtract, PublishedInput, PublishedRun } from "./publishedLineage.js"
import { UsageError } from "../errors.js"
import { type AnyEntry, eventsOf, extractsOf, readChain, runsOf } from "./lineage.js"
import { publicationArea } from "../services/publication.js"

/**
 * Every run's entry: the state area's log (failed runs included, figures
 * exact), else the published copy (figures disclosure-controlled).
 */
export const lineageEntries = (out: string) =>
  Effect.gen(function* () {
    const stateLog = publicationArea(out).lineageDir
    if (fs.existsSync(path.join(stateLog, "chain.jsonl"))) return yield* readChain<AnyEntry>(stateLog)
    const published = path.join(out, "lineage")
    if (fs.existsSync(path.join(published, "chain.jsonl"))) return yield* readChain<PublishedEntry>(published)
    return yield* new UsageError({
      message: `no lineage found for ${out}`,
      nextAction: "pass the --out folder of a run"
    })
  })

/** `1 row`, `2 rows`, `[suppressed] rows`. */
const counted = (n: MarkedCount, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`

/** An input's extract date, where it came from, and its age on the as-of date. */
const extractDated = (input: PublishedInput): string => {
  if (!input.extract_date || input.age_days === null) return ""
  const from = input.extract_date_from === "file_modified" ? " (its file's modification date)" : ""
  // A file newer than the as-of date: a night caught up later.
  const age =
    input.age_days < 0
      ? `${counted(-input.age_days, "day")} after the as-of date`
      : `${counted(input.age_days, "day")} old`
  return `; extract of ${input.extract_date}${from} (${age})`
}

/** A total of counts; from the published copy, of those shown, marked `+` when some were suppressed. */
const sum = (values: ReadonlyArray<MarkedCount>) => {
  const shown = values.filter((value) => typeof value === "number")
  return `${shown.reduce((a, b) => a + b, 0)}${shown.length < values.length ? "+" : ""}`
}

export const formatRunList = (entries: ReadonlyArray<AnyEntry>): string => {
  const runs = runsOf(entries).map((run) =>
    [
      run.run_id.padEnd(26),
      run.status.padEnd(9),
      run.as_of.padEnd(10),
      String(run.spine["residents"] ?? "-").padStart(9),
      sum(run.inputs.map((i) => i.rows_read)).padStart(10),
      sum(run.inputs.map((i) => i.rows_quarantined)).padStart(11),
      String(run.outputs.length)
    ].join(" ")
  )
  const extracts = extractsOf(entries)
  const events = eventsOf(entries)
  return [
    `${"run".padEnd(26)} ${"status".padEnd(9)} ${"as of".padEnd(10)} ${"residents".padStart(9)} ${"rows read".padStart(10)} ${"quarantined".padStart(11)} outputs`,
    ...runs,
    ...(extracts.length === 0 ? [] : ["", "Extracts taken from publications", ...extracts.map(formatExtract)]),
    ...(events.length === 0
      ? []
      : [
          "",
          "Events of the lineage log itself",
          ...events.map((event) => `${event.at} ${event.kind} recorded by ${event.recorded_by}: ${event.finding}`)
        ])
  ].join("\n")
}

/** One line per extract: when, what, from which run, for whom and why, and its hash. */
const formatExtract = (extract: PublishedExtract): string =>
  `${extract.at} ${extract.kind === "reidentification" ? `re-identified list of practice ${extract.practice}` : `${extract.workstream} extract`}` +
  ` from run ${extract.run_id} by ${extract.operator} on ${extract.host} for ${shownSafely(extract.recipient)}, purpose "${shownSafely(extract.purpose)}":` +
  ` ${counted(extract.rows, "row")}, fields ${extract.fields.join(", ")}; ${extract.path}, SHA-256 ${extract.sha256}`

const section = (title: string, lines: ReadonlyArray<string>) => [``, title, ...lines.map((line) => `  ${line}`)]

export const formatRun = (run: PublishedRun, extracts: ReadonlyArray<PublishedExtract>): string => {
  const lines = [
    `Run ${run.run_id}: ${run.status}${run.failure_reason ? ` (${run.failure_reason})` : ""}`,
    `  as of ${run.as_of}; started ${run.started_at}, finished ${run.finished_at}`,
    `  by ${run.operator} on ${run.host}; wsd ${run.software_version}; configuration ${run.config_version}; rules ${run.rules_version}${run.rules_sha256 === undefined ? "" : ` (${run.rules_sha256.slice(0, 12)})`}` +
      (run.outcomes_version === undefined ? "" : `; outcomes ${run.outcomes_version}`),
    ...(run.rules_files ?? []).map((rules) => `  rules file ${rules.file}, SHA-256 ${rules.sha256}`),
    `  key fingerprint ${run.key_fingerprint ?? "-"}${run.key_rotated ? " (key rotated in this run)" : ""}`,
    ...section(
      "What came in",
      run.inputs.flatMap((input) => [
        `${input.source}: ${input.status}${input.required ? " (required)" : ""}, ${counted(input.rows_read, "row")} read, ${input.rows_accepted} accepted, ${input.rows_quarantined} quarantined` +
          (input.sha256 ? `; ${input.bytes} bytes, SHA-256 ${input.sha256}` : "") +
          extractDated(input),
        ...(input.message ? [`  ${input.message}`] : []),
        ...Object.entries(input.quarantine_reasons).map(([reason, rows]) => `  quarantined ${rows} for ${reason}`),
        ...(input.unknown_columns.length > 0 ? [`  columns ignored: ${input.unknown_columns.join(", ")}`] : [])
      ])
    ),
    ...section("The spine", [
      Object.entries(run.spine)
        .map(([name, value]) => `${name} ${value}`)
        .join(", ")
    ]),
    ...section("Opt-outs applied (before linkage)", [
      `residents excluded: ${run.opt_outs.residents_excluded} (disclosure-controlled)`,
      ...Object.entries(run.linkage).flatMap(([source, counts]) =>
        counts["opted_out"] === undefined ? [] : [`${source}: ${counted(counts["opted_out"], "record")} excluded`]
      )
    ]),
    ...(run.warehouse_build_sql == null
      ? []
      : section("SQL run in the new warehouse before loading", [
          `${run.warehouse_build_sql.path}, SHA-256 ${run.warehouse_build_sql.sha256}`
        ])),
    ...section("Re-identification store (direct care only)", [
      run.reidentification_store === null
        ? "none written"
        : `sealed for ${run.reidentification_store.people} complex-cohort members with key fingerprint ${run.reidentification_store.key_fingerprint}`
    ]),
    ...section(
      "How records linked",
      Object.entries(run.linkage).map(
        ([source, counts]) =>
          `${source}: ${Object.entries(counts)
            .filter(([outcome]) => outcome !== "opted_out")
            .map(([outcome, n]) => `${outcome} ${n}`)
            .join(", ")}`
      )
    ),
    ...section(
      "What was published, and for whom",
      run.outputs.length === 0
        ? ["nothing"]
        : run.outputs.map(
            (output) =>
              `${output.path}${output.rows === null ? "" : ` (${counted(output.rows, "row")})`} for ${output.recipient}${output.sha256 === null ? "" : `; SHA-256 ${output.sha256}`}`
          )
    ),
    ...section("Extracts pulled from this publication", extracts.length === 0 ? ["none"] : extracts.map(formatExtract))
  ]
  return lines.join("\n")
}
