/**
 * The data checks beside the models, on SQLite and PostgreSQL: a real build
 * passes every one; a table broken on purpose, or a model that builds rows
 * its checks forbid, fails with the model, the check and how many rows broke
 * it, never a value. And every model file is one select with its checks.
 */
import { readdirSync, readFileSync } from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { sql } from "kysely"
import { describe, expect, it } from "vitest"
import { checkModel, modelChecksOf } from "../../pipelines/warehouse/modelChecks.js"
import type { ModelChecks } from "../../schemas/modelChecks.js"
import { checkQueries } from "../../transforms/modelChecks.js"
import type { WarehouseDb } from "../../pipelines/warehouse/warehouse.js"
import { buildModels, CODES, loadedWarehouse, type SpecInput } from "../spec/specWarehouse.js"
import { testWarehouses } from "../warehouses.js"

const modelsDir = path.join(import.meta.dirname, "..", "..", "sql", "models")
const models = readdirSync(modelsDir)
  .filter((file) => file.endsWith(".sql"))
  .map((file) => file.replace(/\.sql$/, ""))

const input: SpecInput = {
  residents: [
    { id: "child", age: 9 },
    { id: "teen", age: 16 },
    { id: "adult", age: 40 },
    { id: "older", age: 67 },
    { id: "frail", age: 84 }
  ],
  gpEvents: [
    ["frail", CODES.dementia],
    ["older", CODES.copd]
  ]
}

describe("model files", () => {
  it("are each one select, with a checks file beside it", async () => {
    expect(models).toContain("segment_membership")
    for (const model of models) {
      // Statements end with `;` at the end of a line, as the warehouse splits files.
      const statements = readFileSync(path.join(modelsDir, `${model}.sql`), "utf8")
        .replace(/^\s*--.*$/gm, "")
        .split(/;\s*$/m)
        .filter((statement) => statement.trim() !== "")
      expect(statements, model).toHaveLength(1)
      expect(statements[0]!.trim(), model).toMatch(/^(with|select)\b/)
      await Effect.runPromise(modelChecksOf(model))
    }
    const checksFiles = readdirSync(modelsDir).filter((file) => file.endsWith(".checks.json"))
    expect(checksFiles.map((file) => file.replace(/\.checks\.json$/, "")).sort()).toEqual([...models].sort())
  })
})

describe.each(testWarehouses({ citus: true }))("model checks on $name", (warehouse) => {
  if (warehouse.skipped !== undefined) {
    it.skip(warehouse.skipped, () => {})
    return
  }
  /** Builds the spec's warehouse, with `before` done to it before the models run, then `after`. */
  const build = <A, E>(
    after: (db: WarehouseDb) => Effect.Effect<A, E>,
    before: (db: WarehouseDb) => Effect.Effect<unknown> = () => Effect.void
  ) =>
    Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const { db } = yield* loadedWarehouse(input, warehouse.engine())
          yield* before(db)
          return yield* after(db)
        })
      )
    )
  const run = (db: WarehouseDb, statement: string) => Effect.promise(() => sql.raw(statement).execute(db))

  it("pass on a real build, and again over its tables", async () => {
    await build((db) =>
      Effect.gen(function* () {
        yield* buildModels({ db, residents: input.residents.length })
        // person's checks compare it with the spine as loaded, which the build drops once person is built.
        for (const model of models.filter((name) => name !== "person")) yield* checkModel(db, model)
      })
    )
  })

  it("count the rows each kind of check finds, a null failing a row condition", async () => {
    const offending = (model: string, checks: ModelChecks) => (db: WarehouseDb) =>
      Effect.forEach(checkQueries(model, checks), ({ check, sql: text }) =>
        Effect.promise(async () => {
          const { rows } = await sql.raw<{ offending_rows: number }>(text).execute(db)
          return [check, Number(rows[0]!.offending_rows)] as const
        })
      )
    const counts = await build((db) =>
      Effect.gen(function* () {
        yield* buildModels({ db, residents: input.residents.length })
        return [
          // Segments: BWGW child and teen, LW adult and older, PI frail (dementia).
          ...(yield* offending("segment_membership", {
            columns: {
              segment: ["unique", { accepted_values: ["LW"] }],
              reasons: [{ references: "codelist_code.condition" }]
            }
          })(db)),
          // Conditions: older has COPD, frail dementia; the others none.
          ...(yield* offending("person_features", {
            columns: { ltcs: ["not_null"] },
            every_row: ["ltcs <> ''"]
          })(db)),
          ...(yield* offending("person_condition", {
            columns: { person_id: [{ one_row_per: "person.person_id" }] },
            unique: [["kind"]]
          })(db)),
          // One row per condition recorded (older's and frail's): the other three residents' rows match none.
          ...(yield* offending("risk_score", {
            columns: { person_id: [{ one_row_per: "person_condition.person_id" }] }
          })(db))
        ]
      })
    )
    expect(Object.fromEntries(counts)).toEqual({
      "segment unique": 4,
      "segment accepted_values": 3,
      "reasons references codelist_code.condition": 4,
      "ltcs not_null": 3,
      "every_row ltcs <> ''": 3,
      "person_id one_row_per person.person_id": 3,
      "unique (kind)": 2,
      "person_id one_row_per person_condition.person_id": 3
    })
  })

  it("fail on a table broken on purpose, naming the model, the check and the rows but no value", async () => {
    const [wrongSegment, missingResident] = await build((db) =>
      Effect.gen(function* () {
        yield* buildModels({ db, residents: input.residents.length })
        yield* run(db, "update segment_membership set segment = 'XX' where person_id in ('adult', 'older')")
        const wrongSegment = yield* Effect.flip(checkModel(db, "segment_membership"))
        yield* run(db, "update segment_membership set segment = 'LW' where person_id in ('adult', 'older')")
        yield* run(db, "delete from segment_membership where person_id = 'teen'")
        return [wrongSegment, yield* Effect.flip(checkModel(db, "segment_membership"))] as const
      })
    )
    expect(wrongSegment).toMatchObject({
      _tag: "ModelCheckFailure",
      model: "segment_membership",
      check: "segment accepted_values",
      rows: 2
    })
    expect(wrongSegment.message).toBe(
      'model segment_membership failed its check "segment accepted_values" on 2 rows; nothing was published'
    )
    expect(missingResident).toMatchObject({ check: "person_id one_row_per person.person_id", rows: 1 })
    expect(missingResident.message).not.toMatch(/teen|XX/)
  })

  it("fail the build when a model's table ends up holding rows its checks forbid", async () => {
    const failure = await build(
      (db) => Effect.flip(buildModels({ db, residents: input.residents.length })),
      (db) => run(db, "insert into segment_reason (person_id, segment, reason) values ('stranger', 'LW', 'adult')")
    )
    expect(failure).toMatchObject({
      _tag: "ModelCheckFailure",
      model: "segment_reason",
      check: "person_id references person.person_id",
      rows: 1
    })
  })
})
