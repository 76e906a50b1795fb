/**
 * The NHS ethnic categories (NHS Data Dictionary, "ethnic category" 2001
 * census codes) by their letters, and the broad groups they fall in. A
 * reader of a published figure sees the name, never a bare letter.
 */

export interface EthnicCategory {
  readonly name: string
  readonly group: string
}

export const ETHNIC_CATEGORIES: Readonly<Record<string, EthnicCategory>> = {
  A: { name: "White: British", group: "White" },
  B: { name: "White: Irish", group: "White" },
  C: { name: "White: any other White background", group: "White" },
  D: { name: "Mixed: White and Black Caribbean", group: "Mixed" },
  E: { name: "Mixed: White and Black African", group: "Mixed" },
  F: { name: "Mixed: White and Asian", group: "Mixed" },
  G: { name: "Mixed: any other mixed background", group: "Mixed" },
  H: { name: "Asian or Asian British: Indian", group: "Asian or Asian British" },
  J: { name: "Asian or Asian British: Pakistani", group: "Asian or Asian British" },
  K: { name: "Asian or Asian British: Bangladeshi", group: "Asian or Asian British" },
  L: { name: "Asian or Asian British: any other Asian background", group: "Asian or Asian British" },
  M: { name: "Black or Black British: Caribbean", group: "Black or Black British" },
  N: { name: "Black or Black British: African", group: "Black or Black British" },
  P: { name: "Black or Black British: any other Black background", group: "Black or Black British" },
  R: { name: "Other ethnic groups: Chinese", group: "Other ethnic groups" },
  S: { name: "Other ethnic groups: any other ethnic group", group: "Other ethnic groups" },
  Z: { name: "Not stated", group: "Not stated" }
}

/** The category's name, or "Not recorded" for a resident whose record carries none. */
export const ethnicCategoryName = (code: string): string =>
  ETHNIC_CATEGORIES[code.toUpperCase()]?.name ?? "Not recorded"

/** The broad group of a category, or "Not recorded". */
export const ethnicGroupName = (code: string): string => ETHNIC_CATEGORIES[code.toUpperCase()]?.group ?? "Not recorded"
