/**
 * Re-identification, for direct care only. A run given a re-identification
 * key seals, for its complex-cohort members, pseudonym → NHS number into a
 * store in the secure area (never the warehouse or the publication).
 * `wsd reidentify` opens it with that key, which is not the pseudonymisation
 * key, and writes one practice's published complex-cohort list with NHS
 * numbers, owner-readable only, recorded in lineage. Any purpose other than
 * direct care is refused.
 */
import { randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import { Effect, Redacted } from "effect"
import { COMPLEX_COHORT_SEGMENT } from "../../schemas/segments.js"
import { MAX_FREE_TEXT, shownSafely } from "../../transforms/freeText.js"
import { openStore, sealStore, type SealedStore } from "../../transforms/reidentificationStore.js"
import { csvLine } from "../../transforms/spreadsheetSafety.js"
import { writeFailure } from "../services/diskWrites.js"
import { UsageError } from "../errors.js"
import { deliverExtract, publishedRun } from "./extractDelivery.js"
import { sha256OfFile } from "../services/fileDigest.js"
import type { PublicationArea } from "../services/publication.js"
import { loadKeyFile, type PseudonymKeyMaterial } from "../services/pseudonymKey.js"

export const DIRECT_CARE = "direct-care"

const storeFile = (area: PublicationArea, runId: string) => path.join(area.reidentificationDir, `${runId}.json`)

/** Seals the store for a run; the IV is fresh random bytes, as AES-GCM requires. */
export const writeStore = (
  area: PublicationArea,
  runId: string,
  key: PseudonymKeyMaterial,
  nhsNumberOf: ReadonlyMap<string, string>
) =>
  Effect.try({
    try: () => {
      const store = sealStore(Redacted.value(key.key), key.fingerprint, runId, nhsNumberOf, randomBytes(12))
      fs.writeFileSync(storeFile(area, runId), JSON.stringify(store), { mode: 0o600 })
    },
    catch: writeFailure(storeFile(area, runId), area.stateDir)
  })

/** Keeps a store only while its run's release is kept. */
export const pruneStores = (area: PublicationArea) =>
  Effect.sync(() => {
    const releases = new Set(fs.readdirSync(area.releasesDir))
    for (const file of fs.readdirSync(area.reidentificationDir)) {
      if (!releases.has(file.replace(/\.json$/, ""))) fs.rmSync(path.join(area.reidentificationDir, file))
    }
  })

export interface ReidentifyOptions {
  readonly from: string
  readonly practice: string
  readonly purpose: string
  readonly keyFile: string
  readonly out: string
}

export const reidentify = Effect.fn("reidentify")(function* (options: ReidentifyOptions) {
  if (options.purpose !== DIRECT_CARE) {
    return yield* new UsageError({
      message: `re-identification is for direct care only; purpose "${shownSafely(options.purpose.slice(0, MAX_FREE_TEXT))}" is refused`,
      nextAction: `secondary uses work on pseudonymised data (see \`wsd extract\`); for a practice's direct care pass --purpose ${DIRECT_CARE}`
    })
  }
  // One practice's list only: the borough-wide list and the changes are not a practice's to re-identify.
  if (!/^[A-Za-z][A-Za-z0-9]{5}$/.test(options.practice)) {
    return yield* new UsageError({
      message: `--practice ${shownSafely(options.practice.slice(0, MAX_FREE_TEXT))} is not a practice's ODS code`,
      nextAction: "name the one practice whose multidisciplinary team the list is for, e.g. --practice F84003"
    })
  }
  const { area, release, run } = yield* publishedRun(options.from)
  const listPath = `complex-cohort/${options.practice}.csv`
  const list = run.outputs.find((output) => output.path === listPath)
  if (list === undefined) {
    return yield* new UsageError({
      message: `run ${run.run_id} published no complex-cohort list for practice ${options.practice}`,
      nextAction: "check the practice code against the publication's complex-cohort/ folder"
    })
  }
  const listFile = path.join(release, listPath)
  if ((yield* Effect.promise(() => sha256OfFile(listFile))) !== list.sha256) {
    return yield* new UsageError({
      message: `${listPath} has changed since run ${run.run_id} published it`,
      nextAction: "run `wsd lineage verify --out` and tell information governance"
    })
  }
  const key = yield* loadKeyFile(options.keyFile, "--reid-key-file", "re-identification key")
  const sealed = yield* Effect.try({
    try: () => JSON.parse(fs.readFileSync(storeFile(area, run.run_id), "utf8")) as SealedStore,
    catch: () =>
      new UsageError({
        message: `run ${run.run_id} wrote no re-identification store`,
        nextAction: "give the nightly run --reid-key-file, then re-identify from its publication"
      })
  })
  // The run id is sealed with the contents, so a store copied over this run's cannot pass as it.
  if (sealed.run_id !== run.run_id) {
    return yield* new UsageError({
      message: `${storeFile(area, run.run_id)} is run ${shownSafely(String(sealed.run_id).slice(0, MAX_FREE_TEXT))}'s re-identification store, not that of run ${run.run_id} which made the publication: it was copied or renamed`,
      nextAction:
        "tell information governance; re-identify only from the store the run wrote (the next run with --reid-key-file writes a new one)"
    })
  }
  const nhsNumberOf = openStore(Redacted.value(key.key), sealed)
  if (nhsNumberOf === undefined) {
    return yield* new UsageError({
      message: `the key in ${options.keyFile} (fingerprint ${key.fingerprint}) does not open run ${run.run_id}'s re-identification store (sealed with ${sealed.key_fingerprint}), or the store was altered`,
      nextAction: "pass the re-identification key the run was given, not the pseudonymisation key"
    })
  }
  const [header = [], ...rows] = parse(fs.readFileSync(listFile, "utf8")) as Array<Array<string>>
  const person = header.indexOf("person_id")
  const columns = ["nhs_number", ...header]
  const unknown = rows.filter((row) => !nhsNumberOf.has(row[person] ?? "")).length
  if (unknown > 0) {
    return yield* new UsageError({
      message: `${unknown} people on ${listPath} are not in run ${run.run_id}'s re-identification store`,
      nextAction: "keep the log and report the run id: the store and the list should come from the same run"
    })
  }
  const content = csvLine(columns) + rows.map((row) => csvLine([nhsNumberOf.get(row[person]!)!, ...row])).join("")
  // Identifiable: readable by its owner only.
  return yield* deliverExtract(options.from, options.out, content, 0o600, {
    kind: "reidentification",
    run_id: run.run_id,
    workstream: COMPLEX_COHORT_SEGMENT,
    practice: options.practice,
    purpose: DIRECT_CARE,
    recipient: `practice ${options.practice} multidisciplinary team (direct care)`,
    profile_version: "complex-cohort list",
    fields: columns,
    rows: rows.length
  })
})
