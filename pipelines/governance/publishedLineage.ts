/**
 * The published view of the lineage: what the release's copy of the chain,
 * its copy of the run's entry and the OpenLineage facets may say.
 *
 * The state area's chain keeps every figure exact, for information
 * governance and row accounting; a release is read by more people, so in its
 * copy every count of people or of records (rows read, accepted and
 * quarantined, stage rows, the spine, linkage outcomes and equity rows,
 * segments, published rows, extract rows) goes through `transforms/disclosureControl.ts`:
 * 0 stays 0, 1–7 are marked `[suppressed]`, the rest are rounded to 5, and a
 * share is worked out again from the controlled counts. The free text (a
 * failed run's reason, a source's message) quotes counts too: in the copy
 * each whole number in it is controlled the same way and each share
 * withheld (`controlledText`). Rows read, accepted and quarantined, the
 * quarantine reasons, the linkage outcomes and equity rows, the spine and the
 * segments add up, so they are controlled together with those sums as
 * margins (`transforms/runCounts.ts`): a count they hide is hidden wherever
 * the same figure appears again (a stage's rows). What counts no one
 * (hashes, sizes in bytes, times, durations, run ids, paths, configuration)
 * stays exact. `docs/lineage-for-ig.md` lists every field.
 *
 * The chain's hashes are over the exact entries, which the release must not
 * hold, so a published entry carries the exact entry's `previous_sha256` and
 * `sha256` beside its view, and a second hash over the views (`view_sha256`,
 * chained from the genesis hash through each entry's `sha256` and view): with
 * the release alone the copy's linkage and its views can be checked, and its
 * last entry carries a signature over that hash when the run held the
 * lineage signing key; with the state area, each view must be the view of
 * the exact entry at its place.
 */
import { createHash } from "node:crypto"
import type {
  ChainEntry,
  ChainRecord,
  ExtractLineage,
  InputLineage,
  LineageEvent,
  OutputLineage,
  RunLineage,
  StageLineage
} from "./lineage.js"
import { GENESIS, type LineageSigningKey, signedStatement, statementSignature } from "../../transforms/chainHead.js"
import {
  controlledRate,
  controlledText,
  DEFAULT_DISCLOSURE_RULES,
  type DisclosureRules,
  type MarkedCount,
  markedCount,
  publishedCount,
  SUPPRESSED
} from "../../transforms/disclosureControl.js"
import type { KAnonymityReport } from "../../transforms/kAnonymity.js"
import { controlRunCounts } from "../../transforms/runCounts.js"
import type { EquityRow } from "../../transforms/linkageEquity.js"

/** `T` with the counts `K` as published: controlled numbers, or the suppressed mark. */
type Controlled<T, K extends keyof T> = Omit<T, K> & { readonly [P in K]: Marked<T[P]> }
type Marked<V> = V extends number ? MarkedCount : V extends Readonly<Record<string, number>> ? Counts : V
type Counts = Readonly<Record<string, MarkedCount>>

export type PublishedInput = Controlled<
  InputLineage,
  | "rows_read"
  | "rows_accepted"
  | "rows_quarantined"
  | "invalid_nhs_numbers"
  | "partial_demographics"
  | "duplicate_rows"
  | "quarantine_reasons"
>
export type PublishedStage = Controlled<StageLineage, "rows_in" | "rows_out">
export type PublishedOutput = Controlled<OutputLineage, "rows">
export type PublishedEquityRow = Controlled<EquityRow, "records" | "linked">

/**
 * A run's entry as the release holds it. Every exact entry is one of these
 * (a count is a published count that was not controlled), so whatever reads
 * both copies reads this.
 */
export interface PublishedRun extends Omit<
  RunLineage,
  "inputs" | "stages" | "spine" | "reidentification_store" | "linkage" | "linkage_equity" | "segments" | "outputs"
> {
  readonly inputs: ReadonlyArray<PublishedInput>
  readonly stages: ReadonlyArray<PublishedStage>
  readonly spine: Readonly<Record<string, MarkedCount | string>>
  readonly reidentification_store: { readonly key_fingerprint: string; readonly people: MarkedCount } | null
  readonly linkage: Readonly<Record<string, Counts>>
  readonly linkage_equity: ReadonlyArray<PublishedEquityRow>
  readonly segments: Counts
  readonly outputs: ReadonlyArray<PublishedOutput>
}

