import { generateKeyPairSync } from "node:crypto"
import { describe, expect, it } from "vitest"
import {
  chainEntry,
  type ChainEntry,
  entryHash,
  GENESIS,
  newSalt,
  type ExtractLineage,
  type RunLineage
} from "../../pipelines/governance/lineage.js"
import { publicKeyOf } from "../../transforms/chainHead.js"
import {
  publishedChain,
  publishedChainBreaks,
  publishedExtract,
  type PublishedRun,
  publishedRun
} from "../../pipelines/governance/publishedLineage.js"

const { privateKey } = generateKeyPairSync("ed25519")
const key = { privateKey, publicKey: publicKeyOf(privateKey) }

/** A run whose every count is small, with exact figures (bytes, durations, days) that are small too. */
const run: RunLineage = {
  run_id: "20261120T020000000Z-0001",
  status: "succeeded",
  failure_reason: null,
  started_at: "2026-11-20T02:00:00.000Z",
  finished_at: "2026-11-20T02:00:03.000Z",
  as_of: "2026-11-19",
  operator: "wsd",
  host: "batch1",
  software_version: "0.1.0",
  config_version: "cfg-3",
  config: { keepReleases: 3 },
  rules_version: "2026.1",
  rules_sha256: "e".repeat(64),
  codelists: [],
  key_fingerprint: "0123456789abcdef",
  key_rotated: false,
  inputs: [
    {
      source: "opt_outs",
      required: false,
      status: "loaded",
      path: "/inbox/opt_outs.csv",
      bytes: 6,
      sha256: "a".repeat(64),
      rows_read: 3,
      rows_accepted: 2,
      rows_quarantined: 1,
      invalid_nhs_numbers: 0,
      partial_demographics: 2,
      duplicate_rows: 7,
      quarantine_reasons: { "nhs_number/nhs_number_check_digit": 1 },
      unknown_columns: ["notes"],
      message: null,
      extract_date: "2026-11-18",
      age_days: 1
    }
  ],
  volume: { baseline_run: null, accepted_changes: [] },
  stages: [{ stage: "spine", rows_in: 1234, rows_out: 8, duration_ms: 4 }],
  spine: { people: 28, residents: 5, conflicting_date_of_birth: 0 },
  opt_outs: { residents_excluded: "[suppressed]" },
  reidentification_store: { key_fingerprint: "fedcba9876543210", people: 4 },
  warehouse_build_sql: null,
  linkage: { gp_events: { "linked:nhs_number": 102, "linked:exact": 3, opted_out: 2 } },
  linkage_equity: [{ source: "gp_events", dimension: "ethnic_category", category: "S", records: 23, linked: 22 }],
  segments: { PI: 4, LW: 13 },
  outputs: [{ path: "complex-cohort/all.csv", rows: 4, sha256: "c".repeat(64), recipient: "workstream lead" }],
  evidence: [{ path: "lineage/openlineage.jsonl", sha256: "d".repeat(64) }]
}

const extract: ExtractLineage = {
  kind: "workstream_extract",
  at: "2026-11-20T09:00:00.000Z",
  operator: "analyst",
  host: "batch1",
  run_id: run.run_id,
  workstream: "PI",
  practice: null,
  purpose: "care planning",
  recipient: "PI lead",
  profile_version: "1",
  fields: ["age_band"],
  rows: 96,
  path: "/extracts/pi.csv",
  sha256: "f".repeat(64),
  k_anonymity: {
    k: 5,
    quasi_identifiers: ["age_band"],
    generalisation: { age_band: "10-year bands" },
    members: 100,
    share_generalised: 0.9,
    share_suppressed: 0.04,
    share_unique_before: 0.37,
    share_unique_after: 0,
    risk_before: 0.5,
    risk_after: 0.1
  }
}

