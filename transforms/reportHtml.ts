/**
 * The run report as one self-contained HTML page: headings, the charts as
 * inline SVG drawings, and beside each chart a table with its numbers, for
 * screen readers, for copying and for anyone who would rather read.
 *
 * The page has no script and loads nothing: its Content-Security-Policy
 * forbids every fetch, so it opens the same offline, from a mail attachment or
 * a shared drive.
 */
import type { ReportRun } from "./reportFigures.js"

export type Cell = string | number | null

export interface ReportColumn {
  readonly key: string
  readonly label: string
  /**
   * How a value shows: counts are controlled (null = suppressed); rates, money
   * and mixed figures are derived from them (null = cannot be shown).
   */
  readonly kind: "text" | "count" | "rate" | "money" | "number"
}

export interface ReportTable {
  readonly caption: string
  /** Shown open rather than behind its summary: a list to act on, not a chart's numbers. */
  readonly open?: boolean
  readonly columns: ReadonlyArray<ReportColumn>
  readonly rows: ReadonlyArray<Readonly<Record<string, Cell>>>
}

export interface ReportSection<Drawing> {
  readonly id: string
  readonly title: string
  readonly intro: string
  readonly chart?: { readonly drawing: Drawing; readonly caption: string }
  readonly tables: ReadonlyArray<ReportTable>
}

export interface ReportPage<Drawing> {
  readonly run: ReportRun
  /** Residents per segment, shown first. */
  readonly headline: ReportTable
  readonly sections: ReadonlyArray<ReportSection<Drawing>>
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)

/** Thousands separated with commas, whatever the machine's locale. */
const grouped = (value: number, decimals: number): string => {
  const [whole = "", fraction] = Math.abs(value).toFixed(decimals).split(".")
  const sign = value < 0 ? "-" : ""
  return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${fraction === undefined ? "" : `.${fraction}`}`
}

export const formatCell = (value: Cell, kind: ReportColumn["kind"]): string => {
  if (value === null) return kind === "count" ? "suppressed" : "n/a"
  if (typeof value === "string") return value
  switch (kind) {
    case "count":
    case "text":
      return grouped(value, 0)
    case "rate":
    // A rate carries the precision its controlled counts allow: a whole number is not padded with a false decimal.
    case "number":
      return grouped(value, Number.isInteger(value) ? 0 : 1)
    case "money":
      return `${value < 0 ? "-" : ""}£${grouped(Math.abs(value), 0)}`
  }
}

const tableHtml = (table: ReportTable): string => {
  const head = table.columns
    .map(
      (column) => `<th scope="col"${column.kind === "text" ? "" : ' class="number"'}>${escapeHtml(column.label)}</th>`
    )
    .join("")
  const body = table.rows
    .map(
      (row) =>
        `<tr>${table.columns
          .map((column, index) => {
            const text = escapeHtml(formatCell(row[column.key] ?? null, column.kind))
            if (index === 0) return `<th scope="row">${text}</th>`
            return `<td${column.kind === "text" ? "" : ' class="number"'}>${text}</td>`
          })
          .join("")}</tr>`
    )
    .join("\n")
  return `<table>\n<caption>${escapeHtml(table.caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`
}

const sectionHtml = (section: ReportSection<string>): string => {
  const heading = `${section.id}-heading`
  const chart =
    section.chart === undefined
      ? ""
      : `<figure>\n${section.chart.drawing}\n<figcaption>${escapeHtml(section.chart.caption)}</figcaption>\n</figure>\n`
  const tables = section.tables
    .map(
      (table) =>
        `<details${table.open === true ? " open" : ""}>\n<summary>Table: ${escapeHtml(table.caption)}</summary>\n${tableHtml(table)}\n</details>\n`
    )
    .join("")
  return `<section id="${section.id}" aria-labelledby="${heading}">\n<h2 id="${heading}">${escapeHtml(section.title)}</h2>\n<p>${escapeHtml(section.intro)}</p>\n${chart}${tables}</section>`
}

const STYLE = `
body { font-family: system-ui, sans-serif; color: #1a1a1a; background: #fff; margin: 0 auto; max-width: 1100px; padding: 1rem 1.5rem 3rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.25rem; }
h2 { font-size: 1.25rem; margin-top: 2.5rem; border-bottom: 1px solid #ccc; padding-bottom: 0.25rem; }
dl.run { display: grid; grid-template-columns: max-content auto; gap: 0.1rem 1rem; margin: 0.5rem 0 1rem; }
dl.run dt { font-weight: 600; }
dl.run dd { margin: 0; font-family: ui-monospace, monospace; }
.note { background: #f3f6f9; border-left: 4px solid #4c78a8; padding: 0.5rem 0.75rem; }
nav ol { columns: 2; }
figure { margin: 1rem 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.9rem; color: #444; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.25rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; }
.number { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #f3f3f3; }
summary { cursor: pointer; color: #1f4e79; }
.headline table { font-size: 1rem; }
`

/** The page, given every chart already drawn as SVG. */
export const reportHtml = (page: ReportPage<string>): string => {
  const { run } = page
  const contents = page.sections
    .map((section) => `<li><a href="#${section.id}">${escapeHtml(section.title)}</a></li>`)
    .join("\n")
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Run report: as of ${escapeHtml(run.as_of)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Whole-systems dataset: run report</h1>
<dl class="run">
<dt>As of</dt><dd>${escapeHtml(run.as_of)}</dd>
<dt>Run</dt><dd>${escapeHtml(run.run_id)}</dd>
<dt>Started</dt><dd>${escapeHtml(run.started_at)}</dd>
<dt>Rules</dt><dd>${escapeHtml(run.rules_version)}</dd>
<dt>Software</dt><dd>wsd ${escapeHtml(run.software_version)}</dd>
</dl>
<p class="note">Every figure here is disclosure-controlled, as in <code>cohort-summary.csv</code>: zero stays zero, counts of 1 to 7 are suppressed (shown as “suppressed”, never as zero) and every other count is rounded to the nearest 5. Rates are worked out from the rounded counts; “n/a” marks a rate or cost that cannot be shown because a count it needs is suppressed or zero.</p>
</header>
<main>
<section class="headline" aria-labelledby="headline-heading">
<h2 id="headline-heading">Residents</h2>
${tableHtml(page.headline)}
</section>
<nav aria-label="Contents">
<h2>Contents</h2>
<ol>
${contents}
</ol>
</nav>
${page.sections.map(sectionHtml).join("\n")}
</main>
</body>
</html>
`
}
