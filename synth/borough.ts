/**
 * A synthetic inner-London borough: residents in households at real-format
 * addresses, registered with 35 practices in 7 PCNs and 4 localities, with
 * conditions from the real codelists at prevalences that rise with age,
 * heavy-tailed hospital use, and social care, children's services, housing,
 * benefits and school records for the right people, written as every partner
 * would send them, errors included at documented rates.
 *
 * Everything comes from one seeded generator: the same seed, size and as-of
 * date give byte-identical extracts. The ground truth (who each council record
 * really is; which rows were broken on purpose) is written beside them.
 */
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import type { SourceName } from "../schemas/sourceCatalogue.js"
import { addDays } from "../schemas/fields/extractDate.js"
import { modulus11CheckDigit } from "../schemas/fields/nhsNumber.js"
import { ETHNIC_GROUPS, KNOWN_VARIANTS, type NamePool, ocrError, typo } from "./names.js"
import { SeededRandom } from "../transforms/seededRandom.js"

export type { SourceName }

export type TruthFile = "council_links" | "injected_errors" | "personas"

/** Where generated rows go; `row` returns the row's number in its file (the header is row 1). */
export interface BoroughSink {
  readonly row: (source: SourceName, cells: Readonly<Record<string, string>>) => number
  readonly truth: (file: TruthFile, cells: Readonly<Record<string, string>>) => void
}

export interface BoroughOptions {
  readonly residents: number
  readonly seed: number
  readonly asOf: string
  /** Folder holding the codelist CSVs conditions are drawn from. */
  readonly codelistDir: string
  /** The rules' `bcf.reablementStartWithinDays`: reablement starts within these days of a discharge. */
  readonly reablementStartWithinDays: number
}

/**
 * Documented error rates. Council demographic copies are corrupted
 * independently at these rates; each source also gets `invalidRow` extra rows
 * that break the contract (so quarantine rates can be checked exactly).
 * The last group are the cases a ladder of one-relaxation tiers cannot link:
 * an OCR-like confusion in one name, a field holding another person's value,
 * two fields corrupted at once, and a given name or date of birth left blank.
 */
export const ERROR_RATES = {
  givenNameVariant: 0.04,
  givenNameTypo: 0.01,
  familyNameTypo: 0.015,
  swappedNames: 0.007,
  transposedDayMonth: 0.007,
  initialOnly: 0.005,
  movedPostcode: 0.04,
  ocrError: 0.01,
  valueOfAnotherPerson: 0.005,
  twoFieldsCorrupted: 0.01,
  missingGivenName: 0.01,
  missingDateOfBirth: 0.01,
  ascNhsNumberMissing: 0.28,
  ascNhsNumberInvalid: 0.02,
  cscNhsNumberMissing: 0.5,
  aeNhsNumberMissing: 0.02,
  invalidRow: 0.002,
  optOut: 0.03,
  twins: 0.02
} as const

const AGE_BANDS_ADULT: ReadonlyArray<readonly [readonly [number, number], number]> = [
  [[18, 24], 14],
  [[25, 34], 33],
  [[35, 44], 22],
  [[45, 54], 13],
  [[55, 64], 9],
  [[65, 74], 4.5],
  [[75, 84], 2.5],
  [[85, 99], 1]
]

interface ConditionModel {
  readonly condition: string
  readonly files: ReadonlyArray<string>
  readonly prevalence: (age: number, sex: string, ethnic: string) => number
}

const byAge = (bands: ReadonlyArray<readonly [number, number]>) => (age: number) => {
  let p = 0
  for (const [from, value] of bands) if (age >= from) p = value
  return p
}

const CONDITIONS: ReadonlyArray<ConditionModel> = [
  {
    condition: "hypertension",
    files: ["hyp"],
    prevalence: byAge([
      [30, 0.03],
      [45, 0.12],
      [65, 0.35],
      [75, 0.5]
    ])
  },
  {
    condition: "diabetes",
    files: ["dm"],
    prevalence: (age, _, ethnic) =>
      byAge([
        [18, 0.005],
        [30, 0.03],
        [45, 0.09],
        [65, 0.18]
      ])(age) * ("HJK".includes(ethnic) ? 1.6 : 1)
  },
  { condition: "asthma", files: ["ast"], prevalence: byAge([[5, 0.07]]) },
  {
    condition: "copd",
    files: ["copd"],
    prevalence: byAge([
      [40, 0.01],
      [65, 0.05]
    ])
  },
  {
    condition: "chd",
    files: ["chd"],
    prevalence: byAge([
      [45, 0.03],
      [65, 0.1]
    ])
  },
  {
    condition: "heart_failure",
    files: ["hf"],
    prevalence: byAge([
      [65, 0.03],
      [75, 0.06]
    ])
  },
  {
    condition: "stroke",
    files: ["strk"],
    prevalence: byAge([
      [55, 0.01],
      [65, 0.04]
    ])
  },
  {
    condition: "ckd",
    files: ["ckd"],
    prevalence: byAge([
      [45, 0.02],
      [65, 0.08]
    ])
  },
  {
    condition: "af",
    files: ["afib"],
    prevalence: byAge([
      [55, 0.01],
      [65, 0.05]
    ])
  },
  {
    condition: "cancer",
    files: ["c19can", "c19haemcan"],
    prevalence: byAge([
      [30, 0.005],
      [45, 0.02],
      [65, 0.06]
    ])
  },
  { condition: "smi", files: ["mh"], prevalence: byAge([[18, 0.01]]) },
  { condition: "depression", files: ["depr"], prevalence: byAge([[18, 0.1]]) },
  { condition: "learning_disability", files: ["ld"], prevalence: () => 0.005 },
  { condition: "epilepsy", files: ["epil"], prevalence: () => 0.007 },
  { condition: "osteoporosis", files: ["osteo"], prevalence: (age, sex) => (age >= 65 && sex === "F" ? 0.08 : 0) },
  { condition: "rheumatoid_arthritis", files: ["rarth"], prevalence: byAge([[45, 0.01]]) },
  {
    condition: "dementia",
    files: ["dem"],
    prevalence: byAge([
      [65, 0.01],
      [75, 0.05],
      [85, 0.15]
    ])
  },
  { condition: "palliative_care", files: ["palcare"], prevalence: byAge([[75, 0.02]]) },
  { condition: "moderate_frailty", files: ["modfrail"], prevalence: byAge([[65, 0.08]]) },
  { condition: "severe_frailty", files: ["sevfrail"], prevalence: byAge([[75, 0.05]]) },
  { condition: "housebound", files: ["housebound"], prevalence: byAge([[75, 0.04]]) },
  { condition: "care_home", files: ["carehome"], prevalence: byAge([[85, 0.06]]) },
  { condition: "autism", files: ["autism"], prevalence: (age) => (age < 25 ? 0.015 : 0.004) }
]

