/**
 * A release's manifest (`manifest.json`, at the top of the release): every
 * other file of the release with its size and SHA-256, written last when the
 * release is sealed, so `wsd lineage verify` can name any file added to the
 * release, missing from it or changed in it.
 *
 * The manifest cannot carry its own authority: anyone who can add a file to a
 * release can add a line to its manifest. What vouches for each line is the
 * run's entry in the lineage chain: the published files and the release's
 * copies of the evidence (OpenLineage events, the run's log) by the SHA-256
 * the entry records, and the release's copy of the chain and of the run's
 * entry by their content, which must be the chain's published view
 * (`pipelines/governance/publishedLineage.ts`). The entry cannot hold
 * the manifest's own digest, since the manifest lists the copy of the chain
 * that holds the entry.
 */
import { Schema } from "effect"

export const MANIFEST_FILE = "manifest.json"

export const ManifestFile = Schema.Struct({
  /** Relative to the release, with `/` between folders. */
  path: Schema.String,
  bytes: Schema.Number,
  sha256: Schema.String
})
export type ManifestFile = typeof ManifestFile.Type

export const ReleaseManifest = Schema.Struct({
  run_id: Schema.String,
  files: Schema.Array(ManifestFile)
})
export type ReleaseManifest = typeof ReleaseManifest.Type

/**
 * What the lineage entry says of each file of the release: the SHA-256 it
 * records, or `chain` for a copy that `verify` checks against the chain itself.
 */
export type Vouched = ReadonlyMap<string, string | "chain">

/**
 * The first file by which the release departs from its manifest: a file the
 * manifest does not list, one it lists that is gone, one whose SHA-256 is not
 * the manifest's. `found` maps each file of the release but the manifest to
 * its SHA-256.
 */
export const releaseBreaksManifest = (
  manifest: ReleaseManifest,
  found: ReadonlyMap<string, string>,
  runId: string
): string | undefined => {
  const listed = new Map(manifest.files.map((file) => [file.path, file.sha256]))
  const added = [...found.keys()].filter((file) => !listed.has(file)).sort()
  if (added.length > 0) {
    return `${added.join(", ")} ${added.length === 1 ? "was" : "were"} added to the release after run ${runId} sealed it (its ${MANIFEST_FILE} does not list ${added.length === 1 ? "it" : "them"})`
  }
  for (const [file, sha256] of listed) {
    if (!found.has(file)) return `published file ${file} is missing`
    if (found.get(file) !== sha256) return `published file ${file} has changed since run ${runId} sealed its release`
  }
  return undefined
}

/**
 * The first line of the manifest that the run's lineage entry does not vouch
 * for: a file the entry does not record, a SHA-256 other than the entry's, or
 * a file of the entry that the manifest leaves out.
 */
export const manifestBreaksLineage = (
  manifest: ReleaseManifest,
  vouched: Vouched,
  runId: string
): string | undefined => {
  if (manifest.run_id !== runId) {
    return `${MANIFEST_FILE} is the manifest of run ${manifest.run_id}, not of run ${runId} which made the release: it was replaced`
  }
  for (const file of manifest.files) {
    const recorded = vouched.get(file.path)
    if (recorded === undefined) {
      return `${MANIFEST_FILE} lists ${file.path}, which run ${runId}'s lineage entry does not record: the file was added to the release and to its manifest`
    }
    if (recorded !== "chain" && recorded !== file.sha256) {
      return `${MANIFEST_FILE} gives ${file.path} another SHA-256 than run ${runId}'s lineage entry records: the file and its manifest were changed`
    }
  }
  const listed = new Set(manifest.files.map((file) => file.path))
  const left = [...vouched.keys()].find((file) => !listed.has(file))
  return left === undefined
    ? undefined
    : `${MANIFEST_FILE} does not list ${left}, which run ${runId}'s lineage entry records: the manifest was edited`
}