describe("the published view of a run's lineage", () => {
  it("controls every count of people or records and keeps what counts no one exact", () => {
    const view = publishedRun(run)
    expect(view.inputs[0]).toEqual({
      ...run.inputs[0],
      rows_read: "[suppressed]",
      rows_accepted: "[suppressed]",
      rows_quarantined: "[suppressed]",
      invalid_nhs_numbers: 0,
      partial_demographics: "[suppressed]",
      duplicate_rows: "[suppressed]",
      quarantine_reasons: { "nhs_number/nhs_number_check_digit": "[suppressed]" }
    })
    // Bytes, durations and days are not people: small as they are, they stay.
    expect(view.inputs[0]!.bytes).toBe(6)
    expect(view.stages).toEqual([{ stage: "spine", rows_in: 1235, rows_out: 10, duration_ms: 4 }])
    expect(view.spine).toEqual({ people: 30, residents: "[suppressed]", conflicting_date_of_birth: 0 })
    expect(view.reidentification_store).toEqual({ key_fingerprint: "fedcba9876543210", people: "[suppressed]" })
    // The report's linkage rate publishes the 105 linked records in all: beside it, 102 by NHS number would
    // leave 3 by demographics, so it is hidden too.
    expect(view.linkage).toEqual({
      gp_events: { "linked:nhs_number": "[suppressed]", "linked:exact": "[suppressed]", opted_out: "[suppressed]" }
    })
    expect(view.linkage_equity).toEqual([{ ...run.linkage_equity[0], records: 25, linked: 20 }])
    expect(view.segments).toEqual({ PI: "[suppressed]", LW: 15 })
    expect(view.outputs).toEqual([{ ...run.outputs[0], rows: "[suppressed]" }])
    const counted = [
      "inputs",
      "stages",
      "spine",
      "reidentification_store",
      "linkage",
      "linkage_equity",
      "segments",
      "outputs"
    ]
    for (const [field, value] of Object.entries(run)) {
      if (!counted.includes(field)) expect(view[field as keyof PublishedRun], field).toEqual(value)
    }
  })

  it("quotes a failed run's reason and its sources' messages with controlled figures only, shares withheld", () => {
    const failed: RunLineage = {
      ...run,
      status: "failed",
      failure_reason: "/inbox/opt_outs.csv: 3 of 40 rows quarantined (7.5%, threshold 5%)",
      inputs: [
        { ...run.inputs[0]!, message: "no row that could be accepted (12 quarantined) in run 20261119T020000000Z-0009" }
      ]
    }
    const view = publishedRun(failed)
    expect(view.failure_reason).toBe(
      "/inbox/opt_outs.csv: [suppressed] of 40 rows quarantined ([share withheld], threshold [share withheld])"
    )
    expect(view.inputs[0]!.message).toBe(
      "no row that could be accepted (10 quarantined) in run 20261119T020000000Z-0009"
    )
    // 7.5% of the 40 shown would give the 3 back; neither it nor the 3 nor the 12 survives.
    const text = `${view.failure_reason} ${view.inputs[0]!.message}`
    for (const exact of ["3 of", "7.5", "(12"]) expect(text, exact).not.toContain(exact)
    expect(publishedRun(run).failure_reason).toBeNull()
  })

  it("hides what rows read = accepted + quarantined and the linkage outcomes would give back, wherever it appears", () => {
    const accounted: RunLineage = {
      ...run,
      inputs: [{ ...run.inputs[0]!, source: "housing", rows_read: 40, rows_accepted: 39, rows_quarantined: 1 }],
      stages: [{ stage: "load housing", rows_in: 40, rows_out: 39, duration_ms: 4 }],
      linkage: { housing: { "linked:exact": 36, opted_out: 3 } }
    }
    const view = publishedRun(accounted)
    // Alone, read and accepted would show as 40 and 40 and the 1 quarantined be hidden alone in its margin:
    // accepted is hidden with it. With accepted hidden, 35 linked beside 3 opted out pins nothing.
    expect(view.inputs[0]).toMatchObject({
      rows_read: 40,
      rows_accepted: "[suppressed]",
      rows_quarantined: "[suppressed]"
    })
    expect(view.linkage["housing"]).toEqual({ "linked:exact": 35, opted_out: "[suppressed]" })
    // The stage loading the source publishes its accepted rows again: hidden there too.
    expect(view.stages[0]).toMatchObject({ rows_in: 40, rows_out: "[suppressed]" })
  })

  it("controls quarantine reasons, equity rows, the spine and the segments with the totals they add up to", () => {
    const accounted: RunLineage = {
      ...run,
      inputs: [
        {
          ...run.inputs[0]!,
          source: "education",
          rows_read: 3479,
          rows_accepted: 3469,
          rows_quarantined: 10,
          quarantine_reasons: { "attendance_pct/out_of_range": 9, "pupil_id/missing": 1 }
        }
      ],
      stages: [{ stage: "spine", rows_in: 34, rows_out: 28, duration_ms: 4 }],
      // The fixtures' spine: people 31 = 28 resident + 1 + 0 + 1 + 1, the segments adding up to the 28 residents.
      spine: {
        people: 31,
        people_resident: 28,
        people_deregistered: 1,
        people_not_yet_registered: 0,
        people_deceased: 1,
        people_practice_not_covered: 1,
        residents: 28
      },
      segments: { BWGW: 7, LW: 17, PI: 4 },
      linkage: { education: { "linked:nhs_number": 516, "linked:exact": 3469 - 516 } },
      linkage_equity: [
        { source: "education", dimension: "ethnic_category", category: "A", records: 158, linked: 153 },
        { source: "education", dimension: "ethnic_category", category: "H", records: 9, linked: 9 },
        { source: "education", dimension: "ethnic_category", category: "K", records: 345, linked: 336 },
        { source: "education", dimension: "ethnic_category", category: "Z", records: 4, linked: 4 }
      ]
    }
    const view = publishedRun(accounted)
    // Alone, 30 people and 30 resident left 1 or 2 each to the three suppressed statuses:
    // the resident people are hidden with them, and so the residents, the same figure.
    expect(view.spine).toMatchObject({
      people: 30,
      people_resident: "[suppressed]",
      people_deregistered: "[suppressed]",
      people_not_yet_registered: 0,
      residents: "[suppressed]"
    })
    // The 28 residents again, in the stage that built them.
    expect(view.stages[0]).toMatchObject({ rows_out: "[suppressed]" })
    // 15 LW of 30 residents would have shown BWGW and PI together as 9 to 17: with the residents hidden they are not.
    expect(view.segments).toEqual({ BWGW: "[suppressed]", LW: 15, PI: "[suppressed]" })
    // 10 quarantined less 9 (shown as 10) would have left the 1 as 1 to 4: the 9 is hidden with it.
    expect(view.inputs[0]!.rows_quarantined).toBe(10)
    expect(view.inputs[0]!.quarantine_reasons).toEqual({
      "attendance_pct/out_of_range": "[suppressed]",
      "pupil_id/missing": "[suppressed]"
    })
    // The 4 of category Z alone suppressed among the records linked by NHS number: the 9 of H hidden with it.
    expect(view.linkage_equity.map((row) => row.records)).toEqual([160, "[suppressed]", 345, "[suppressed]"])
  })

  it("works an extract's shares out again from its controlled counts", () => {
    const view = publishedExtract(extract)
    expect(view.rows).toBe(95)
    expect(view.k_anonymity).toMatchObject({ k: 5, members: 100, share_suppressed: null, share_unique_after: 0 })
    // 37 of 100 unique: published from 35 of 100, to the precision those counts carry.
    expect(view.k_anonymity!.share_unique_before).toBe(0.4)
    expect(view.k_anonymity!.generalisation).toEqual(extract.k_anonymity!.generalisation)
  })

  it("is a supertype of the exact entry, so one reader reads both copies", () => {
    const exact: PublishedRun = run
    expect(exact.run_id).toBe(run.run_id)
  })
})