/** Conditions that are coded but are not long-term conditions (the rules' `ltc` kind). */
const NOT_LTCS = ["palliative_care", "moderate_frailty", "severe_frailty", "housebound", "care_home", "autism"]

/**
 * How deprivation shifts health, service use and circumstance: each entry is
 * `[least, most]`, the value for a home in the least deprived LSOAs (IMD
 * decile 10) and in the most deprived (decile 1), linear in between
 * (docs/synthetic-borough.md lists them). Multipliers scale a rate; the rest
 * are probabilities, tenure weights or percentage points.
 */
export const DEPRIVATION_GRADIENT = {
  /** Prevalence of each long-term condition (× its age-specific rate). */
  ltcPrevalence: [0.7, 1.3],
  /** A&E attendances (× the mean count). */
  aeAttendances: [0.6, 1.5],
  /** Hospital admissions, elective and emergency (× the mean count). */
  admissions: [0.7, 1.4],
  /** Tenure weights of a new household (out of about 100). */
  councilTenure: [15, 35],
  ownerOccupierTenure: [40, 10],
  temporaryAccommodationTenure: [1, 6],
  /** A council or housing association household claiming Housing Benefit or Council Tax Reduction. */
  benefitClaim: [0.3, 0.7],
  /** A claim flagged Universal Credit. */
  universalCredit: [0.3, 0.7],
  /** A pupil eligible for free school meals. */
  freeSchoolMeals: [0.1, 0.5],
  /** Routine coded entries in general practice (× the mean count). */
  routineGpEntries: [0.85, 1.2],
  /** A household of five or more living in a home too small for it. */
  overcrowding: [0.25, 0.55],
  /** A pupil's special educational needs: SEN support, and an EHC plan (percentages of pupils). */
  senSupport: [10, 14],
  ehcPlan: [2.5, 4.5],
  /** A pupil's mean absence, percentage points of sessions (exponentially distributed). */
  meanAbsence: [3.5, 8],
  /** An LSOA's annual mean PM2.5, µg/m³ (`lsoa_environment.csv`), give or take `ENVIRONMENT_SPREAD`. */
  pm25: [7, 13],
  /** An LSOA's recorded crimes a year per 1,000 residents, likewise. */
  crimesPer1000: [50, 170]
} as const satisfies Record<string, readonly [number, number]>

/**
 * How far an LSOA's air and crime stray from its decile's value: PM2.5 by up
 * to ±1.5 µg/m³, crimes by up to ±35%, since roads and town centres do not
 * follow deprivation. Drawn from a generator of their own (`ENVIRONMENT_SEED`),
 * so the people drawn after the places are the same with or without them.
 */
const ENVIRONMENT_SPREAD = { pm25: 1.5, crimes: 0.35 }
const ENVIRONMENT_SEED = 0x5ea5_0a1e

/** The gradient's value at `deprivation`, 0 for the least deprived decile and 1 for the most. */
const along = ([least, most]: readonly [number, number], deprivation: number) => least + (most - least) * deprivation

/** Everyday coded entries that are in no codelist: blood pressure, BMI, smoking, flu vaccination. */
/** Admission methods of an emergency (non-elective) spell. */
const EMERGENCY_ADMISSION_METHODS = ["21", "22", "23", "28"]

/**
 * Where people 65+ discharged into reablement are on day 91, for those alive
 * then: at home, permanently in a care home, or back in hospital. With the
 * deaths before day 91 of `PATHWAY_OF_THE_DYING` added, about 82% are at home,
 * as nationally (ASCOF 2B in England has been about 82% since 2011/12).
 */
const DAY_91_OF_THE_LIVING: ReadonlyArray<readonly ["at_home" | "care_home" | "hospital", number]> = [
  ["at_home", 90],
  ["care_home", 5],
  ["hospital", 5]
]

/**
 * Of people who died in the window, the shares aged 65+ whose last weeks
 * reached services: an emergency admission ending in death in hospital;
 * else a discharge into reablement weeks before they died; and a care home
 * placement their death ended (a short stay, yet permanent: BCF counts it).
 */
const PATHWAY_OF_THE_DYING = { diedInHospital: 0.45, reablementBeforeDeath: 0.12, careHomeUntilDeath: 0.06 }

const ROUTINE_CODES = ["271649006", "60621009", "77176002", "86198006", "230056004", "365981007", "1240551000000106"]

/** How each council source's deliberately broken rows are broken. */
const COUNCIL_BREAKAGE = {
  housing: ["tenure", "caravan", "unknown_code"],
  benefits: ["start_date", "31/02/2026", "invalid_date"],
  education: ["attendance_pct", "120", "out_of_range"],
  childrens_social_care: ["status", "ADOPTED", "unknown_code"]
} as const

const codelistFile = (short: string) =>
  short === "housebound" ? "opensafely-housebound.csv" : `nhsd-primary-care-domain-refsets-${short}_cod.csv`

interface Practice {
  readonly code: string
  readonly name: string
  readonly pcn: string
  readonly locality: string
}

interface Address {
  readonly postcode: string
  readonly uprn: string
}

interface Person {
  readonly nhs: string
  given: string
  readonly family: string
  readonly dob: string
  readonly age: number
  readonly sex: "F" | "M"
  readonly ethnic: string
  readonly address: Address
  readonly practice: Practice
  conditions: Set<string>
}

interface Household {
  readonly id: number
  readonly address: Address
  readonly practice: Practice
  readonly members: Array<Person>
  readonly tenure: string
}

const iso = (year: number, month: number, day: number) =>
  `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`