/** An extract's k-anonymity figures as published: its members controlled, each share worked out from controlled counts (null: a count it needs is suppressed). */
export interface PublishedKAnonymity extends Omit<
  KAnonymityReport,
  | "members"
  | "share_generalised"
  | "share_suppressed"
  | "share_unique_before"
  | "share_unique_after"
  | "risk_before"
  | "risk_after"
> {
  readonly members: MarkedCount
  readonly share_generalised: number | null
  readonly share_suppressed: number | null
  readonly share_unique_before: number | null
  readonly share_unique_after: number | null
  readonly risk_before: number | null
  readonly risk_after: number | null
}

export interface PublishedExtract extends Omit<ExtractLineage, "rows" | "k_anonymity"> {
  readonly rows: MarkedCount
  readonly k_anonymity?: PublishedKAnonymity
}

export type PublishedRecord =
  { readonly run: PublishedRun } | { readonly extract: PublishedExtract } | { readonly event: LineageEvent }

/** An entry of the release's copy of the chain. */
export type PublishedEntry = PublishedRecord & {
  /** The exact entry's, as in the state area's chain. */
  readonly previous_sha256: string
  readonly sha256: string
  /** SHA-256 over the previous entry's `view_sha256`, this entry's `sha256` and its view. */
  readonly view_sha256: string
  /** On the copy's last entry: the lineage signing key's public half and its signature over the copy (null: unsigned). */
  readonly public_key?: string | null
  readonly signature?: string | null
}

export const publishedRun = (run: RunLineage, rules: DisclosureRules = DEFAULT_DISCLOSURE_RULES): PublishedRun => {
  const count = (n: number) => markedCount(n, rules)
  // Rows, quarantine reasons, linkage outcomes and equity rows, the spine and the segments add up: controlled with those sums as margins.
  const accounted = controlRunCounts(run.inputs, run.linkage, rules, {
    equity: run.linkage_equity,
    spine: run.spine,
    segments: run.segments,
    withheld: run.segments_withheld ?? []
  })
  // A stage's rows may be one of those figures again: hidden there too.
  const repeated = (n: number) => (accounted.hiddenExact.has(n) ? SUPPRESSED : count(n))
  return {
    ...run,
    failure_reason: run.failure_reason === null ? null : controlledText(run.failure_reason, rules),
    inputs: run.inputs.map((input) => ({
      ...input,
      message: input.message === null ? null : controlledText(input.message, rules),
      ...accounted.rows(input.source),
      ...(input.invalid_nhs_numbers === undefined ? {} : { invalid_nhs_numbers: count(input.invalid_nhs_numbers) }),
      ...(input.partial_demographics === undefined ? {} : { partial_demographics: count(input.partial_demographics) }),
      ...(input.duplicate_rows === undefined ? {} : { duplicate_rows: count(input.duplicate_rows) }),
      quarantine_reasons: Object.fromEntries(
        Object.keys(input.quarantine_reasons).map((reason) => [
          reason,
          accounted.quarantineReason(input.source, reason)
        ])
      )
    })),
    stages: run.stages.map((stage) => ({
      ...stage,
      rows_in: repeated(stage.rows_in),
      rows_out: repeated(stage.rows_out)
    })),
    spine: Object.fromEntries(
      Object.entries(run.spine).map(([name, value]) => [
        name,
        typeof value === "number" ? accounted.spine(name) : value
      ])
    ),
    reidentification_store:
      run.reidentification_store === null
        ? null
        : { ...run.reidentification_store, people: count(run.reidentification_store.people) },
    linkage: Object.fromEntries(
      Object.entries(run.linkage).map(([source, outcomes]) => [
        source,
        Object.fromEntries(Object.keys(outcomes).map((outcome) => [outcome, accounted.linkage(source, outcome)]))
      ])
    ),
    linkage_equity: run.linkage_equity.map((row) => ({ ...row, ...accounted.equity(row) })),
    segments: Object.fromEntries(Object.keys(run.segments).map((segment) => [segment, accounted.segment(segment)])),
    outputs: run.outputs.map((output) => ({ ...output, rows: output.rows === null ? null : count(output.rows) }))
  }
}

/**
 * A share given to 4 places gives back its count: shown beside a controlled
 * whole it would undo the control, so it is worked out again from the two
 * counts controlled (the risks too, which are classes per row).
 */
