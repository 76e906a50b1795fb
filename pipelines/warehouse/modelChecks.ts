/**
 * Running the data checks declared beside each model
 * (`sql/models/<model>.checks.json`) over the model's table, as soon as the
 * model has built it: a model whose rows break a check fails the run with
 * the model, the check and how many rows broke it, before anything built on
 * those rows is built or published.
 */
import { readFileSync } from "node:fs"
import { Effect, Schema } from "effect"
import { sql } from "kysely"
import { ModelChecks } from "../../schemas/modelChecks.js"
import { checkQueries } from "../../transforms/modelChecks.js"
import { ModelCheckFailure, UsageError } from "../errors.js"
import { projectFile } from "../services/projectFiles.js"
import type { WarehouseDb } from "./warehouse.js"

const decodeChecks = Schema.decodeUnknownEffect(Schema.fromJsonString(ModelChecks), { errors: "all" })

/** The checks file of a model, decoded. */
export const modelChecksOf = (model: string) => {
  const file = projectFile("sql", "models", `${model}.checks.json`)
  return Effect.try({
    try: () => readFileSync(file, "utf8"),
    catch: () => new UsageError({ message: `model ${model} has no checks file ${file}`, nextAction: "add it" })
  }).pipe(
    Effect.flatMap(decodeChecks),
    Effect.mapError((error) =>
      error._tag === "UsageError"
        ? error
        : new UsageError({
            message: `checks file ${file} is invalid: ${error.message}`,
            nextAction: "fix the named check"
          })
    )
  )
}

/** Runs every check of a model over its table; fails on the first that any row breaks. */
export const checkModel = Effect.fn("checkModel")(function* (db: WarehouseDb, model: string) {
  for (const { check, sql: text } of checkQueries(model, yield* modelChecksOf(model))) {
    const result = yield* Effect.tryPromise({
      try: () => sql.raw<{ offending_rows: number }>(text).execute(db),
      catch: (cause) =>
        new UsageError({
          message: `check "${check}" of model ${model} cannot run: ${cause instanceof Error ? cause.message : String(cause)}`,
          nextAction: `fix the check in sql/models/${model}.checks.json`
        })
    })
    const rows = Number(result.rows[0]?.offending_rows ?? 0)
    if (rows > 0) {
      return yield* new ModelCheckFailure({
        model,
        check,
        rows,
        message: `model ${model} failed its check "${check}" on ${rows} ${rows === 1 ? "row" : "rows"}; nothing was published`,
        nextAction:
          "keep the run's log (.<out>.wsd/logs/) and report the run id with this line; a warehouseBuildSql file that writes to the model's table can cause it too"
      })
    }
  }
})
