/** `practices` reference: GP practice → primary care network → locality. */
import { defineSource, type SourceRow } from "../extractSource.js"
import { PracticeCode, ReferenceName } from "../fields/fieldTypes.js"

export const practices = defineSource("practices", {
  practice_code: PracticeCode,
  practice_name: ReferenceName,
  pcn: ReferenceName,
  locality: ReferenceName
})

export type Practice = SourceRow<typeof practices>
