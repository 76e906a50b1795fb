/**
 * UK postcodes: normalisation and the coarser geographies kept after
 * pseudonymisation.
 *
 * A full postcode identifies a handful of addresses, so it never reaches the
 * warehouse; its district (`E1`) is coarse enough to keep when no LSOA lookup is
 * supplied, and its sector (`E1 6`) is used only in memory for matching.
 */

// Outward code: area (1–2 letters) + district (digit, then optional digit or letter);
// inward code: digit + two letters. Covers every format in use, plus GIR 0AA.
const POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$/

/** `"e1  6an"` → `"E1 6AN"`; undefined when the value is not a UK postcode. */
export const normalisePostcode = (raw: string): string | undefined => {
  const compact = raw.replace(/\s+/g, "").toUpperCase()
  if (compact === "GIR0AA") return "GIR 0AA"
  const match = POSTCODE.exec(compact)
  return match ? `${match[1]} ${match[2]}` : undefined
}

/** The outward code of a normalised postcode: `"E1 6AN"` → `"E1"`. */
export const postcodeDistrict = (postcode: string): string => postcode.split(" ")[0] ?? postcode

/** The sector of a normalised postcode: `"E1 6AN"` → `"E1 6"`. */
export const postcodeSector = (postcode: string): string => postcode.slice(0, postcode.length - 2)
