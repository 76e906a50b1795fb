/**
 * Names for the synthetic borough by ethnic group, and the spelling variants
 * partners really produce: nicknames and transliterations (which the
 * given-name variant table knows), and small typos (which it does not).
 */

export interface NamePool {
  readonly female: ReadonlyArray<string>
  readonly male: ReadonlyArray<string>
  readonly family: ReadonlyArray<string>
}

const WHITE_BRITISH: NamePool = {
  female: [
    "Olivia",
    "Amelia",
    "Isla",
    "Emily",
    "Elizabeth",
    "Margaret",
    "Susan",
    "Joan",
    "Catherine",
    "Rebecca",
    "Victoria",
    "Jennifer",
    "Sarah",
    "Lucy",
    "Hannah",
    "Grace",
    "Jessica",
    "Patricia",
    "Deborah",
    "Barbara"
  ],
  male: [
    "Oliver",
    "George",
    "Harry",
    "Jack",
    "William",
    "Thomas",
    "James",
    "Robert",
    "Peter",
    "Michael",
    "David",
    "Daniel",
    "Richard",
    "Edward",
    "Samuel",
    "Joseph",
    "Christopher",
    "Matthew",
    "Andrew",
    "Anthony"
  ],
  family: [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Whitfield",
    "Brennan",
    "Price",
    "Cooper",
    "Hughes"
  ]
}
const OTHER_WHITE: NamePool = {
  female: ["Anna", "Maria", "Sofia", "Julia", "Agnieszka", "Elena", "Ioana", "Giulia", "Laura", "Katarzyna"],
  male: ["Tomasz", "Piotr", "Marco", "Luca", "Andrei", "Jakub", "Pavel", "Nikos", "Stefan", "Mateusz"],
  family: [
    "Kowalski",
    "Nowak",
    "Rossi",
    "Popescu",
    "Silva",
    "Novak",
    "Horvat",
    "Papadopoulos",
    "Wisniewski",
    "Ferreira",
    "Schmidt",
    "Kovacs"
  ]
}
const SOUTH_ASIAN: NamePool = {
  female: [
    "Fatima",
    "Aisha",
    "Zainab",
    "Ayesha",
    "Nusrat",
    "Shahana",
    "Rukhsana",
    "Priya",
    "Anjali",
    "Salma",
    "Tahmina",
    "Farzana",
    "Rabia",
    "Sadia",
    "Nazia"
  ],
  male: [
    "Mohammed",
    "Abdul",
    "Ahmed",
    "Rahim",
    "Karim",
    "Imran",
    "Shahid",
    "Ibrahim",
    "Yusuf",
    "Faisal",
    "Arif",
    "Tariq",
    "Rajesh",
    "Amir",
    "Hamza"
  ],
  family: [
    "Begum",
    "Uddin",
    "Ahmed",
    "Hussain",
    "Rahman",
    "Miah",
    "Islam",
    "Khan",
    "Ali",
    "Choudhury",
    "Hoque",
    "Patel",
    "Shah",
    "Akhtar",
    "Chowdhury",
    "Sultana",
    "Karim",
    "Haque"
  ]
}
const BLACK: NamePool = {
  female: [
    "Grace",
    "Blessing",
    "Abena",
    "Chiamaka",
    "Amara",
    "Esther",
    "Funmi",
    "Ruth",
    "Naomi",
    "Precious",
    "Shanice",
    "Tanisha"
  ],
  male: [
    "Kwame",
    "Chinedu",
    "Emmanuel",
    "Kofi",
    "Tunde",
    "Samuel",
    "Daniel",
    "David",
    "Joshua",
    "Marcus",
    "Jermaine",
    "Tyrone"
  ],
  family: [
    "Mensah",
    "Adeyemi",
    "Okafor",
    "Boateng",
    "Osei",
    "Owusu",
    "Okoro",
    "Adebayo",
    "Campbell",
    "Brown",
    "Thomas",
    "Francis",
    "Asante",
    "Eze"
  ]
}
const EAST_ASIAN: NamePool = {
  female: ["Li", "Mei", "Xin", "Ying", "Hui", "Linh", "Yuki", "Min"],
  male: ["Wei", "Jun", "Hao", "Ming", "Jian", "Minh", "Kenji", "Tao"],
  family: ["Wang", "Li", "Zhang", "Chen", "Liu", "Nguyen", "Tran", "Wong", "Lam", "Chan"]
}

