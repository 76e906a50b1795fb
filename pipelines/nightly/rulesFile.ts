/**
 * Reading one of the versioned JSON files under `rules/` (the segmentation
 * rules, the outcomes framework, the tariff, the extract profiles): decoded against its schema, and
 * fingerprinted as read so lineage names exactly the bytes a run applied.
 */
import { readFileSync } from "node:fs"
import { Effect, Schema } from "effect"
import { UsageError } from "../errors.js"
import { type FileFingerprint, fileFingerprint } from "../services/fileDigest.js"

export interface RulesFile<A> {
  readonly value: A
  /** The file's path and SHA-256, as read. */
  readonly fingerprint: FileFingerprint
}

/**
 * `what` names the file in messages; `chosenBy` says what chose it (`rulesFile in the
 * configuration`, `--profiles`), for the next action.
 */
export const readRulesFile = <T>(file: string, schema: Schema.Decoder<T>, what: string, chosenBy: string) =>
  Effect.gen(function* () {
    const bytes = yield* Effect.try({
      try: () => readFileSync(file),
      catch: () =>
        new UsageError({
          message: `${what} ${file} cannot be read`,
          nextAction: `check ${chosenBy}`
        })
    })
    const json = yield* Effect.try({
      try: () => JSON.parse(bytes.toString("utf8")) as unknown,
      catch: () =>
        new UsageError({
          message: `${what} ${file} cannot be read as JSON`,
          nextAction: `check ${chosenBy}`
        })
    })
    const value = yield* Schema.decodeUnknownEffect(schema, { errors: "all" })(json).pipe(
      Effect.mapError(
        (error) =>
          new UsageError({ message: `${what} ${file} is invalid: ${error.message}`, nextAction: "fix the named rule" })
      )
    )
    return { value, fingerprint: fileFingerprint(file, bytes) } satisfies RulesFile<T>
  })
