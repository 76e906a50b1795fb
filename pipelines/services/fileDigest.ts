/**
 * The SHA-256 of a file's bytes, read as a stream so a warehouse of gigabytes
 * never sits in memory: lineage records it for every input and output, and
 * `lineage verify` recomputes it.
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"

export const sha256OfFile = (file: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash("sha256")
    fs.createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")))
  })