export const generateBorough = (options: BoroughOptions, sink: BoroughSink): void => {
  const random = new SeededRandom(options.seed)
  const { asOf } = options
  const asOfYear = Number(asOf.slice(0, 4))
  const windowStart = addDays(asOf, -364)
  const dateInWindow = () => addDays(windowStart, random.int(0, 364))
  const daysFrom = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000)
  const dateBetween = (from: string, to: string) => addDays(from, random.int(0, Math.max(0, daysFrom(from, to))))

  const codelists = new Map<string, ReadonlyArray<string>>()
  for (const model of CONDITIONS) {
    for (const short of model.files) {
      const rows = parse(readFileSync(path.join(options.codelistDir, codelistFile(short))), {
        columns: true
      }) as Array<{ code: string }>
      codelists.set(
        short,
        rows.map((row) => row.code)
      )
    }
  }

  // Reference data: 35 practices in 7 PCNs and 4 localities; postcodes in LSOAs skewed to deprivation.
  const localities = ["North", "South", "East", "West"]
  const pcns = Array.from({ length: 7 }, (_, i) => ({ name: `PCN ${i + 1}`, locality: localities[i % 4]! }))
  const practices: Array<Practice> = Array.from({ length: 35 }, (_, i) => {
    const pcn = pcns[i % 7]!
    return {
      code: `F84${String(100 + i).padStart(3, "0")}`,
      name: `Practice ${i + 1}`,
      pcn: pcn.name,
      locality: pcn.locality
    }
  })
  for (const p of practices)
    sink.row("practices", { practice_code: p.code, practice_name: p.name, pcn: p.pcn, locality: p.locality })

  // The borough's districts first; a system the size of several boroughs spreads into its neighbours'.
  const districts = ["E1", "E2", "E3", "E14", "E1W", "E5", "E8", "E9", "E10", "E15", "E16", "E17"].slice(
    0,
    Math.min(12, Math.max(4, Math.ceil(options.residents / 120_000)))
  )
  const letters = "ABDEFGHJLNPQRSTUWXYZ"
  // About 35 residents a postcode, never more than half the codes the districts can hold.
  const postcodeCount = Math.min(
    Math.max(40, Math.ceil(options.residents / 35)),
    (districts.length * 10 * letters.length ** 2) / 2
  )
  const postcodes: Array<string> = []
  const seen = new Set<string>()
  while (postcodes.length < postcodeCount) {
    const postcode = `${random.pick(districts)} ${random.int(0, 9)}${random.pick([...letters])}${random.pick([...letters])}`
    if (seen.has(postcode)) continue
    seen.add(postcode)
    postcodes.push(postcode)
  }
  postcodes.sort()
  /** Each postcode's deprivation: 0 in IMD decile 10, 1 in decile 1. */
  const deprivationOf = new Map<string, number>()
  // The Index of Multiple Deprivation ranks LSOAs: every postcode of one shares its decile, and
  // the LSOA's air quality and crime figures follow it.
  let decile = 0
  const environment = new SeededRandom(options.seed ^ ENVIRONMENT_SEED)
  const spread = (within: number) => (2 * environment.next() - 1) * within
  postcodes.forEach((postcode, i) => {
    const lsoa = `E0100${String(4000 + Math.floor(i / 15)).padStart(4, "0")}`
    if (i % 15 === 0) {
      decile = random.weighted([
        [1, 18],
        [2, 17],
        [3, 15],
        [4, 12],
        [5, 10],
        [6, 9],
        [7, 7],
        [8, 5],
        [9, 4],
        [10, 3]
      ])
      const deprivation = (10 - decile) / 9
      sink.row("lsoa_environment", {
        lsoa,
        pm25_ugm3: (along(DEPRIVATION_GRADIENT.pm25, deprivation) + spread(ENVIRONMENT_SPREAD.pm25)).toFixed(1),
        crimes_per_1000: (
          along(DEPRIVATION_GRADIENT.crimesPer1000, deprivation) *
          (1 + spread(ENVIRONMENT_SPREAD.crimes))
        ).toFixed(0)
      })
    }
    deprivationOf.set(postcode, (10 - decile) / 9)
    sink.row("postcode_lsoa", { postcode, lsoa, imd_decile: String(decile) })
  })

  const nhsNumbers = new Set<string>()
  const newNhsNumber = (): string => {
    for (;;) {
      const first = String(random.int(4, 9))
      const nine = first + String(random.int(0, 99_999_999)).padStart(8, "0")
      const check = modulus11CheckDigit(nine)
      if (check === undefined) continue
      const nhs = `${nine}${check}`
      if (nhsNumbers.has(nhs) || /^(\d)\1{9}$/.test(nhs)) continue
      nhsNumbers.add(nhs)
      return nhs
    }
  }
  let uprnCounter = 0
  const newAddress = (): Address => ({
    postcode: random.pick(postcodes),
    uprn: String(100_090_000_000 + ++uprnCounter)
  })

  const ageFromBand = (bands: typeof AGE_BANDS_ADULT) => {
    const [from, to] = random.weighted(bands)
    return random.int(from, to)
  }
  const dobForAge = (age: number) =>
    addDays(iso(asOfYear - age - 1, Number(asOf.slice(5, 7)), Number(asOf.slice(8, 10))), random.int(1, 365))
  const ageOn = (dob: string) => {
    const [y, m, d] = dob.split("-").map(Number) as [number, number, number]
    const [ay, am, ad] = asOf.split("-").map(Number) as [number, number, number]
    return ay - y - (am > m || (am === m && ad >= d) ? 0 : 1)
  }

  const person = (
    household: { address: Address; practice: Practice },
    pool: NamePool,
    ethnic: string,
    family: string,
    age: number,
    sex?: "F" | "M",
    dob?: string,
    twinOf?: Person
  ): Person => {
    const s = sex ?? (random.chance(0.5) ? "F" : "M")
    const birth = dob ?? dobForAge(age)
    const names = s === "F" ? pool.female : pool.male
    let given = random.pick(names)
    // Parents do not give twins one name: a twin drawn with their sibling's is drawn again.
    while (twinOf !== undefined && given === twinOf.given && names.length > 1) given = random.pick(names)
    const created: Person = {
      nhs: newNhsNumber(),
      given,
      family,
      dob: birth,
      age: ageOn(birth),
      sex: s,
      ethnic,
      address: household.address,
      practice: household.practice,
      conditions: new Set()
    }
    recentPeople[createdCount++ % recentPeople.length] = created
    return created
  }

  /** People created lately, whose values council copies sometimes hold instead of their own person's. */
  const recentPeople = new Array<Person>(1000)
  let createdCount = 0
  const anotherPerson = () => recentPeople[random.int(0, Math.min(createdCount, recentPeople.length) - 1)]!

  /**
   * A date of birth with one of year, month or day wrong. A new year or month
   * keeps a day every month has; otherwise the day changes, to one of 1–28.
   */
  const dateOfBirthTypo = (iso: string) => {
    const [y, m, d] = iso.split("-").map(Number) as [number, number, number]
    const component = random.int(0, 2)
    if (component === 0 && d <= 28) return `${y + (random.chance(0.5) ? 1 : -1)}-${iso.slice(5)}`
    if (component === 1 && d <= 28)
      return iso.slice(0, 5) + String(((m + random.int(0, 10)) % 12) + 1).padStart(2, "0") + iso.slice(7)
    return iso.slice(0, 8) + String(((Math.min(d, 28) + random.int(0, 26)) % 28) + 1).padStart(2, "0")
  }

  const counters: Record<string, number> = {}
  const nextRef = (prefix: string) =>
    `${prefix}${String((counters[prefix] = (counters[prefix] ?? 0) + 1)).padStart(7, "0")}`

  // ---- what each partner holds about a person ----

  /** The demographics a council system holds, corrupted at the documented rates. */
  const councilCopy = (p: Person) => {
    const applied: Array<string> = []
    let given = p.given
    let family = p.family
    let dob = p.dob
    // A move changes the whole address: the council holds another postcode and that address's UPRN.
    let address = p.address
    const variants = KNOWN_VARIANTS[given]
    if (variants && random.chance(ERROR_RATES.givenNameVariant)) {
      given = random.pick(variants)
      applied.push("given_name_variant")
    } else if (random.chance(ERROR_RATES.givenNameTypo)) {
      given = typo(given, (n) => random.int(0, n - 1))
      applied.push("given_name_typo")
    } else if (random.chance(ERROR_RATES.initialOnly)) {
      given = given.slice(0, 1)
      applied.push("initial_only")
    }
    if (random.chance(ERROR_RATES.familyNameTypo)) {
      family = typo(family, (n) => random.int(0, n - 1))
      applied.push("family_name_typo")
    }
    if (random.chance(ERROR_RATES.swappedNames)) {
      ;[given, family] = [family, given]
      applied.push("swapped_names")
    }
    const [y, m, d] = dob.split("-")
    if (random.chance(ERROR_RATES.transposedDayMonth) && Number(d) <= 12 && d !== m) {
      dob = `${y}-${d}-${m}`
      applied.push("transposed_day_month")
    }
    if (random.chance(ERROR_RATES.movedPostcode)) {
      address = newAddress()
      applied.push("moved_postcode")
    }
    if (random.chance(ERROR_RATES.ocrError)) {
      if (random.chance(0.6)) family = ocrError(family, (n) => random.int(0, n - 1))
      else given = ocrError(given, (n) => random.int(0, n - 1))
      applied.push("ocr_error")
    }
    if (random.chance(ERROR_RATES.valueOfAnotherPerson)) {
      const other = anotherPerson()
      const field = random.pick(["given_name", "family_name", "date_of_birth", "postcode"] as const)
      if (field === "given_name") given = other.given
      else if (field === "family_name") family = other.family
      else if (field === "date_of_birth") dob = other.dob
      else address = other.address
      applied.push(`${field}_of_another_person`)
    }
    if (random.chance(ERROR_RATES.twoFieldsCorrupted)) {
      const corruptions = {
        given_name_typo: () => (given = typo(given, (n) => random.int(0, n - 1))),
        family_name_typo: () => (family = typo(family, (n) => random.int(0, n - 1))),
        date_of_birth_typo: () => (dob = dateOfBirthTypo(dob)),
        moved_postcode: () => (address = newAddress())
      }
      const names = Object.keys(corruptions) as Array<keyof typeof corruptions>
      const first = random.pick(names)
      const second = random.pick(names.filter((name) => name !== first))
      for (const name of [first, second]) corruptions[name]()
      applied.push(`two_fields(${first}+${second})`)
    }
    if (random.chance(ERROR_RATES.missingGivenName)) {
      given = ""
      applied.push("missing_given_name")
    } else if (random.chance(ERROR_RATES.missingDateOfBirth)) {
      dob = ""
      applied.push("missing_date_of_birth")
    }
    return { given, family, dob, postcode: address.postcode, uprn: address.uprn, corruption: applied.join(";") }
  }

  const linkTruth = (source: SourceName, row: number, p: Person, corruption: string, nhsNumberGiven: string) =>
    sink.truth("council_links", {
      source,
      row: String(row),
      nhs_number: p.nhs,
      nhs_number_given: nhsNumberGiven,
      corruption
    })

  const sexCode = (p: Person) => (random.chance(0.5) ? p.sex : p.sex === "F" ? "2" : "1")
  const ukDate = (date: string) => date.split("-").reverse().join("/")

  // Rows that break the contract, at the documented rate, recorded in the truth.
  const maybeBreak = (
    source: SourceName,
    cells: Record<string, string>,
    field: string,
    bad: string,
    reason: string
  ) => {
    if (!random.chance(ERROR_RATES.invalidRow)) return
    const row = sink.row(source, { ...cells, [field]: bad })
    sink.truth("injected_errors", { source, row: String(row), field, reason })
  }

  /** Writes a GP registration; `ending` may end it (death, moving away) after it began. */
  const writeRegistration = (
    p: Person,
    ending: (registered: string) => Partial<Record<string, string>> = () => ({})
  ) => {
    const registered = dateBetween(p.dob > "2000-01-01" ? p.dob : "2000-01-01", addDays(asOf, -30))
    const cells = {
      nhs_number: random.chance(0.1) ? `${p.nhs.slice(0, 3)} ${p.nhs.slice(3, 6)} ${p.nhs.slice(6)}` : p.nhs,
      family_name: p.family,
      given_name: p.given,
      date_of_birth: random.chance(0.2) ? ukDate(p.dob) : p.dob,
      sex: sexCode(p),
      postcode: p.address.postcode,
      uprn: random.chance(0.95) ? p.address.uprn : "",
      practice_code: p.practice.code,
      registration_date: registered,
      deregistration_date: "",
      date_of_death: "",
      ethnic_category: p.ethnic,
      ...ending(registered)
    }
    sink.row("gp_registrations", cells)
    maybeBreak(
      "gp_registrations",
      { ...cells },
      "nhs_number",
      `${p.nhs.slice(0, 9)}${(Number(p.nhs[9]) + 1) % 10}`,
      "nhs_number_check_digit"
    )
  }

  /** 2 from 75, 1 from 65: how much older age adds to the use of services. */
  const oldAge = (p: Person) => (p.age >= 75 ? 2 : p.age >= 65 ? 1 : 0)
  /** Days in hospital after an emergency admission: longer in old age. */
  const emergencyStay = (p: Person) => random.overdispersed(4 + oldAge(p) * 3, 1)

  /** One acute record; an admitted spell's discharge destination is drawn unless given (79 is a death in hospital). */
  const writeAcute = (
    p: Person,
    type: "AE" | "APC" | "OP",
    method: string,
    start: string,
    stay: number,
    destination?: string
  ) => {
    const cost =
      type === "AE" ? random.int(150, 260) : type === "OP" ? random.int(110, 220) : 1500 + stay * random.int(350, 500)
    const missing = type === "AE" && random.chance(ERROR_RATES.aeNhsNumberMissing)
    const cells = {
      nhs_number: missing ? "" : p.nhs,
      provider_code: "R1H",
      activity_type: type,
      admission_method: method,
      start_date: start,
      end_date: addDays(start, stay),
      primary_diagnosis: type === "OP" ? "" : random.pick(["J44.1", "I50.0", "E11.5", "R07.4", "S72.0", "N39.0"]),
      discharge_destination: type === "APC" ? (destination ?? random.pick(["19", "19", "85", "79"])) : "",
      cost: String(cost)
    }
    sink.row("acute_activity", cells)
    maybeBreak("acute_activity", cells, "end_date", addDays(start, -3), "end_before_start")
  }
  /** An emergency spell ending on `end`, after the stay an emergency admission of `p` has. */
  const writeEmergencySpell = (p: Person, end: string, destination: string) => {
    const stay = emergencyStay(p)
    writeAcute(p, "APC", random.pick(EMERGENCY_ADMISSION_METHODS), addDays(end, -stay), stay, destination)
  }

  const writeHealth = (p: Person) => {
    // A GP record holds one entry per code, day and value: a second would be an exact duplicate record.
    const entered = new Set<string>()
    const enter = (cells: Readonly<Record<string, string>>) => {
      const entry = `${cells.snomed_code}|${cells.event_date}|${cells.value}`
      if (entered.has(entry)) return
      entered.add(entry)
      sink.row("gp_events", cells)
    }
    const deprivation = deprivationOf.get(p.address.postcode)!
    const ltcPrevalence = along(DEPRIVATION_GRADIENT.ltcPrevalence, deprivation)
    for (const model of CONDITIONS) {
      const gradient = NOT_LTCS.includes(model.condition) ? 1 : ltcPrevalence
      if (random.chance(model.prevalence(p.age, p.sex, p.ethnic) * gradient)) p.conditions.add(model.condition)
    }
    for (const condition of p.conditions) {
      const model = CONDITIONS.find((c) => c.condition === condition)!
      const code = random.pick(codelists.get(random.pick(model.files))!)
      const recent = ["moderate_frailty", "severe_frailty", "palliative_care", "housebound", "care_home"].includes(
        condition
      )
      enter({
        nhs_number: p.nhs,
        practice_code: p.practice.code,
        snomed_code: code,
        event_date: recent ? dateInWindow() : dateBetween(p.dob, asOf),
        value: ""
      })
    }
    const ltcs = [...p.conditions].filter((c) => !NOT_LTCS.includes(c)).length
    const routine = random.overdispersed(
      (8 + ltcs * 2 + (p.age >= 65 ? 4 : 0)) * along(DEPRIVATION_GRADIENT.routineGpEntries, deprivation),
      1.5
    )
    for (let i = 0; i < routine; i++) {
      const cells = {
        nhs_number: p.nhs,
        practice_code: p.practice.code,
        snomed_code: random.pick(ROUTINE_CODES),
        event_date: dateInWindow(),
        value: random.chance(0.5) ? String(random.int(60, 180)) : ""
      }
      enter(cells)
      maybeBreak("gp_events", cells, "event_date", "31/02/2026", "invalid_date")
    }

    const old = oldAge(p)
    const acute = (type: "AE" | "APC" | "OP", count: number) => {
      for (let i = 0; i < count; i++) {
        const start = random.chance(0.85) ? dateInWindow() : addDays(windowStart, -random.int(1, 400))
        const method =
          type === "APC"
            ? random.chance(0.6)
              ? random.pick(EMERGENCY_ADMISSION_METHODS)
              : random.pick(["11", "12", "13"])
            : ""
        const stay = type === "APC" ? (method.startsWith("2") ? emergencyStay(p) : random.int(0, 3)) : 0
        writeAcute(p, type, method, start, stay)
      }
    }
    const ae = along(DEPRIVATION_GRADIENT.aeAttendances, deprivation)
    const admissions = along(DEPRIVATION_GRADIENT.admissions, deprivation)
    acute("AE", random.overdispersed((0.25 + 0.25 * ltcs + 0.3 * old + (p.age < 5 ? 0.3 : 0)) * ae, 0.4))
    acute("APC", random.overdispersed((0.04 + 0.12 * ltcs + 0.25 * old) * admissions, 0.3))
    acute("OP", random.overdispersed(0.6 + 0.6 * ltcs + 0.5 * old, 0.6))
    const community = random.overdispersed(
      0.1 + (ltcs >= 2 ? 1.5 : 0) + old * 2 + (p.conditions.has("depression") ? 0.8 : 0),
      0.5
    )
    for (let i = 0; i < community; i++) {
      const service =
        p.conditions.has("depression") && random.chance(0.4)
          ? "talking_therapies"
          : old > 0
            ? random.pick(["district_nursing", "rapid_response", "rehabilitation", "admission_avoidance_discharge"])
            : random.pick(["community_mental_health", "other", "district_nursing"])
      const cells = { nhs_number: p.nhs, provider_code: "RWK", service, contact_date: dateInWindow() }
      sink.row("community_contacts", cells)
      maybeBreak("community_contacts", cells, "service", "acupuncture", "unknown_code")
    }
    return ltcs
  }

  /** A social care client's events, each written with the demographics the council holds of `p`. */
  const writeAscClient = (p: Person, events: ReadonlyArray<Readonly<Record<string, string>>>) => {
    const clientId = nextRef("C")
    const copy = councilCopy(p)
    const nhsGiven = random.chance(ERROR_RATES.ascNhsNumberMissing)
      ? ""
      : random.chance(ERROR_RATES.ascNhsNumberInvalid)
        ? `${p.nhs.slice(0, 9)}${(Number(p.nhs[9]) + 5) % 10}`
        : p.nhs
    const base = {
      client_id: clientId,
      nhs_number: nhsGiven,
      family_name: copy.family,
      given_name: copy.given,
      date_of_birth: copy.dob,
      sex: sexCode(p),
      postcode: copy.postcode,
      primary_support_reason: p.conditions.has("dementia")
        ? "memory_cognition"
        : p.conditions.has("learning_disability")
          ? "learning_disability"
          : "physical"
    }
    for (const event of events) {
      const cells = { ...base, event_end: "", weekly_cost: "", reablement_outcome_91d: "", ...event }
      const row = sink.row("adult_social_care", cells)
      linkTruth("adult_social_care", row, p, copy.corruption, nhsGiven)
      maybeBreak("adult_social_care", cells, "weekly_cost", "-50.00", "negative_money")
    }
  }

  /** A service event of adult social care. */
  const ascService = (type: string, start: string, end: string, weeklyCost: number) => ({
    event_type: "service",
    service_type: type,
    event_start: start,
    event_end: end,
    weekly_cost: String(weeklyCost)
  })
  const careHome = () => random.pick(["residential_care", "nursing_care"])
  /** A placement for good: more than the rules' short stay, so no respite. */
  const careHomeWeekly = () => random.int(700, 1400)

  /**
   * A discharge from an emergency spell on `discharged` into reablement, as
   * the BCF's ASCOF 2B counts it: the spell, then the council's request,
   * assessment and a reablement service starting within the rules' days of
   * the discharge. `outcome` is what the council records of day 91; the
   * metric reads it from the records that make it so, which the caller
   * writes. The reablement ends by `until` (a death), if given.
   */
  const dischargeIntoReablement = (p: Person, discharged: string, outcome: string, until = asOf) => {
    writeEmergencySpell(p, discharged, "19")
    const start = addDays(discharged, random.int(0, options.reablementStartWithinDays))
    const planned = addDays(start, random.int(14, 42))
    const end = planned < until ? planned : until
    return {
      end,
      events: [
        { event_type: "request", service_type: "", event_start: addDays(discharged, -random.int(1, 5)) },
        { event_type: "assessment", service_type: "", event_start: discharged },
        {
          ...ascService("reablement", start, end < asOf ? end : "", random.int(250, 450)),
          reablement_outcome_91d: outcome
        }
      ]
    }
  }

  /**
   * `mayBeAdmitted`: whether the care may have followed a hospital stay (the
   * planted personas' hospital use is the spec's, so theirs may not).
   */
  const writeAdultSocialCare = (p: Person, mayBeAdmitted: boolean) => {
    const events: Array<Record<string, string>> = []
    // Reablement follows a discharge from hospital, in the window or the
    // year before; what follows it decides where the person is on day 91.
    if (p.age >= 65 && mayBeAdmitted && random.chance(0.4)) {
      // Early enough that the reablement has begun by the as-of date.
      const discharged = addDays(asOf, -random.int(options.reablementStartWithinDays + 1, 540))
      const day91 = addDays(discharged, 91)
      const outcome = day91 < asOf ? random.weighted(DAY_91_OF_THE_LIVING) : "at_home"
      const reablement = dischargeIntoReablement(p, discharged, outcome === "at_home" ? "at_home" : "not_at_home")
      events.push(...reablement.events)
      if (outcome === "care_home") {
        events.push(ascService(careHome(), dateBetween(reablement.end, day91), "", careHomeWeekly()))
      } else {
        // Back in hospital on day 91: admitted in the days before it, discharged after it (by the as-of date).
        if (outcome === "hospital") {
          const admitted = addDays(day91, -random.int(1, 10))
          const stay = Math.min(random.int(12, 30), daysFrom(admitted, asOf))
          writeAcute(p, "APC", random.pick(EMERGENCY_ADMISSION_METHODS), admitted, stay, "19")
        }
        if (random.chance(0.5) && reablement.end < asOf)
          events.push(ascService("home_care", reablement.end, "", random.int(150, 600)))
      }
    } else {
      const requested = addDays(asOf, -random.int(30, 900))
      events.push({ event_type: "request", service_type: "", event_start: requested })
      events.push({ event_type: "assessment", service_type: "", event_start: addDays(requested, 14) })
      const longTerm =
        p.age >= 85 && random.chance(0.25)
          ? careHome()
          : random.pick(["home_care", "home_care", "direct_payment", "day_care"])
      const serviceStart = addDays(requested, 30)
      const serviceEnd = random.chance(0.2) ? dateBetween(serviceStart, addDays(asOf, -1)) : ""
      events.push(ascService(longTerm, serviceStart, serviceEnd, random.int(150, 1400)))
    }
    // Respite: a short stay in a care home, which is no permanent admission.
    if (p.age >= 65 && random.chance(0.1)) {
      const start = dateInWindow()
      events.push(ascService(careHome(), start, addDays(start, random.int(6, 27)), random.int(700, 1400)))
    }
    for (let i = random.int(0, 2); i > 0; i--)
      events.push({ event_type: "review", service_type: "", event_start: dateInWindow() })
    writeAscClient(p, events)
  }

  /**
   * The last weeks of someone who died on `died`, in the window, as the
   * partners' records hold them (`PATHWAY_OF_THE_DYING`): their activity is
   * costed on the budget's `died_or_left` line and counted in the BCF's
   * numerators.
   */
  const writeLastWeeks = (p: Person, died: string) => {
    if (p.age < 65) return
    const events: Array<Record<string, string>> = []
    if (random.chance(PATHWAY_OF_THE_DYING.diedInHospital)) writeEmergencySpell(p, died, "79")
    else if (random.chance(PATHWAY_OF_THE_DYING.reablementBeforeDeath)) {
      // Died before day 91 of a discharge into reablement: not at home then.
      const discharged = addDays(died, -random.int(15, 90))
      if (discharged >= windowStart) {
        events.push(...dischargeIntoReablement(p, discharged, "deceased", died).events)
      }
    }
    if (random.chance(PATHWAY_OF_THE_DYING.careHomeUntilDeath)) {
      // A placement that ended with death within the short-stay days: permanent all the same.
      const placed = addDays(died, -random.int(3, 40))
      if (events.length === 0) events.push({ event_type: "assessment", service_type: "", event_start: placed })
      events.push(ascService(careHome(), placed, died, careHomeWeekly()))
    }
    if (events.length > 0) writeAscClient(p, events)
  }

  /** Someone who moved away on `left`, in the window: seen at A&E or by social care before they went. */
  const writeBeforeMoving = (p: Person, left: string) => {
    if (random.chance(0.3)) writeAcute(p, "AE", "", dateBetween(windowStart, left), 0)
    if (p.age >= 65 && random.chance(0.1)) {
      const started = dateBetween(windowStart, left)
      writeAscClient(p, [
        { event_type: "assessment", service_type: "", event_start: started },
        ascService("home_care", started, left, random.int(150, 600))
      ])
    }
  }

  const writeCouncilPerson = (
    source: "housing" | "benefits" | "education" | "childrens_social_care",
    p: Person,
    cells: Record<string, string>
  ) => {
    const copy = councilCopy(p)
    const nhsGiven = source === "childrens_social_care" && !random.chance(ERROR_RATES.cscNhsNumberMissing) ? p.nhs : ""
    const full: Record<string, string> = {
      ...cells,
      family_name: copy.family,
      given_name: copy.given,
      date_of_birth: random.chance(0.3) ? ukDate(copy.dob) : copy.dob,
      sex: sexCode(p),
      postcode: copy.postcode
    }
    // The record's UPRN is of the address it holds, which is the household's unless the copy has moved.
    if (full["uprn"] !== undefined) full["uprn"] = copy.uprn
    if (source === "childrens_social_care") full["nhs_number"] = nhsGiven
    const row = sink.row(source, full)
    linkTruth(source, row, p, copy.corruption, nhsGiven)
    const [field, bad, reason] = COUNCIL_BREAKAGE[source]
    maybeBreak(source, full, field, bad, reason)
  }

  // ---- households ----

  const personas: Array<readonly [string, Person]> = []
  let residents = 0
  let householdId = 0

  /** `personas`: the planted personas, who never opt out (the spec follows them into every output). */
  const writeHousehold = (household: Household, personas = false) => {
    const deprivation = deprivationOf.get(household.address.postcode)!
    for (const member of household.members) {
      writeRegistration(member)
      const ltcs = writeHealth(member)
      if (
        member.age >= 18 &&
        (member.age >= 65
          ? random.chance(
              0.03 +
                ltcs * 0.02 +
                (member.conditions.has("dementia") || member.conditions.has("severe_frailty") ? 0.4 : 0)
            )
          : member.conditions.has("learning_disability") && random.chance(0.3))
      ) {
        writeAdultSocialCare(member, !personas)
      }
      if (member.age < 18 && random.chance(0.03)) {
        writeCouncilPerson("childrens_social_care", member, {
          child_id: nextRef("CH"),
          status: random.weighted([
            ["CIN", 65],
            ["CP", 20],
            ["CLA", 15]
          ]),
          start_date: addDays(asOf, -random.int(10, 700)),
          end_date: ""
        })
      }
      if (member.age >= 4 && member.age <= 17) {
        const support = along(DEPRIVATION_GRADIENT.senSupport, deprivation)
        const ehcPlan = along(DEPRIVATION_GRADIENT.ehcPlan, deprivation)
        const sen = random.weighted([
          ["N", 100 - support - ehcPlan],
          ["K", support],
          ["E", ehcPlan]
        ])
        const cells = {
          upn: `A${String(random.int(0, 99_999_999_999)).padStart(11, "0")}${random.int(0, 9)}`,
          school_urn: String(100_900 + random.int(0, 80)),
          census_date: addDays(asOf, -random.int(20, 60)),
          sen_provision: sen,
          sen_primary_need:
            sen === "N" ? "" : member.conditions.has("autism") ? "ASD" : random.pick(["SLCN", "SEMH", "MLD", "SPLD"]),
          fsm_eligible: random.chance(along(DEPRIVATION_GRADIENT.freeSchoolMeals, deprivation)) ? "Y" : "N",
          // Most pupils miss a few sessions and a few miss many (at most 60%), as in the school census.
          attendance_pct: String(
            (1000 -
              Math.min(
                600,
                Math.round(-10 * along(DEPRIVATION_GRADIENT.meanAbsence, deprivation) * Math.log(1 - random.next()))
              )) /
              10
          ),
          exclusions: String(random.chance(0.03) ? 1 : 0)
        }
        writeCouncilPerson("education", member, cells)
      }
      if (random.chance(ERROR_RATES.optOut) && !personas) {
        const cells = {
          nhs_number: member.nhs,
          opt_out_type: random.chance(0.8) ? "ndoo" : "type1",
          recorded_date: addDays(asOf, -random.int(30, 2000))
        }
        sink.row("opt_outs", cells)
        maybeBreak("opt_outs", cells, "opt_out_type", "paper", "unknown_code")
      }
    }
    if (["council", "housing_association", "temporary_accommodation", "sheltered"].includes(household.tenure)) {
      const householdRef = nextRef("H")
      for (const member of household.members) {
        writeCouncilPerson("housing", member, {
          household_ref: householdRef,
          person_ref: nextRef("HP"),
          uprn: household.address.uprn,
          tenure: household.tenure,
          overcrowded:
            household.members.length >= 5 && random.chance(along(DEPRIVATION_GRADIENT.overcrowding, deprivation))
              ? "Y"
              : "N",
          notice_served: random.chance(0.02) ? "Y" : "N",
          start_date: addDays(asOf, -random.int(30, 5000)),
          end_date: ""
        })
      }
      if (random.chance(along(DEPRIVATION_GRADIENT.benefitClaim, deprivation))) {
        const claimRef = nextRef("CL")
        const adults = household.members.filter((m) => m.age >= 18)
        household.members.forEach((member) => {
          const role =
            member === adults[0]
              ? "claimant"
              : member.age < 18
                ? "dependant"
                : member === adults[1]
                  ? "partner"
                  : "non_dependant"
          writeCouncilPerson("benefits", member, {
            claim_ref: claimRef,
            person_ref: nextRef("BP"),
            role,
            uprn: household.address.uprn,
            benefit_type: random.chance(0.6) ? "housing_benefit" : "council_tax_reduction",
            universal_credit: random.chance(along(DEPRIVATION_GRADIENT.universalCredit, deprivation)) ? "Y" : "N",
            weekly_amount: role === "claimant" ? String(random.int(2000, 16000) / 100) : "",
            start_date: addDays(asOf, -random.int(30, 3000)),
            end_date: ""
          })
        })
      }
    }
    residents += household.members.length
  }

  const newHousehold = (tenure?: string): Omit<Household, "members"> & { members: Array<Person> } => {
    const id = ++householdId
    const address = newAddress()
    const practice = random.pick(practices)
    const deprivation = deprivationOf.get(address.postcode)!
    return {
      id,
      address,
      practice,
      members: [],
      tenure:
        tenure ??
        random.weighted([
          ["council", along(DEPRIVATION_GRADIENT.councilTenure, deprivation)],
          ["housing_association", 15],
          ["private_rented", 32],
          ["owner_occupier", along(DEPRIVATION_GRADIENT.ownerOccupierTenure, deprivation)],
          ["temporary_accommodation", along(DEPRIVATION_GRADIENT.temporaryAccommodationTenure, deprivation)]
        ])
    }
  }

  // The personas of personas.md, planted first.
  {
    const white = ETHNIC_GROUPS[0]![1]
    const joanHome = newHousehold("council")
    const joan = person(joanHome, white, "A", "Whitfield", 73, "F")
    joan.given = "Joan"
    joanHome.members.push(joan)
    writeHousehold(joanHome, true)
    // Six A&E attendances in the window, never admitted.
    for (const date of [-320, -282, -245, -202, -128, -42].map((offset) => addDays(asOf, offset))) {
      sink.row("acute_activity", {
        nhs_number: joan.nhs,
        provider_code: "R1H",
        activity_type: "AE",
        admission_method: "",
        start_date: date,
        end_date: date,
        primary_diagnosis: "J44.1",
        discharge_destination: "",
        cost: "180"
      })
    }
    sink.row("gp_events", {
      nhs_number: joan.nhs,
      practice_code: joan.practice.code,
      snomed_code: "13645005",
      event_date: "2009-05-12",
      value: ""
    })
    sink.row("gp_events", {
      nhs_number: joan.nhs,
      practice_code: joan.practice.code,
      snomed_code: "231504006",
      event_date: "2021-10-03",
      value: ""
    })
    personas.push(["joan", joan])

    const peteHome = newHousehold("sheltered")
    const pete = person(peteHome, white, "A", "Brennan", 55, "M")
    pete.given = "Peter"
    peteHome.members.push(pete)
    writeRegistration(pete)
    sink.row("gp_events", {
      nhs_number: pete.nhs,
      practice_code: pete.practice.code,
      snomed_code: "190388001",
      event_date: "2012-03-30",
      value: ""
    })
    sink.row("gp_events", {
      nhs_number: pete.nhs,
      practice_code: pete.practice.code,
      snomed_code: "59621000",
      event_date: "2015-07-01",
      value: ""
    })
    for (const offset of [-250, -90]) {
      const start = addDays(asOf, offset)
      sink.row("acute_activity", {
        nhs_number: pete.nhs,
        provider_code: "R1H",
        activity_type: "APC",
        admission_method: "21",
        start_date: start,
        end_date: addDays(start, 7),
        primary_diagnosis: "E11.5",
        discharge_destination: "19",
        cost: "4250"
      })
    }
    const peteHousing = sink.row("housing", {
      household_ref: nextRef("H"),
      person_ref: nextRef("HP"),
      family_name: "Brennan",
      given_name: "Pete",
      date_of_birth: pete.dob,
      sex: "M",
      postcode: pete.address.postcode,
      uprn: pete.address.uprn,
      tenure: "sheltered",
      overcrowded: "N",
      notice_served: "Y",
      start_date: addDays(asOf, -20),
      end_date: ""
    })
    sink.truth("council_links", {
      source: "housing",
      row: String(peteHousing),
      nhs_number: pete.nhs,
      nhs_number_given: "",
      corruption: "given_name_variant"
    })
    residents++
    personas.push(["pete", pete])

    const southAsian = ETHNIC_GROUPS[2]![1]
    const family = newHousehold("council")
    const zainab = person(family, southAsian, "K", "Hussain", 32, "F")
    zainab.given = "Zainab"
    zainab.conditions.add("depression")
    const children = [7, 5, 2].map((age, i) => {
      const child = person(family, southAsian, "K", "Hussain", age, i === 1 ? "F" : "M")
      child.given = ["Amir", "Layla", "Yusuf"][i]!
      return child
    })
    children[0]!.conditions.add("autism")
    family.members.push(zainab, ...children)
    sink.row("gp_events", {
      nhs_number: zainab.nhs,
      practice_code: zainab.practice.code,
      snomed_code: "231504006",
      event_date: addDays(asOf, -700),
      value: ""
    })
    writeHousehold(family, true)
    personas.push(["zainab", zainab], ["amir", children[0]!], ["layla", children[1]!], ["yusuf", children[2]!])

    const black = ETHNIC_GROUPS[5]![1]
    const twinsHome = newHousehold("housing_association")
    const daniel = person(twinsHome, black, "N", "Mensah", 14, "M")
    daniel.given = "Daniel"
    const david = person(twinsHome, black, "N", "Mensah", 14, "M", daniel.dob)
    david.given = "David"
    twinsHome.members.push(daniel, david)
    writeHousehold(twinsHome, true)
    const ambiguous = sink.row("childrens_social_care", {
      child_id: nextRef("CH"),
      nhs_number: "",
      family_name: "Mensah",
      given_name: "D",
      date_of_birth: daniel.dob,
      sex: "M",
      postcode: daniel.address.postcode,
      status: "CIN",
      start_date: addDays(asOf, -80),
      end_date: ""
    })
    sink.truth("council_links", {
      source: "childrens_social_care",
      row: String(ambiguous),
      nhs_number: daniel.nhs,
      nhs_number_given: "",
      corruption: "initial_only;twin"
    })
    personas.push(["daniel", daniel], ["david", david])
    for (const [name, p] of personas) sink.truth("personas", { persona: name, nhs_number: p.nhs })
  }

  while (residents < options.residents) {
    const kind = random.weighted([
      ["single", 34],
      ["couple", 19],
      ["family", 30],
      ["shared", 12],
      ["older_couple", 5]
    ])
    const [ethnic, pool] = random.weighted(
      ETHNIC_GROUPS.map(([category, namePool, share]) => [[category, namePool] as const, share] as const)
    )
    const household = newHousehold()
    const family = random.pick(pool.family)
    const adultCount =
      kind === "single" ? 1 : kind === "shared" ? random.int(2, 5) : kind === "family" ? random.int(1, 2) : 2
    const firstAge =
      kind === "older_couple"
        ? random.int(65, 95)
        : kind === "family"
          ? random.int(22, 50)
          : kind === "shared"
            ? random.int(19, 35)
            : ageFromBand(AGE_BANDS_ADULT)
    for (let i = 0; i < adultCount && residents + household.members.length < options.residents; i++) {
      const age =
        i === 0 ? firstAge : kind === "shared" ? random.int(19, 35) : Math.max(18, firstAge + random.int(-6, 6))
      const surname = kind === "shared" ? random.pick(pool.family) : family
      household.members.push(
        person(
          household,
          pool,
          ethnic,
          surname,
          age,
          kind === "single" || kind === "shared" ? undefined : i === 0 ? "F" : "M"
        )
      )
    }
    if (kind === "family") {
      const parentAge = household.members[0]!.age
      for (
        let i = random.weighted([
          [1, 40],
          [2, 35],
          [3, 18],
          [4, 7]
        ]);
        i > 0 && residents + household.members.length < options.residents;
        i--
      ) {
        const age = random.int(0, Math.min(17, parentAge - 18))
        const child = person(household, pool, ethnic, family, age)
        household.members.push(child)
        if (random.chance(ERROR_RATES.twins) && residents + household.members.length < options.residents) {
          household.members.push(person(household, pool, ethnic, family, age, undefined, child.dob, child))
        }
      }
    }
    writeHousehold(household)
  }

  // People on the spine who are not residents: died, moved away, or registered outside the partnership.
  const white = ETHNIC_GROUPS[0]![1]
  for (let i = Math.round(options.residents * 0.04); i > 0; i--) {
    const household = newHousehold("private_rented")
    const fate = random.weighted([
      ["deceased", 15],
      ["moved_away", 70],
      ["outside", 15]
    ])
    // Most deaths are of older people.
    const age = fate === "deceased" && random.chance(0.85) ? random.int(66, 99) : ageFromBand(AGE_BANDS_ADULT)
    const p = person(household, white, "A", random.pick(white.family), age)
    // Half of those who went, went in the window: the people the budget's died_or_left line and the BCF count.
    let went = ""
    const goes = (registered: string) =>
      (went = dateBetween(registered < windowStart && random.chance(0.5) ? windowStart : registered, addDays(asOf, -1)))
    if (fate === "deceased") writeRegistration(p, (registered) => ({ date_of_death: goes(registered) }))
    else if (fate === "moved_away") writeRegistration(p, (registered) => ({ deregistration_date: goes(registered) }))
    else writeRegistration({ ...p, practice: { code: "Y02999", name: "Elsewhere", pcn: "", locality: "" } })
    if (went >= windowStart) {
      if (fate === "deceased") writeLastWeeks(p, went)
      else writeBeforeMoving(p, went)
    }
  }
}
