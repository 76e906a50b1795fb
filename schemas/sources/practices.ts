/** `practices` reference: GP practice → primary care network → locality. */
import { defineSource, type SourceRow } from "../extractSource.js"
import { PracticeCode, Text } from "../fields/fieldTypes.js"

export const practices = defineSource("practices", {
  practice_code: PracticeCode,
  practice_name: Text,
  pcn: Text,
  locality: Text
})

export type Practice = SourceRow<typeof practices>
