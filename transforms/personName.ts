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

/** Upper case, accents removed, everything but letters and digits dropped. Idempotent. */
export const normaliseName = (raw: string): string =>
  raw
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

/** The primary Double Metaphone code of a normalised name. */
export const phoneticCode = (normalised: string): string => doubleMetaphone(normalised)[0]
