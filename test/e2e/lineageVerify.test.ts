/**
 * `wsd lineage verify`: exit 0 only when the chain is intact and every
 * published file matches its recorded hash; otherwise exit 1 naming the first
 * entry or file that fails.
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { type ChainEntry, chainEntry, type ChainRecord, releaseRunText } from "../../pipelines/governance/lineage.js"
import { GENESIS } from "../../transforms/chainHead.js"
import { publishedChain, type PublishedEntry, viewHash } from "../../pipelines/governance/publishedLineage.js"
import { jsonLinesIn, smallCountsIn } from "./smallCounts.js"
import { newKey, runFixtures, tempDir, wsd } from "./wsdCommand.js"

type ManifestFiles = Array<{ path: string; bytes: number; sha256: string }>

/** Rewrites a release's manifest, as someone covering a change to the release would. */
const rewriteManifest = (release: string, change: (files: ManifestFiles) => ManifestFiles) => {
  const file = path.join(release, "manifest.json")
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { run_id: string; files: ManifestFiles }
  fs.writeFileSync(file, JSON.stringify({ ...manifest, files: change(manifest.files) }))
}

/**
 * Rewrites a release's copy of the chain with `edit` applied to its entries
 * and their view hashes recomputed, as someone covering an edit would; its
 * signature is left as it was.
 */
const editPublishedCopy = (release: string, edit: (entries: Array<PublishedEntry>) => Array<PublishedEntry>) => {
  const file = path.join(release, "lineage", "chain.jsonl")
  const entries = edit(jsonLinesIn(fs.readFileSync(file, "utf8")) as Array<PublishedEntry>)
  const rechained = entries.reduce<Array<PublishedEntry>>(
    (chain, entry) => [...chain, { ...entry, view_sha256: viewHash(chain.at(-1)?.view_sha256 ?? GENESIS, entry) }],
    []
  )
  fs.writeFileSync(file, rechained.map((entry) => `${JSON.stringify(entry)}\n`).join(""))
}

