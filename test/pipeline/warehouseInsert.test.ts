/**
 * Bulk loads on either warehouse keep every value as it was: text that
 * `COPY`'s format must escape (tabs, line breaks, backslashes, a literal
 * `\N`), across more rows than one `COPY` chunk or one SQLite statement holds.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { discardBuild, insertRows, openWarehouse } from "../../pipelines/warehouse/warehouse.js"
import type { PracticeTable } from "../../schemas/warehouse.js"
import { testWarehouses } from "../warehouses.js"

const AWKWARD = ["tab\there", "line\nbreak", "carriage\r\nreturn", "back\\slash", "\\N", "trailing\\", "Ćwiklińska"]

const practices: Array<PracticeTable> = Array.from({ length: 1_000 }, (_, i) => ({
  practice_code: `P${String(i).padStart(5, "0")}`,
  practice_name: `${AWKWARD[i % AWKWARD.length]} ${i}`,
  pcn: AWKWARD[(i + 3) % AWKWARD.length]!,
  locality: ""
}))

describe.each(testWarehouses({ citus: true }))("bulk loads on $name", (warehouse) => {
  if (warehouse.skipped !== undefined) {
    it.skip(warehouse.skipped, () => {})
    return
  }

  it("reads back 1,000 rows of awkward text exactly as written", async () => {
    const engine = warehouse.engine()
    const read = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* Effect.addFinalizer(() => discardBuild(engine, "insert"))
          const db = yield* openWarehouse(engine, "insert")
          yield* insertRows(db, "practice", practices)
          return yield* Effect.promise(() => db.selectFrom("practice").selectAll().orderBy("practice_code").execute())
        })
      )
    )
    expect(read).toEqual(practices)
  })
})