/** NHS ethnic category → name pool and share of an inner-London borough's residents. */
export const ETHNIC_GROUPS: ReadonlyArray<readonly [category: string, pool: NamePool, share: number]> = [
  ["A", WHITE_BRITISH, 0.31],
  ["C", OTHER_WHITE, 0.14],
  ["K", SOUTH_ASIAN, 0.3],
  ["H", SOUTH_ASIAN, 0.03],
  ["J", SOUTH_ASIAN, 0.02],
  ["N", BLACK, 0.06],
  ["M", BLACK, 0.03],
  ["R", EAST_ASIAN, 0.03],
  ["G", WHITE_BRITISH, 0.03],
  ["S", OTHER_WHITE, 0.03],
  ["Z", WHITE_BRITISH, 0.02]
]

/** Variants partners write for a given name; the matcher's table knows these. */
export const KNOWN_VARIANTS: Readonly<Record<string, ReadonlyArray<string>>> = {
  Peter: ["Pete"],
  Elizabeth: ["Liz", "Beth"],
  William: ["Bill", "Will"],
  Robert: ["Rob", "Bob"],
  Richard: ["Rick"],
  James: ["Jim", "Jamie"],
  Margaret: ["Maggie"],
  Catherine: ["Kate", "Cathy"],
  Thomas: ["Tom"],
  Michael: ["Mike"],
  Daniel: ["Dan", "Danny"],
  David: ["Dave"],
  Joseph: ["Joe"],
  Samuel: ["Sam"],
  Christopher: ["Chris"],
  Matthew: ["Matt"],
  Anthony: ["Tony"],
  Edward: ["Ed", "Ted"],
  Susan: ["Sue"],
  Deborah: ["Debbie"],
  Jennifer: ["Jenny"],
  Rebecca: ["Becky"],
  Victoria: ["Vicky"],
  Patricia: ["Pat"],
  Andrew: ["Andy"],
  Mohammed: ["Muhammad", "Mohammad", "Mohamed"],
  Ahmed: ["Ahmad"],
  Fatima: ["Fatema"],
  Yusuf: ["Yousef"],
  Ibrahim: ["Ibraheem"],
  Aisha: ["Ayesha"]
}

/** A one-letter typo of the kind keyed by hand: a doubled, dropped or swapped letter. */
export const typo = (name: string, pick: (n: number) => number): string => {
  if (name.length < 4) return `${name}${name.at(-1)}`
  const at = 1 + pick(name.length - 2)
  switch (pick(3)) {
    case 0:
      return name.slice(0, at) + name[at] + name.slice(at)
    case 1:
      return name.slice(0, at) + name.slice(at + 1)
    default:
      return name.slice(0, at) + (name[at + 1] ?? "") + name[at] + name.slice(at + 2)
  }
}

/**
 * Characters a scanner or a tired keyboard confuses (`rn` read as `m`, `cl`
 * as `d`, `O` as `0`), as OCR of paper forms produces them: unlike a typo,
 * the result rarely sounds like the name.
 */
const OCR_CONFUSIONS: ReadonlyArray<readonly [string, string]> = [
  ["rn", "m"],
  ["m", "rn"],
  ["cl", "d"],
  ["d", "cl"],
  ["h", "li"],
  ["li", "h"],
  ["e", "c"],
  ["c", "e"],
  ["a", "o"],
  ["o", "a"],
  ["u", "v"],
  ["n", "h"],
  ["l", "i"],
  ["i", "l"],
  ["w", "vv"],
  ["S", "5"],
  ["O", "0"],
  ["I", "1"],
  ["B", "8"]
]

/** One OCR-like confusion somewhere in `name`; a typo when none of its characters is confusable. */
export const ocrError = (name: string, pick: (n: number) => number): string => {
  const places = OCR_CONFUSIONS.flatMap(([from, to]) => {
    const found: Array<readonly [number, string, string]> = []
    for (let at = name.indexOf(from); at >= 0; at = name.indexOf(from, at + 1)) found.push([at, from, to])
    return found
  })
  if (places.length === 0) return typo(name, pick)
  const [at, from, to] = places[pick(places.length)]!
  return name.slice(0, at) + to + name.slice(at + from.length)
}
