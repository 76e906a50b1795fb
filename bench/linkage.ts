/**
 * `npm run bench:linkage [-- --residents N]`: demographic linkage on a
 * synthetic borough, scored against its ground truth. Prints precision and
 * recall of demographic links per source and per tier, overall, and which
 * corruptions the missed links carried.
 *
 * Precision: of the links a tier made, the share to the right resident.
 * Recall: of the records (without a usable NHS number) whose person is a
 * resident, the share linked to that resident; also by that resident's ethnic
 * category and deprivation decile, since missed links must not fall harder on
 * some groups. Also the linkage stages' time and the clerical-review grey zone.
 */
import { createHmac } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import Database from "better-sqlite3"
import { parse } from "csv-parse/sync"
import { publicationArea } from "../pipelines/services/publication.js"
import { benchKey, benchOptions, borough, dataDir, runBatch } from "./borough.js"

const TABLES: Record<string, string> = {
  adult_social_care: "adult_social_care_event",
  childrens_social_care: "childrens_social_care_episode",
  housing: "housing_record",
  benefits: "benefit_claim",
  education: "education_record"
}

interface Truth {
  readonly source: string
  readonly row: string
  readonly nhs_number: string
  readonly corruption: string
}

interface Tally {
  links: number
  correct: number
  relevant: number
  found: number
}

const options = benchOptions(process.argv.slice(2))
const { inbox } = borough(options)
// The run is kept beside its borough, named after it, so a borough written again is run again.
const out = path.join(dataDir, `out-${path.basename(inbox)}`)
if (!fs.existsSync(path.join(out, "warehouse.sqlite"))) runBatch(options, inbox, out)

const key = Buffer.from(fs.readFileSync(benchKey(), "utf8").trim(), "hex")
const personId = (nhs: string) => createHmac("sha256", key).update(`nhs_number:${nhs}`).digest("hex").slice(0, 32)
const optedOut = new Set(
  (parse(fs.readFileSync(path.join(inbox, "opt_outs.csv")), { columns: true }) as Array<{ nhs_number: string }>).map(
    (r) => r.nhs_number
  )
)
const truth = parse(fs.readFileSync(path.join(inbox, "truth", "council_links.csv")), { columns: true }) as Array<Truth>

const db = new Database(path.join(out, "warehouse.sqlite"), { readonly: true })
const residents = new Map(
  (
    db.prepare("select person_id, ethnic_category, imd_decile from person").all() as Array<{
      person_id: string
      ethnic_category: string | null
      imd_decile: number | null
    }>
  ).map((r) => [r.person_id, r])
)
const linkageStages = db
  .prepare("select stage, duration_ms from lineage_stage where stage in ('linkage index', 'probabilistic linkage')")
  .all() as Array<{ stage: string; duration_ms: number }>
const linked = new Map<
  string,
  Map<number, { person_id: string | null; link_status: string; link_method: string | null }>
>()
for (const [source, table] of Object.entries(TABLES)) {
  const rows = db.prepare(`select source_row, person_id, link_status, link_method from ${table}`).all() as Array<{
    source_row: number
    person_id: string | null
    link_status: string
    link_method: string | null
  }>
  linked.set(source, new Map(rows.map((row) => [row.source_row, row])))
}
db.close()

const blank = (): Tally => ({ links: 0, correct: 0, relevant: 0, found: 0 })
const bySource = new Map<string, Tally>()
const byTier = new Map<string, Tally>()
const overall = blank()
const missed = new Map<string, number>()
const byGroup = new Map<string, Tally>()
const wrong = new Map<string, number>()

