/**
 * The SHA-256 of a file's bytes, read as a stream so a warehouse of gigabytes
 * never sits in memory: lineage records it for every input and output, and
 * `lineage verify` recomputes it; and the fingerprint of a rules file a run
 * read whole.
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { packageRoot } from "./projectFiles.js"

export const sha256OfFile = (file: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash("sha256")
    fs.createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")))
  })

/** A file a run used, as lineage names it: its path relative to the project (absolute when outside it), and its SHA-256. */
export interface FileFingerprint {
  readonly file: string
  readonly sha256: string
}

/** The fingerprint of `file` from the bytes that were read, so the hash is of what was used. */
export const fileFingerprint = (file: string, bytes: Uint8Array): FileFingerprint => {
  const relative = path.relative(packageRoot, path.resolve(file))
  return {
    file: relative.startsWith("..") || path.isAbsolute(relative) ? path.resolve(file) : relative,
    sha256: createHash("sha256").update(bytes).digest("hex")
  }
}