/** Gives the manifest line of `file` (added if absent) the file's size and SHA-256 as it is now. */
const listInManifest = (release: string, file: string) => {
  const bytes = fs.readFileSync(path.join(release, file))
  const line = { path: file, bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") }
  rewriteManifest(release, (files) => [...files.filter((listed) => listed.path !== file), line])
}

describe("wsd lineage verify", () => {
  let source: string

  beforeAll(() => {
    const dir = tempDir("verify")
    const keyFile = newKey(dir)
    source = path.join(dir, "out")
    // Three runs, so the chain has entries to edit, delete and reorder.
    for (let i = 0; i < 3; i++) expect(runFixtures({ out: source, keyFile }).status).toBe(0)
  })

  /** A copy of the publication to tamper with. */
  const copy = () => {
    const out = path.join(tempDir("tamper"), "out")
    fs.cpSync(fs.realpathSync(source), out, { recursive: true })
    return out
  }
  const chainOf = (out: string) => path.join(out, "lineage", "chain.jsonl")
  const editChain = (out: string, edit: (lines: Array<string>) => Array<string>) => {
    const lines = fs.readFileSync(chainOf(out), "utf8").trim().split("\n")
    fs.writeFileSync(chainOf(out), `${edit(lines).join("\n")}\n`)
  }

  it("lists every run, and shows one in words an IG reviewer reads without tools", () => {
    const list = wsd("lineage", "list", "--out", source)
    expect(list.status, list.stderr).toBe(0)
    const runIds = [...list.stdout.matchAll(/^(\d{8}T\d{9}Z-[0-9a-f]{4}) +succeeded/gm)].map((m) => m[1]!)
    expect(runIds).toHaveLength(3)
    const show = wsd("lineage", "show", "--out", source, runIds[0]!)
    expect(show.status, show.stderr).toBe(0)
    for (const heading of [
      "What came in",
      "Opt-outs applied",
      "How records linked",
      "What was published, and for whom",
      "Extracts pulled from this publication"
    ]) {
      expect(show.stdout).toContain(heading)
    }
    expect(show.stdout).toContain("quarantined 1 for nhs_number/nhs_number_check_digit")
    expect(show.stdout).toContain("residents excluded: [suppressed] (disclosure-controlled)")
    expect(show.stdout).toMatch(
      /complex-cohort\/all\.csv \(4 rows\) for Promoting Independence workstream lead; SHA-256 [0-9a-f]{64}/
    )
    expect(wsd("lineage", "show", "--out", source, "no-such-run").status).toBe(2)
  })

  it("passes an untouched publication", () => {
    const result = wsd("lineage", "verify", "--out", source)
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toMatch(
      /lineage intact: 3 entries chained; \d+ files of run \S+'s release match its manifest, and the manifest matches the run's lineage entry/
    )
  })

  it("publishes only controlled figures in the release's lineage and OpenLineage events, which verify checks", () => {
    const release = fs.realpathSync(source)
    const state = path.join(path.dirname(source), ".out.wsd", "lineage")
    // The fixtures' exact figures hold many counts of 1-7 (equity rows, segments, quarantine reasons, rows read).
    const exact = jsonLinesIn(fs.readFileSync(path.join(state, "chain.jsonl"), "utf8"))
    expect(smallCountsIn(exact).length).toBeGreaterThan(30)
    const published = [
      "lineage/chain.jsonl",
      "lineage/openlineage.jsonl",
      ...fs.readdirSync(path.join(release, "lineage", "runs")).map((file) => `lineage/runs/${file}`)
    ]
    expect(published).toHaveLength(3)
    for (const file of published) {
      const text = fs.readFileSync(path.join(release, file), "utf8")
      // The run's entry is one JSON value over many lines; the rest are one value per line.
      const values = file.startsWith("lineage/runs/") ? [JSON.parse(text)] : jsonLinesIn(text)
      expect(smallCountsIn(values), file).toEqual([])
    }
    expect(smallCountsIn(jsonLinesIn(fs.readFileSync(path.join(state, "openlineage.jsonl"), "utf8")))).toEqual([])
    // Where the exact figure was small the copy marks it, and shows no silent zero.
    const [first] = jsonLinesIn(fs.readFileSync(path.join(release, "lineage", "chain.jsonl"), "utf8")) as Array<{
      run: { segments: Record<string, unknown>; sha256: string }
      sha256: string
    }>
    expect((exact[0] as { run: { segments: Record<string, number> } }).run.segments["PI"]).toBe(4)
    expect(first!.run.segments["PI"]).toBe("[suppressed]")
    expect(first!.sha256).toBe((exact[0] as { sha256: string }).sha256)

    const beside = wsd("lineage", "verify", "--out", source)
    expect(beside.status, beside.lastLine).toBe(0)
    expect(beside.stdout).toContain(
      "the release's copy of the lineage (disclosure-controlled) links entry to entry and each entry matches its hash, unsigned; each entry is the published view of the lineage log's entry"
    )
    const alone = copy()
    const releaseOnly = wsd("lineage", "verify", "--out", alone)
    expect(releaseOnly.status, releaseOnly.lastLine).toBe(0)
    expect(releaseOnly.stdout).toContain("without the state area its figures cannot be compared with the exact entries")
    // Read from the release alone, list and show print the copy's figures as it holds them.
    const list = wsd("lineage", "list", "--out", alone)
    expect(list.status, list.stderr).toBe(0)
    // The fixtures' 28 residents are hidden: beside 30 people they would give back the other statuses' 3.
    expect(list.stdout).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{4} +succeeded +\S+ +\[suppressed\] +\d+\+ +\d+\+ +\d+$/m)
    const show = wsd("lineage", "show", "--out", alone, list.stdout.match(/^(\d{8}T\d{9}Z-[0-9a-f]{4})/m)![1]!)
    expect(show.status, show.stderr).toBe(0)
    expect(show.stdout).toContain("quarantined [suppressed] for nhs_number/nhs_number_check_digit")
    expect(show.stdout).toMatch(/complex-cohort\/all\.csv \(\[suppressed\] rows\) for Promoting Independence/)

    // A suppressed figure filled in, its view hashes recomputed: the state area's exact entry shows it.
    const area = path.join(tempDir("published-edit"), "area")
    fs.cpSync(path.dirname(source), area, { recursive: true, verbatimSymlinks: true })
    editPublishedCopy(fs.realpathSync(path.join(area, "out")), (entries) =>
      entries.map((entry, i) =>
        i === 1 && "run" in entry
          ? { ...entry, run: { ...entry.run, segments: { ...entry.run.segments, PI: 4 } } }
          : entry
      )
    )
    const edited = wsd("lineage", "verify", "--out", path.join(area, "out"))
    expect(edited.status).toBe(1)
    expect(edited.lastLine).toMatch(
      /published lineage entry 2 \(run \S+\) is not the published view of the lineage log's entry 2: it was edited/
    )
  })

  it("detects an edited entry", () => {
    const out = copy()
    editChain(out, (lines) =>
      lines.map((line, i) => {
        if (i !== 1) return line
        // The release's copy holds the suppressed mark where the state area has the one quarantined row.
        const edited = line.replace('"rows_quarantined":"[suppressed]"', '"rows_quarantined":0')
        expect(edited).not.toBe(line)
        return edited
      })
    )
    const result = wsd("lineage", "verify", "--out", out)
    expect(result.status).toBe(1)
    expect(result.lastLine).toContain("lineage entry 2")
    expect(result.lastLine).toContain("has been altered")
  })

  it("detects a deleted entry", () => {
    const out = copy()
    editChain(out, (lines) => lines.filter((_, i) => i !== 1))
    const result = wsd("lineage", "verify", "--out", out)
    expect(result.status).toBe(1)
    expect(result.lastLine).toContain("lineage entry 2")
    expect(result.lastLine).toContain("does not follow the entry before it")
  })

  it("detects reordered entries", () => {
    const out = copy()
    editChain(out, ([a, b, c]) => [a!, c!, b!])
    const result = wsd("lineage", "verify", "--out", out)
    expect(result.status).toBe(1)
    expect(result.lastLine).toContain("lineage entry 2")
  })

  it("detects an altered published file", () => {
    const out = copy()
    fs.appendFileSync(path.join(out, "complex-cohort", "all.csv"), "someone,1\r\n")
    const result = wsd("lineage", "verify", "--out", out)
    expect(result.status).toBe(1)
    expect(result.lastLine).toContain("published file complex-cohort/all.csv has changed")
  })

  /** The release's run id, and verify's last line on it (exit 1 expected). */
  const runIdOf = (out: string) => fs.readdirSync(path.join(out, "lineage", "runs"))[0]!.replace(/\.json$/, "")
  const refusal = (out: string) => {
    const result = wsd("lineage", "verify", "--out", out)
    expect(result.status, result.lastLine).toBe(1)
    return result.lastLine
  }

  it("names a file planted in the release, an NHS-number list among them, even when its manifest lists it", () => {
    const out = copy()
    const runId = runIdOf(out)
    // What `reidentify --out` into the release would have written: NHS numbers beside the pseudonyms.
    const list = path.join(out, "complex-cohort", "F84003-nhs.csv")
    fs.writeFileSync(list, "nhs_number,person_id\r\n9434765919,0123456789abcdef0123456789abcdef\r\n")
    expect(refusal(out)).toContain(
      `complex-cohort/F84003-nhs.csv was added to the release after run ${runId} sealed it (its manifest.json does not list it)`
    )
    listInManifest(out, "complex-cohort/F84003-nhs.csv")
    expect(refusal(out)).toContain(
      `manifest.json lists complex-cohort/F84003-nhs.csv, which run ${runId}'s lineage entry does not record`
    )
    fs.rmSync(list)
    fs.writeFileSync(path.join(out, "notes.txt"), "")
    fs.mkdirSync(path.join(out, "extra"))
    fs.writeFileSync(path.join(out, "extra", "a.csv"), "")
    fs.writeFileSync(path.join(out, "lineage", "runs", "other.json"), "{}")
    expect(refusal(out)).toContain("extra/a.csv, lineage/runs/other.json, notes.txt were added to the release")
  })

  it("names a file deleted from the release, and from its manifest too", () => {
    const out = copy()
    fs.rmSync(path.join(out, "report.html"))
    expect(refusal(out)).toContain("published file report.html is missing")
    rewriteManifest(out, (files) => files.filter((file) => file.path !== "report.html"))
    expect(refusal(out)).toContain(
      `manifest.json does not list report.html, which run ${runIdOf(out)}'s lineage entry records: the manifest was edited`
    )
    fs.rmSync(path.join(out, "manifest.json"))
    expect(refusal(out)).toContain("the release's manifest.json is missing")
  })

  it("names the release's runs JSON, OpenLineage events or log edited, even with the manifest edited to match", () => {
    for (const file of ["runs JSON", "lineage/openlineage.jsonl", "logs"]) {
      const out = copy()
      const runId = runIdOf(out)
      const edited =
        file === "runs JSON"
          ? `lineage/runs/${runId}.json`
          : file === "logs"
            ? `logs/${runId}.jsonl`
            : "lineage/openlineage.jsonl"
      const target = path.join(out, edited)
      fs.writeFileSync(
        target,
        fs.readFileSync(target, "utf8").replace(/"rows_quarantined":1\b|\d{4}-/, (m) => `${m}0`)
      )
      expect(refusal(out)).toContain(`published file ${edited} has changed since run ${runId} sealed its release`)
      listInManifest(out, edited)
      expect(refusal(out)).toContain(
        edited.startsWith("lineage/runs/")
          ? `${edited} is not run ${runId}'s entry in the published lineage: it was edited`
          : `manifest.json gives ${edited} another SHA-256 than run ${runId}'s lineage entry records`
      )
    }
  })
})

