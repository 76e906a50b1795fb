/**
 * Names as demographic matching compares them.
 *
 * Partners spell the same name differently: case, accents (`Zoë`), hyphens
 * and spaces (`Smith-Jones`, `Smith Jones`), apostrophes (`O'Connor`),
 * nicknames (`Pete` for `Peter`) and transliterations (`Mohammed`,
 * `Muhammad`). Normalisation removes the first kinds; a small maintained table
 * of given-name variants handles the last two; Double Metaphone catches
 * spelling variants of family names.
 */
import { doubleMetaphone } from "double-metaphone"

/** ASCII letters and digits, which normalise by upper case alone: most names, and every resident's is normalised each night. */
const PLAIN = /^[A-Za-z0-9]*$/

/** Upper case, accents removed, everything but letters and digits dropped. Idempotent. */
export const normaliseName = (raw: string): string =>
  PLAIN.test(raw)
    ? raw.toUpperCase()
    : raw
        .normalize("NFKD")
        .replace(/\p{M}/gu, "")
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, "")

/**
 * Given-name variants, grouped under one canonical name. Keep the groups
 * disjoint: a name in two groups would make the variant tier guess.
 */
const GIVEN_NAME_GROUPS: ReadonlyArray<ReadonlyArray<string>> = [
  ["PETER", "PETE"],
  ["MOHAMMED", "MOHAMMAD", "MOHAMED", "MOHAMAD", "MUHAMMAD", "MUHAMMED", "MUHAMAD", "MOHAMMUD", "MOHD"],
  ["AHMED", "AHMAD", "AHMET"],
  ["ELIZABETH", "LIZ", "LIZZIE", "LIZZY", "BETH", "BETTY", "ELIZA", "LIBBY"],
  ["WILLIAM", "BILL", "BILLY", "WILL", "WILLIE"],
  ["ROBERT", "ROB", "ROBBIE", "BOB", "BOBBY", "BERT"],
  ["RICHARD", "RICH", "RICHIE", "RICK", "DICK"],
  ["JAMES", "JIM", "JIMMY", "JAMIE"],
  ["JOHN", "JACK", "JOHNNY"],
  ["MARGARET", "MAGGIE", "PEGGY", "MEG", "MAGS"],
  ["CATHERINE", "KATHERINE", "KATHRYN", "CATHRYN", "KATE", "KATIE", "CATH", "KATH", "KAT", "CATHY", "KATHY"],
  ["THOMAS", "TOM", "TOMMY"],
  ["MICHAEL", "MIKE", "MICK", "MICKY"],
  ["DANIEL", "DAN", "DANNY"],
  ["DAVID", "DAVE", "DAVY"],
  ["JOSEPH", "JOE", "JOEY"],
  ["SAMUEL", "SAM", "SAMMY"],
  ["ALEXANDER", "ALEX", "SANDY"],
  ["CHRISTOPHER", "CHRIS", "KIT"],
  ["MATTHEW", "MATT"],
  ["NICHOLAS", "NICK", "NICKY"],
  ["ANTHONY", "TONY"],
  ["EDWARD", "ED", "EDDIE", "TED", "TEDDY"],
  ["SUSAN", "SUE", "SUSIE"],
  ["DEBORAH", "DEBBIE", "DEB"],
  ["JENNIFER", "JENNY", "JEN"],
  ["REBECCA", "BECKY", "BECCA"],
  ["VICTORIA", "VICKY", "TORI"],
  ["PATRICIA", "PAT", "PATTY", "TRISH"],
  ["BARBARA", "BARB", "BABS"],
  ["STEPHEN", "STEVEN", "STEVE"],
  ["ANDREW", "ANDY", "DREW"],
  ["BENJAMIN", "BEN", "BENNY"],
  ["JONATHAN", "JON", "JONNY"],
  ["TIMOTHY", "TIM"],
  ["GEOFFREY", "JEFFREY", "GEOFF", "JEFF"],
  ["FATIMA", "FATIMAH", "FATEMA"],
  ["YUSUF", "YOUSEF", "YUSUFF", "YOUSSEF"],
  ["IBRAHIM", "IBRAHEEM"],
  ["ABDULLAH", "ABDULLA"],
  ["AISHA", "AYESHA", "AISHAH"]
]

const CANONICAL_GIVEN_NAME: ReadonlyMap<string, string> = new Map(
  GIVEN_NAME_GROUPS.flatMap((group) => group.map((name) => [name, group[0]!] as const))
)

/** The canonical form of a normalised given name (`PETE` → `PETER`); itself when it has no variants. */
export const canonicalGivenName = (normalised: string): string => CANONICAL_GIVEN_NAME.get(normalised) ?? normalised

const PHONETIC_CODES = new Map<string, string>()

/**
 * The primary Double Metaphone code of a normalised name. Remembered by name:
 * a borough has far fewer distinct names than residents, and the encoding is
 * the costliest step of indexing the spine.
 */
export const phoneticCode = (normalised: string): string => {
  let code = PHONETIC_CODES.get(normalised)
  if (code === undefined) {
    code = doubleMetaphone(normalised)[0]
    PHONETIC_CODES.set(normalised, code)
  }
  return code
}

let aMatched = new Uint8Array(64)
let bMatched = new Uint8Array(64)

/**
 * Jaro-Winkler similarity of two normalised names, 0 (nothing in common) to 1
 * (equal): the share of characters in common within a window, less
 * transpositions, raised for a common prefix of up to four letters, since
 * partners' typos fall more often late in a name than at its start.
 */
export const jaroWinkler = (a: string, b: string): number => {
  if (a === b) return 1
  if (a.length === 0 || b.length === 0) return 0
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1)
  // Scratch reused across calls: linkage compares millions of pairs a night.
  if (aMatched.length < a.length || bMatched.length < b.length) {
    aMatched = new Uint8Array(Math.max(a.length, b.length) * 2)
    bMatched = new Uint8Array(aMatched.length)
  }
  aMatched.fill(0, 0, a.length)
  bMatched.fill(0, 0, b.length)
  let matches = 0
  for (let i = 0; i < a.length; i++) {
    const to = Math.min(b.length - 1, i + window)
    for (let j = Math.max(0, i - window); j <= to; j++) {
      if (bMatched[j] === 1 || a.charCodeAt(i) !== b.charCodeAt(j)) continue
      aMatched[i] = 1
      bMatched[j] = 1
      matches++
      break
    }
  }
  if (matches === 0) return 0
  let transposed = 0
  for (let i = 0, j = 0; i < a.length; i++) {
    if (aMatched[i] === 0) continue
    while (bMatched[j] === 0) j++
    if (a.charCodeAt(i) !== b.charCodeAt(j)) transposed++
    j++
  }
  const jaro = (matches / a.length + matches / b.length + (matches - transposed / 2) / matches) / 3
  let prefix = 0
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++
  return jaro + prefix * 0.1 * (1 - jaro)
}
