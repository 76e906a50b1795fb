/**
 * The identifiers of the bundled fixtures, and a search for them in what a
 * run wrote: shared by the identifier scans of both warehouses.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import { parseExtractDate } from "../../schemas/fields/extractDate.js"
import { checkNhsNumber } from "../../schemas/fields/nhsNumber.js"
import { normalisePostcode } from "../../schemas/fields/postcode.js"
import { fixturesInbox } from "./wsdCommand.js"

/** Columns whose values are a resident's identifiers. */
export const IDENTIFIER_COLUMNS: ReadonlySet<string> = new Set([
  "nhs_number",
  "family_name",
  "given_name",
  "date_of_birth",
  "postcode",
  "uprn",
  "client_id",
  "child_id",
  "household_ref",
  "person_ref",
  "claim_ref",
  "upn"
])

/** Every identifier in the fixtures, in every form it could be written. */
export const fixtureIdentifiers = (): Set<string> => {
  const found = new Set<string>()
  for (const file of fs.readdirSync(fixturesInbox)) {
    if (file === "postcode_lsoa.csv") continue // reference data about areas, not people
    const rows = parse(fs.readFileSync(path.join(fixturesInbox, file)), { bom: true, columns: true }) as Array<
      Record<string, string>
    >
    for (const row of rows) {
      for (const [header, raw] of Object.entries(row)) {
        const column = header
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, "_")
        const value = raw.trim()
        if (!IDENTIFIER_COLUMNS.has(column) || value === "") continue
        found.add(value)
        const nhs = checkNhsNumber(value)
        if (nhs.valid) found.add(nhs.nhsNumber)
        const postcode = normalisePostcode(value)
        if (column === "postcode" && postcode) found.add(postcode).add(postcode.replace(" ", ""))
        const date = parseExtractDate(value)
        if (date) found.add(date).add(date.split("-").reverse().join("/"))
      }
    }
  }
  return found
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** The identifiers that appear in `text` as whole words. */
export const findIdentifiers = (text: string, identifiers: ReadonlySet<string>): Array<string> =>
  [...identifiers].filter((identifier) =>
    new RegExp(`(^|[^A-Za-z0-9])${escape(identifier)}($|[^A-Za-z0-9])`).test(text)
  )