/**
 * Lineage anchored by signed heads: tampering by someone with write access to
 * the state area, as each kind looks to `verify` and to the next run.
 */
describe("wsd lineage, anchored by signed heads", () => {
  let source: string
  let runIds: Array<string>

  beforeAll(() => {
    source = tempDir("anchored")
    expect(wsd("keygen", "--lineage", "--out", path.join(source, "lineage.key")).status).toBe(0)
    const keyFile = newKey(source)
    for (let i = 0; i < 2; i++) {
      const run = signedRun(path.join(source, "out"), keyFile)
      expect(run.status, run.lastLine).toBe(0)
    }
    const head = wsd("lineage", "head", "--out", path.join(source, "out"))
    expect(head.status, head.lastLine).toBe(0)
    fs.writeFileSync(path.join(source, "kept-head.json"), head.stdout)
    runIds = fs.readdirSync(path.join(source, ".out.wsd", "releases")).sort()
  })

  const signedRun = (out: string, keyFile: string, ...extra: ReadonlyArray<string>) =>
    runFixtures({ out, keyFile }, "--lineage-key-file", path.join(path.dirname(out), "lineage.key"), ...extra)

  /** A copy of the whole area (publication link, state area, keys, kept head) to tamper with. */
  const copy = () => {
    const dir = path.join(tempDir("anchored-tamper"), "area")
    fs.cpSync(source, dir, { recursive: true, verbatimSymlinks: true })
    const state = path.join(dir, ".out.wsd", "lineage")
    return {
      out: path.join(dir, "out"),
      keyFile: path.join(dir, "key"),
      keptHead: path.join(dir, "kept-head.json"),
      chain: path.join(state, "chain.jsonl"),
      heads: path.join(state, "heads.jsonl"),
      releases: path.join(dir, ".out.wsd", "releases")
    }
  }
  const lines = (file: string) => fs.readFileSync(file, "utf8").trim().split("\n")
  const verifyKept = (area: ReturnType<typeof copy>) =>
    wsd("lineage", "verify", "--out", area.out, "--expect-head", area.keptHead)

  it("keygen --lineage writes an owner-only signing key and its public half, and never overwrites them", () => {
    const key = path.join(source, "lineage.key")
    expect(fs.statSync(key).mode & 0o777).toBe(0o600)
    expect(fs.readFileSync(key, "utf8")).toContain("BEGIN PRIVATE KEY")
    expect(fs.readFileSync(`${key}.pub`, "utf8")).toContain("BEGIN PUBLIC KEY")
    const again = wsd("keygen", "--lineage", "--out", key)
    expect(again.status).toBe(2)
    expect(again.lastLine).toContain("already exists")
  })

  it("prints a signed head IG can keep, which verify proves the chain still extends", () => {
    const kept = JSON.parse(fs.readFileSync(path.join(source, "kept-head.json"), "utf8"))
    expect(kept).toMatchObject({ index: 2, run_id: runIds[1], published_run: runIds[1] })
    expect(kept.signature).toMatch(/^[A-Za-z0-9+/=]{88}$/)
    const area = copy()
    const result = verifyKept(area)
    expect(result.status, result.lastLine).toBe(0)
    expect(result.stdout).toMatch(
      /the chain extends the kept head, entry 2 \(run \S+\), signed with lineage key [0-9a-f]{16}/
    )
    const unanchored = wsd("lineage", "verify", "--out", area.out)
    expect(unanchored.status).toBe(0)
    expect(unanchored.stdout).toContain(
      "without a kept head (--expect-head) it cannot show that no entries were removed from its end or that it was not rewritten"
    )
  })

  it("signs the release's copy of the lineage, so an edit covered by recomputed view hashes shows without the state area", () => {
    const signer = /signed with lineage key ([0-9a-f]{16})/
    const area = copy()
    const verified = wsd("lineage", "verify", "--out", area.out)
    expect(verified.status, verified.lastLine).toBe(0)
    expect(verified.stdout).toMatch(
      /the release's copy of the lineage \(disclosure-controlled\) links entry to entry and each entry matches its hash, signed with lineage key [0-9a-f]{16}; each entry is the published view/
    )
    const release = path.join(tempDir("signed-release"), "release")
    fs.cpSync(fs.realpathSync(area.out), release, { recursive: true })
    const alone = wsd("lineage", "verify", "--out", release)
    expect(alone.status, alone.lastLine).toBe(0)
    expect(alone.stdout.match(signer)?.[1]).toBe(verified.stdout.match(signer)?.[1])

    editPublishedCopy(release, (entries) =>
      entries.map((entry, i) =>
        i === 0 && "run" in entry
          ? { ...entry, run: { ...entry.run, segments: { ...entry.run.segments, PI: 0 } } }
          : entry
      )
    )
    const edited = wsd("lineage", "verify", "--out", release)
    expect(edited.status).toBe(1)
    expect(edited.lastLine).toContain(
      "published lineage entry 2 (run " + runIds[1] + ") carries a signature that does not verify with its public key"
    )
    // Its signature dropped instead: the state area's signed head for the entry shows it.
    editPublishedCopy(fs.realpathSync(area.out), (entries) =>
      entries.map((entry, i) => (i === entries.length - 1 ? { ...entry, public_key: null, signature: null } : entry))
    )
    const unsigned = wsd("lineage", "verify", "--out", area.out)
    expect(unsigned.status).toBe(1)
    expect(unsigned.lastLine).toMatch(
      /published lineage entry 2 is not signed with lineage key [0-9a-f]{16}, as the lineage log's head for it is: its signature was removed or replaced/
    )
  })

  it("reports a chain cut back, and the next run refuses it", () => {
    const area = copy()
    fs.writeFileSync(area.chain, `${lines(area.chain).slice(0, -1).join("\n")}\n`)
    const verified = verifyKept(area)
    expect(verified.status).toBe(1)
    expect(verified.lastLine).toContain("holds 1 entry but its last signed head is entry 2")
    expect(verified.lastLine).toContain("entries were removed from its end")
    const run = signedRun(area.out, area.keyFile)
    expect(run.status).toBe(2)
    expect(run.lastLine).toContain("entries were removed from its end")
    expect(run.lastLine).toContain("--reinitialise-lineage")
    expect(lines(area.chain)).toHaveLength(1)
  })

  it("shows a chain rewritten with recomputed hashes and its heads removed only against the kept head", () => {
    const area = copy()
    // The first run's entry removed, the rest chained again from the genesis hash, everywhere.
    const [, ...rest] = lines(area.chain).map((line) => JSON.parse(line) as ChainEntry)
    const rewritten = rest.reduce<Array<ChainEntry>>((chain, entry) => {
      const { previous_sha256: _previous, sha256: _sha256, salt, ...record } = entry
      return [...chain, chainEntry(chain.at(-1), record as ChainRecord, salt!)]
    }, [])
    const text = rewritten.map((entry) => `${JSON.stringify(entry)}\n`).join("")
    fs.writeFileSync(area.chain, text)
    // The release's copies of the chain and of its run's entry are vouched for by the chain itself.
    const release = path.join(area.releases, runIds[1]!)
    const published = publishedChain(rewritten, undefined)
    fs.writeFileSync(
      path.join(release, "lineage", "chain.jsonl"),
      published.map((entry) => `${JSON.stringify(entry)}\n`).join("")
    )
    fs.writeFileSync(path.join(release, "lineage", "runs", `${runIds[1]}.json`), releaseRunText(published.at(-1)!))
    for (const file of ["lineage/chain.jsonl", `lineage/runs/${runIds[1]}.json`]) listInManifest(release, file)
    fs.rmSync(area.heads)
    expect(wsd("lineage", "verify", "--out", area.out).status).toBe(0)
    const verified = verifyKept(area)
    expect(verified.status).toBe(1)
    expect(verified.lastLine).toContain("holds 1 entry but the kept head is entry 2")
  })

  it("refuses to run on a deleted chain until re-initialised, recorded, with the key guard still holding", () => {
    const area = copy()
    fs.rmSync(area.chain)
    const verified = verifyKept(area)
    expect(verified.status).toBe(1)
    expect(verified.lastLine).toContain("is missing, but its last signed head is entry 2")
    const refused = signedRun(area.out, area.keyFile)
    expect(refused.status).toBe(2)
    expect(refused.lastLine).toContain("the chain was deleted")
    // Another key is refused as before: the last head carried the published run's key fingerprint.
    const otherKey = newKey(path.dirname(area.out), "other-key")
    const rotated = signedRun(area.out, otherKey, "--reinitialise-lineage")
    expect(rotated.status).toBe(2)
    expect(rotated.lastLine).toContain(`used by run ${runIds[1]}; every pseudonym would change`)
    // The log was started again (recorded) before the key was refused; the next run goes on from it.
    const restarted = signedRun(area.out, area.keyFile)
    expect(restarted.status, restarted.lastLine).toBe(0)
    const event = JSON.parse(lines(area.chain)[0]!).event
    expect(event).toMatchObject({ kind: "reinitialised", previous_head: { index: 2 } })
    expect(event.finding).toContain("the chain was deleted")
    expect(fs.readdirSync(path.dirname(area.chain))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^heads\.before-/)])
    )
    expect(wsd("lineage", "verify", "--out", area.out).status).toBe(0)
    expect(verifyKept(area).lastLine).toContain("another entry than the kept head recorded")
    const again = signedRun(area.out, area.keyFile, "--reinitialise-lineage")
    expect(again.status).toBe(2)
    expect(again.lastLine).toContain("there is nothing to re-initialise")
  })

  it("refuses a chain deleted with its heads while a release still holds a copy of it", () => {
    const area = copy()
    fs.rmSync(area.chain)
    fs.rmSync(area.heads)
    const refused = signedRun(area.out, area.keyFile)
    expect(refused.status).toBe(2)
    expect(refused.lastLine).toContain(`is missing, but release ${runIds[1]}'s copy of it is entry 2`)
  })

  it("reports the publication link pointed back at an older release", () => {
    const area = copy()
    fs.rmSync(area.out)
    fs.symlinkSync(path.join(".out.wsd", "releases", runIds[0]!), area.out)
    const verified = wsd("lineage", "verify", "--out", area.out)
    expect(verified.status).toBe(1)
    expect(verified.lastLine).toContain(`points at release ${runIds[0]}, older than run ${runIds[1]}`)
  })

  it("reports heads signed again, an edited kept head, and a signed log written to without the key", () => {
    const area = copy()
    const [first, second] = lines(area.heads).map((line) => JSON.parse(line))
    fs.writeFileSync(
      area.heads,
      [first, { ...second, published_run: runIds[0] }].map((h) => JSON.stringify(h)).join("\n") + "\n"
    )
    const edited = wsd("lineage", "verify", "--out", area.out)
    expect(edited.status).toBe(1)
    expect(edited.lastLine).toContain("signed head 2")
    expect(edited.lastLine).toContain("does not verify with its public key")
    const kept = copy()
    const head = JSON.parse(fs.readFileSync(kept.keptHead, "utf8"))
    fs.writeFileSync(kept.keptHead, JSON.stringify({ ...head, index: 1 }))
    expect(verifyKept(kept).lastLine).toContain("does not verify with its public key: it was edited after it was kept")
    const unsigned = runFixtures({ out: kept.out, keyFile: kept.keyFile })
    expect(unsigned.status).toBe(2)
    expect(unsigned.lastLine).toContain("pass the lineage signing key with --lineage-key-file")
  })

  it("reports a torn last line, which the next run cuts off and records; a damaged line elsewhere stays a failure", () => {
    const area = copy()
    fs.appendFileSync(area.chain, '{"previous_sha256":"4f20df65')
    const verified = wsd("lineage", "verify", "--out", area.out)
    expect(verified.status).toBe(1)
    expect(verified.lastLine).toContain("lineage log ends in a torn append")
    expect(wsd("lineage", "list", "--out", area.out).status).toBe(0)
    const repaired = signedRun(area.out, area.keyFile)
    expect(repaired.status, repaired.lastLine).toBe(0)
    const event = JSON.parse(lines(area.chain)[2]!).event
    expect(event).toMatchObject({ kind: "torn_append_repaired", file: "chain.jsonl", bytes_removed: 28 })
    const after = verifyKept(area)
    expect(after.status, after.lastLine).toBe(0)
    expect(wsd("lineage", "list", "--out", area.out).stdout).toMatch(
      /Events of the lineage log itself\n\S+ torn_append_repaired recorded by \S+: chain\.jsonl ended in a line cut mid-append \(28 bytes/
    )

    // A signed entry cut short is not a crash mid-append: its head says it was whole.
    const cut = copy()
    const text = fs.readFileSync(cut.chain, "utf8")
    fs.writeFileSync(cut.chain, text.slice(0, text.length - 40))
    const refused = signedRun(cut.out, cut.keyFile)
    expect(refused.status).toBe(2)
    expect(refused.lastLine).toContain("entries were removed from its end")

    const damaged = copy()
    fs.writeFileSync(
      damaged.chain,
      lines(damaged.chain)
        .map((line, i) => (i === 0 ? line.slice(0, 50) : line))
        .join("\n") + "\n"
    )
    const broken = wsd("lineage", "verify", "--out", damaged.out)
    expect(broken.status).toBe(1)
    expect(broken.lastLine).toContain("line 1 is not valid JSON")
    const stopped = signedRun(damaged.out, damaged.keyFile)
    expect(stopped.status).toBe(2)
    expect(stopped.lastLine).toContain("line 1 is not valid JSON")
  })
})