const controlledShare = (share: number, whole: number, rules: DisclosureRules) =>
  controlledRate(publishedCount(Math.round(share * whole), rules), publishedCount(whole, rules), 1, rules)

export const publishedKAnonymity = (
  report: KAnonymityReport,
  rules: DisclosureRules = DEFAULT_DISCLOSURE_RULES
): PublishedKAnonymity => {
  const { members } = report
  // The after-figures are shares of the rows published, not of the members.
  const published = members - Math.round(report.share_suppressed * members)
  return {
    ...report,
    members: markedCount(members, rules),
    share_generalised: controlledShare(report.share_generalised, members, rules),
    share_suppressed: controlledShare(report.share_suppressed, members, rules),
    share_unique_before: controlledShare(report.share_unique_before, members, rules),
    share_unique_after: controlledShare(report.share_unique_after, published, rules),
    risk_before: controlledShare(report.risk_before, members, rules),
    risk_after: controlledShare(report.risk_after, published, rules)
  }
}

export const publishedExtract = (
  extract: ExtractLineage,
  rules: DisclosureRules = DEFAULT_DISCLOSURE_RULES
): PublishedExtract => {
  const { k_anonymity, ...rest } = extract
  return {
    ...rest,
    rows: markedCount(extract.rows, rules),
    ...(k_anonymity === undefined ? {} : { k_anonymity: publishedKAnonymity(k_anonymity, rules) })
  }
}

/** A lineage event counts nothing but bytes and entries of the log itself: it is published as it is. */
export const publishedRecord = (
  record: ChainRecord,
  rules: DisclosureRules = DEFAULT_DISCLOSURE_RULES
): PublishedRecord =>
  "run" in record
    ? { run: publishedRun(record.run, rules) }
    : "extract" in record
      ? { extract: publishedExtract(record.extract, rules) }
      : { event: record.event }

const viewOf = (record: PublishedRecord) =>
  "run" in record ? record.run : "extract" in record ? record.extract : record.event

/** The hash that chains a published entry's view to the views before it and to its exact entry. */
export const viewHash = (previousView: string, entry: { readonly sha256: string } & PublishedRecord): string =>
  createHash("sha256")
    .update(`${previousView}\n${entry.sha256}\n${JSON.stringify(viewOf(entry))}`)
    .digest("hex")

/** What the copy's signature is over: how many entries it holds, and its last entry's exact and view hashes. */
const copyStatement = (index: number, entry: PublishedEntry) =>
  ["wsd published lineage v1", index, entry.sha256, entry.view_sha256] as const

/**
 * The release's copy of `entries`, each as its view with the exact entry's
 * hashes; its last entry signed with `key` when the writer holds one.
 */
export const publishedChain = (
  entries: ReadonlyArray<ChainEntry>,
  key: LineageSigningKey | undefined,
  rules: DisclosureRules = DEFAULT_DISCLOSURE_RULES
): Array<PublishedEntry> => {
  const published: Array<PublishedEntry> = []
  for (const entry of entries) {
    const view = { previous_sha256: entry.previous_sha256, sha256: entry.sha256, ...publishedRecord(entry, rules) }
    published.push({ ...view, view_sha256: viewHash(published.at(-1)?.view_sha256 ?? GENESIS, view) } as PublishedEntry)
  }
  const last = published.at(-1)
  if (last !== undefined)
    published[published.length - 1] = { ...last, ...signedStatement(copyStatement(published.length, last), key) }
  return published
}

/**
 * Why a release's copy of the chain is not internally consistent, or
 * undefined when it is: an entry that does not follow the one before it, a
 * view that no longer matches its hash, a signature that does not verify.
 * `index` counts from 1.
 */
export const publishedChainBreaks = (
  entries: ReadonlyArray<PublishedEntry>
): { readonly index: number; readonly problem: "unlinked" | "altered" | "signature" } | undefined => {
  let previous = GENESIS
  let previousView = GENESIS
  for (const [i, entry] of entries.entries()) {
    if (entry.previous_sha256 !== previous) return { index: i + 1, problem: "unlinked" }
    if (viewHash(previousView, entry) !== entry.view_sha256) return { index: i + 1, problem: "altered" }
    previous = entry.sha256
    previousView = entry.view_sha256
  }
  const last = entries.at(-1)
  if (last !== undefined && statementSignature(copyStatement(entries.length, last), last) === "invalid") {
    return { index: entries.length, problem: "signature" }
  }
  return undefined
}
