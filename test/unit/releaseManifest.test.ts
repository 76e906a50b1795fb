import { describe, expect, it } from "vitest"
import { manifestBreaksLineage, releaseBreaksManifest } from "../../transforms/releaseManifest.js"

const RUN = "20261120T020000000Z-0001"
const manifest = {
  run_id: RUN,
  files: [
    { path: "report.html", bytes: 3, sha256: "a" },
    { path: "lineage/chain.jsonl", bytes: 3, sha256: "c" }
  ]
}
const vouched = new Map<string, string>([
  ["report.html", "a"],
  ["lineage/chain.jsonl", "chain"]
])

describe("a release against its manifest", () => {
  it("holds when the files are the manifest's, with its SHA-256", () => {
    expect(releaseBreaksManifest(manifest, new Map(manifest.files.map((f) => [f.path, f.sha256])), RUN)).toBeUndefined()
  })

  it("names files added, then a file missing, then a file changed", () => {
    const found = new Map([
      ["report.html", "a"],
      ["lineage/chain.jsonl", "c"]
    ])
    expect(releaseBreaksManifest(manifest, new Map([...found, ["b.csv", "x"], ["a.csv", "y"]]), RUN)).toBe(
      `a.csv, b.csv were added to the release after run ${RUN} sealed it (its manifest.json does not list them)`
    )
    expect(releaseBreaksManifest(manifest, new Map([["lineage/chain.jsonl", "c"]]), RUN)).toBe(
      "published file report.html is missing"
    )
    expect(releaseBreaksManifest(manifest, new Map([...found, ["report.html", "b"]]), RUN)).toBe(
      `published file report.html has changed since run ${RUN} sealed its release`
    )
  })
})

describe("a manifest against the run's lineage entry", () => {
  it("holds when the entry vouches for every line, by digest or by the chain", () => {
    expect(manifestBreaksLineage(manifest, vouched, RUN)).toBeUndefined()
  })

  it("names a line the entry does not record, another digest, a file left out and another run's manifest", () => {
    const listed = (files: typeof manifest.files) => ({ ...manifest, files })
    expect(
      manifestBreaksLineage(listed([...manifest.files, { path: "x.csv", bytes: 0, sha256: "z" }]), vouched, RUN)
    ).toContain("manifest.json lists x.csv, which run")
    expect(
      manifestBreaksLineage(listed([{ path: "report.html", bytes: 3, sha256: "b" }, manifest.files[1]!]), vouched, RUN)
    ).toContain("manifest.json gives report.html another SHA-256")
    expect(manifestBreaksLineage(listed([manifest.files[1]!]), vouched, RUN)).toContain(
      "manifest.json does not list report.html"
    )
    expect(manifestBreaksLineage({ ...manifest, run_id: "other" }, vouched, RUN)).toContain(
      "is the manifest of run other"
    )
  })
})