describe("the release's copy of the chain", () => {
  const chain = [{ run }, { extract }, { run: { ...run, run_id: "20261121T020000000Z-0002" } }].reduce<
    Array<ChainEntry>
  >((entries, record) => [...entries, chainEntry(entries.at(-1), record, newSalt())], [])

  it("carries the exact entries' hashes beside their views, and checks as a whole", () => {
    const copy = publishedChain(chain, key)
    expect(copy.map((entry) => [entry.previous_sha256, entry.sha256])).toEqual(
      chain.map((entry) => [entry.previous_sha256, entry.sha256])
    )
    expect(JSON.stringify(copy)).not.toMatch(/"rows_read":3\b/)
    // The salt that makes the exact hashes unsearchable stays in the state area.
    expect(chain.every((entry) => entry.salt?.length === 64)).toBe(true)
    expect(JSON.stringify(copy)).not.toContain("salt")
    expect(copy.slice(0, -1).every((entry) => entry.signature === undefined)).toBe(true)
    expect(copy.at(-1)!.public_key).toBe(key.publicKey)
    expect(publishedChainBreaks(copy)).toBeUndefined()
    expect(publishedChainBreaks(publishedChain(chain, undefined))).toBeUndefined()
  })

  it("names an edited view, an entry removed or reordered, and a signature that no longer holds", () => {
    const copy = publishedChain(chain, key)
    const edited = copy.map((entry, i) =>
      i === 1 && "extract" in entry ? { ...entry, extract: { ...entry.extract, rows: 90 } } : entry
    )
    expect(publishedChainBreaks(edited)).toEqual({ index: 2, problem: "altered" })
    expect(publishedChainBreaks([copy[0]!, copy[2]!])).toEqual({ index: 2, problem: "unlinked" })
    expect(publishedChainBreaks([copy[1]!, copy[0]!, copy[2]!])).toEqual({ index: 1, problem: "unlinked" })
    // A signature the key made, but over another copy: the copy was cut back and signed again.
    const shorter = publishedChain(chain.slice(0, 2), key).at(-1)!
    expect(publishedChainBreaks([copy[0]!, copy[1]!, { ...copy[2]!, signature: shorter.signature }])).toEqual({
      index: 3,
      problem: "signature"
    })
  })
})

describe("the exact entries' hashes the release publishes", () => {
  it("cannot be matched by hashing the exact values a view allows, without the state area's salt", () => {
    // All an outsider can try for a suppressed count: every value of 1-7, with the hashes the copy publishes.
    const entry = chainEntry(undefined, { extract: { ...extract, rows: 4, k_anonymity: undefined } }, newSalt())
    const candidates = [1, 2, 3, 4, 5, 6, 7].map((rows) => ({ extract: { ...extract, rows, k_anonymity: undefined } }))
    expect(candidates.map((record) => entryHash(GENESIS, record))).not.toContain(entry.sha256)
    // With its salt, the exact entry is its hash.
    expect(entryHash(GENESIS, entry)).toBe(entry.sha256)
  })
})