for (const record of truth) {
  if (optedOut.has(record.nhs_number)) continue
  // A row of the truth is always valid: missing from its table, it was quarantined for what it lacked.
  const result = linked.get(record.source)?.get(Number(record.row)) ?? {
    person_id: null,
    link_status: "quarantined",
    link_method: null
  }
  if (result.link_method === "nhs_number") continue
  const expected = personId(record.nhs_number)
  const source = bySource.get(record.source) ?? blank()
  bySource.set(record.source, source)
  const isLink = result.link_status === "linked"
  const correct = isLink && result.person_id === expected
  if (isLink) {
    const tier = byTier.get(result.link_method ?? "?") ?? blank()
    byTier.set(result.link_method ?? "?", tier)
    for (const tally of [source, tier, overall]) {
      tally.links++
      if (correct) tally.correct++
    }
    if (!correct)
      wrong.set(
        `${result.link_method}: ${record.corruption || "none"}`,
        (wrong.get(`${result.link_method}: ${record.corruption || "none"}`) ?? 0) + 1
      )
  }
  const resident = residents.get(expected)
  if (resident !== undefined) {
    const groups = [
      `ethnic category ${resident.ethnic_category ?? "unknown"}`,
      `IMD decile ${resident.imd_decile ?? "?"}`
    ]
    const groupTallies = groups.map((group) => byGroup.get(group) ?? blank())
    groups.forEach((group, i) => byGroup.set(group, groupTallies[i]!))
    for (const tally of [source, overall, ...groupTallies]) {
      tally.relevant++
      if (correct) tally.found++
    }
    if (!correct) {
      const why = `${record.corruption || "none"} → ${isLink ? "wrong person" : result.link_status}`
      missed.set(why, (missed.get(why) ?? 0) + 1)
    }
  }
}

const pct = (part: number, whole: number) => (whole === 0 ? "-" : `${((part / whole) * 100).toFixed(3)}%`)
const line = (label: string, t: Tally) =>
  console.log(
    `${label.padEnd(32)} ${String(t.links).padStart(8)} ${pct(t.correct, t.links).padStart(9)} ${
      t.relevant === 0 ? "" : `${String(t.relevant).padStart(9)} ${pct(t.found, t.relevant).padStart(9)}`
    }`
  )

console.log(`demographic linkage on a synthetic borough of ${options.residents} residents (seed ${options.seed})`)
console.log(
  `${"".padEnd(32)} ${"links".padStart(8)} ${"precision".padStart(9)} ${"records".padStart(9)} ${"recall".padStart(9)}`
)
for (const [source, tally] of [...bySource].sort()) line(source, tally)
for (const [tier, tally] of [...byTier].sort()) line(`  tier ${tier}`, tally)
line("overall", overall)
console.log("recall by the resident's ethnic category and deprivation decile:")
for (const [group, tally] of [...byGroup].sort()) line(`  ${group}`, tally)
// The grey zone: the clerical review queue of the run, in the secure area beside the release.
const reviewRuns = publicationArea(out).reviewDir
const latestReview = fs.existsSync(reviewRuns) ? fs.readdirSync(reviewRuns).sort().at(-1) : undefined
const greyZone =
  latestReview === undefined
    ? 0
    : fs
        .readFileSync(path.join(reviewRuns, latestReview, "linkage.jsonl"), "utf8")
        .split("\n")
        .filter((entry) => entry !== "").length
console.log(`grey zone (clerical review queue): ${greyZone} records`)
const linkageMs = linkageStages.reduce((sum, { duration_ms }) => sum + duration_ms, 0)
console.log(
  `linkage stages: ${(linkageMs / 1000).toFixed(2)} s (${linkageStages.map((s) => `${s.stage} ${(s.duration_ms / 1000).toFixed(2)} s`).join(", ")})`
)
console.log("missed links (records of residents not linked to them), by injected corruption:")
for (const [why, n] of [...missed].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`  ${String(n).padStart(6)}  ${why}`)
console.log("wrong links, by tier and corruption:")
for (const [why, n] of [...wrong].sort((a, b) => b[1] - a[1]).slice(0, 10))
  console.log(`  ${String(n).padStart(6)}  ${why}`)
const figures = {
  residents: options.residents,
  seed: options.seed,
  overall: { precision: overall.correct / overall.links, recall: overall.found / overall.relevant, ...overall },
  sources: Object.fromEntries(bySource),
  tiers: Object.fromEntries(byTier),
  groups: Object.fromEntries(byGroup),
  linkageSeconds: linkageMs / 1000,
  greyZone,
  missed: Object.fromEntries(missed),
  wrong: Object.fromEntries(wrong)
}
fs.writeFileSync(path.join(dataDir, `linkage-${options.residents}.json`), `${JSON.stringify(figures, null, 2)}\n`)
