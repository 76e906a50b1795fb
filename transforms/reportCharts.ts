/**
 * The run report's sections: for each, a Vega-Lite chart of the controlled
 * figures and the table of the same numbers.
 *
 * A suppressed count never looks like a zero: the chart writes "suppressed"
 * where its bar would be (× in the pyramids), as the tables do.
 */
import type { TopLevelSpec } from "vega-lite"
import { SEGMENT_CODES, SEGMENT_NAMES } from "../schemas/segments.js"
import { AGE_BANDS } from "./cohortDimensions.js"
import { controlledInterval, DEFAULT_DISCLOSURE_RULES } from "./disclosureControl.js"
import type { TrendPoint } from "./reportTrend.js"
import { ethnicCategoryName } from "./ethnicCategory.js"
import { formatCell, type ReportPage, type ReportSection, type ReportTable } from "./reportHtml.js"
import { changesSinceLastRun, MEASURE_NAMES, type ReportFigures, UTILISATION_MEASURES } from "./reportFigures.js"

type Datum = Readonly<Record<string, string | number | null>>

const segmentName = (segment: string) => SEGMENT_NAMES[segment] ?? segment
const SEGMENT_ORDER = SEGMENT_CODES.map(segmentName)

const BCF_METRICS: Readonly<Record<string, { readonly name: string; readonly unit: string }>> = {
  non_elective_admissions_per_100000: { name: "Non-elective admissions", unit: "per 100,000 residents" },
  permanent_care_home_admissions_65_plus_per_100000: {
    name: "Permanent admissions to residential and nursing care, 65+",
    unit: "per 100,000 residents 65+"
  },
  still_at_home_91_days_after_reablement_65_plus_percent: {
    name: "Still at home 91 days after discharge into reablement, 65+",
    unit: "% of discharges into reablement"
  }
}
/** Each partner source by name; its file name in the tables beside. */
const SOURCE_NAMES: Readonly<Record<string, string>> = {
  gp_registrations: "GP registrations",
  gp_events: "GP events",
  acute_activity: "Acute hospital activity",
  community_contacts: "Community contacts",
  adult_social_care: "Adult social care",
  childrens_social_care: "Children's social care",
  housing: "Housing",
  benefits: "Benefits",
  education: "Education",
  opt_outs: "Opt-outs",
  practices: "Practices",
  postcode_lsoa: "Postcode to LSOA lookup"
}
const sourceName = (source: string) => SOURCE_NAMES[source] ?? source

const bcfName = (metric: string) => BCF_METRICS[metric]?.name ?? metric

/** The label where a bar cannot be drawn: its count is suppressed, or the rate has nothing to divide by. */
const noteOf = (value: number | null, ...counts: ReadonlyArray<number | null>): string | null => {
  if (value !== null) return null
  return counts.length === 0 || counts.some((count) => count === null) ? "suppressed" : "n/a"
}

const CONFIG = {
  font: "sans-serif",
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11 },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 320, orient: "bottom" as const },
  locale: { number: { decimal: ".", thousands: ",", grouping: [3], currency: ["£", ""] as [string, string] } }
}

const WIDTH = 520

interface BarChart {
  readonly description: string
  readonly values: ReadonlyArray<Datum>
  /** The bars' labels, in order. */
  readonly category: { readonly field: string; readonly title: string | null; readonly order: ReadonlyArray<string> }
  /**
   * `percent` fixes the scale at 0–100, or from `from` to 100 where small
   * differences near 100 matter (stated in the axis title); other scales
   * start at 0 and fit the values.
   */
  readonly value: {
    readonly field: string
    readonly title: string
    readonly format: string
    readonly percent?: boolean
    readonly from?: number
  }
  /** Bars side by side within a category, coloured by this field. */
  readonly group?: { readonly field: string; readonly title: string; readonly order: ReadonlyArray<string> }
  /** One small chart per value of this field, one under another, each with its own scale. */
  readonly panels?: { readonly field: string; readonly order: ReadonlyArray<string> }
  /** Each bar's value written at its end. */
  readonly labelled?: boolean
  /** A line across each bar from one field to the other: the value's interval. */
  readonly interval?: { readonly low: string; readonly high: string }
}

/**
 * Horizontal bars, with "suppressed" (or "n/a", from the datum's `note`)
 * written where a value is null. The bar itself is drawn from `bar`, the value
 * or 0, so that a chart whose every value is suppressed still has a scale.
 */
const barChart = (chart: BarChart): TopLevelSpec => {
  const y = {
    field: chart.category.field,
    type: "nominal" as const,
    title: chart.category.title,
    sort: [...chart.category.order],
    // Vega measures text by estimate (0.8 em a character), so long labels need room to spare.
    axis: { labelLimit: 420 }
  }
  const offset =
    chart.group === undefined ? {} : { yOffset: { field: chart.group.field, sort: [...chart.group.order] } }
  // Whole numbers get whole-number ticks, even on a scale stretched to 0–1 for want of values.
  const wholeNumbers = /(d|\.0f)$/.test(chart.value.format)
  const layer = [
    {
      mark: { type: "bar" as const },
      encoding: {
        y,
        ...offset,
        x: {
          field: "bar",
          type: "quantitative" as const,
          title: chart.value.title,
          scale:
            chart.value.percent === true
              ? { domain: [chart.value.from ?? 0, 100], clamp: true }
              : { domain: { unionWith: [0, 1] } },
          axis: { format: chart.value.format, ...(wholeNumbers ? { tickMinStep: 1 } : {}) }
        },
        ...(chart.group === undefined
          ? {}
          : {
              color: {
                field: chart.group.field,
                type: "nominal" as const,
                title: chart.group.title,
                sort: [...chart.group.order]
              }
            })
      }
    },
    {
      mark: { type: "text" as const, align: "left" as const, dx: 3, fontSize: 10, fontStyle: "italic", fill: "#555" },
      transform: [{ filter: "isValid(datum.note)" }],
      encoding: { y, ...offset, x: { datum: 0, type: "quantitative" as const }, text: { field: "note" } }
    },
    ...(chart.labelled === true
      ? [
          {
            mark: { type: "text" as const, align: "left" as const, dx: 3, fontSize: 10, fill: "#1a1a1a" },
            transform: [{ filter: `isValid(datum['${chart.value.field}'])` }],
            encoding: {
              y,
              ...offset,
              x: { field: "bar", type: "quantitative" as const },
              text: { field: chart.value.field, type: "quantitative" as const, format: chart.value.format }
            }
          }
        ]
      : []),
    ...(chart.interval === undefined
      ? []
      : [
          {
            mark: { type: "rule" as const, stroke: "#1a1a1a", strokeWidth: 1.5 },
            transform: [{ filter: `isValid(datum['${chart.interval.low}'])` }],
            encoding: {
              y,
              x: { field: chart.interval.low, type: "quantitative" as const },
              x2: { field: chart.interval.high }
            }
          }
        ])
  ]
  const base = {
    description: chart.description,
    background: "white",
    config: CONFIG,
    data: { values: [...chart.values] },
    transform: [{ calculate: `isValid(datum['${chart.value.field}']) ? datum['${chart.value.field}'] : 0`, as: "bar" }]
  }
  const panels = chart.panels
  if (panels === undefined) {
    const empty = nothingToDraw(chart.values, chart.value.field)
    if (empty === undefined) return { ...base, width: WIDTH, layer }
    // The figures stay in the spec; only the sentence is drawn.
    const { data, mark, encoding, ...size } = messagePanel(undefined, empty)
    return { ...base, ...size, layer: [{ data, mark, encoding }] }
  }
  return {
    ...base,
    vconcat: panels.order.map((panel) => {
      const title = { text: panel, anchor: "start" as const, fontSize: 12 }
      const empty = nothingToDraw(
        chart.values.filter((value) => value[panels.field] === panel),
        chart.value.field
      )
      if (empty !== undefined) return messagePanel(title, empty)
      return { title, transform: [{ filter: { field: panels.field, equal: panel } }], width: WIDTH, layer }
    })
  }
}

/**
 * What a panel says in place of its axes when none of its values can be
 * drawn, as lines (a small panel shows one under another); undefined when
 * some can.
 */
const nothingToDraw = (values: ReadonlyArray<Datum>, field: string): ReadonlyArray<string> | undefined => {
  const shown = values.filter((value) => value[field] !== null && value[field] !== undefined)
  // An equity group is too few to compare exactly when a count of it is suppressed.
  const suppressed = values.some((value) => value["note"] === "suppressed" || value["note"] === TOO_FEW)
  const below = `below ${DEFAULT_DISCLOSURE_RULES.suppressBelow}:`
  // A bar of some length to draw, or only zeros, which are figures in their own right.
  if (shown.some((value) => value[field] !== 0) || (shown.length > 0 && !suppressed)) return undefined
  if (shown.length > 0) return [`Every count 0 or ${below}`, "suppressed"]
  return suppressed ? [`All counts ${below}`, "suppressed"] : ["Nothing to show:", "no count to divide by"]
}

/**
 * A panel holding only a sentence, with its own data so that no axis is
 * drawn; as wide as a chart on one line, or narrower on as many as it has.
 */
const messagePanel = (
  title: { readonly text: string } | undefined,
  lines: ReadonlyArray<string>,
  width: number = WIDTH
) => {
  const message = width < WIDTH ? [...lines] : lines.join(" ")
  const height = width < WIDTH ? 14 * lines.length : 14
  return {
    ...(title === undefined ? {} : { title }),
    width,
    height,
    data: { values: [{ message }] },
    mark: {
      type: "text" as const,
      align: "left" as const,
      baseline: "top" as const,
      fontSize: width < WIDTH ? 10 : 12,
      fontStyle: "italic"
    },
    encoding: { text: { field: "message" }, x: { value: 0 }, y: { value: 0 } }
  }
}

const residentsSection = (figures: ReportFigures): ReportSection<TopLevelSpec> => {
  const localities = [...new Set(figures.localities.map((row) => row.locality))]
  return {
    id: "residents",
    title: "Residents per segment and locality",
    intro:
      "Every resident is in exactly one segment. Residents are people registered with a partnership practice, alive and registered on the as-of date; localities are their practices'.",
    chart: {
      caption: "Residents per locality, one bar per segment.",
      drawing: barChart({
        description: "Bar chart of residents per locality and segment",
        values: figures.localities.map((row) => ({
          locality: row.locality,
          segment: segmentName(row.segment),
          residents: row.residents,
          note: noteOf(row.residents)
        })),
        category: { field: "locality", title: "Locality", order: localities },
        value: { field: "residents", title: "Residents", format: ",d" },
        group: { field: "segment", title: "Segment", order: SEGMENT_ORDER }
      })
    },
    tables: [
      {
        caption: "Residents per segment and locality",
        columns: [
          { key: "segment", label: "Segment", kind: "text" },
          { key: "locality", label: "Locality", kind: "text" },
          { key: "residents", label: "Residents", kind: "count" }
        ],
        rows: figures.localities.map((row) => ({ ...row, segment: segmentName(row.segment) }))
      }
    ]
  }
}

const pyramidSection = (figures: ReportFigures): ReportSection<TopLevelSpec> => {
  const values = figures.pyramid
    .filter((row) => row.sex === "female" || row.sex === "male")
    .map((row) => ({
      segment: segmentName(row.segment),
      age_band: row.age_band,
      sex: row.sex,
      // Men to the left of the axis, women to the right.
      residents: row.residents === null ? null : row.sex === "male" ? -row.residents : row.residents
    }))
  const y = { field: "age_band", type: "nominal" as const, title: "Age band", sort: [...AGE_BANDS].reverse() }
  const suppressedMark = (sex: string, align: "left" | "right") => ({
    mark: { type: "text" as const, text: "×", align, dx: align === "left" ? 2 : -2, fontSize: 10, fill: "#555" },
    transform: [{ filter: `datum.sex === '${sex}' && !isValid(datum.residents)` }],
    encoding: { y, x: { datum: 0, type: "quantitative" as const } }
  })
  /** Each pyramid on its own scale, the same both sides of the axis so men and women compare. */
  const pyramid = (segment: string) => {
    const empty = nothingToDraw(
      values.filter((row) => row.segment === segment).map((row) => ({ ...row, note: "suppressed" })),
      "residents"
    )
    if (empty !== undefined) return messagePanel({ text: segment }, empty, 220)
    const widest = Math.max(
      1,
      ...values.filter((row) => row.segment === segment).map((row) => Math.abs(row.residents ?? 0))
    )
    return {
      title: { text: segment, fontSize: 12 },
      transform: [{ filter: { field: "segment", equal: segment } }],
      width: 220,
      layer: [
        {
          mark: { type: "bar" as const },
          transform: [{ filter: "isValid(datum.residents)" }],
          encoding: {
            y,
            x: {
              field: "residents",
              type: "quantitative" as const,
              title: "Residents",
              scale: { domain: [-widest, widest] },
              axis: { labelExpr: "format(abs(datum.value), ',d')", tickCount: 4, tickMinStep: 1 }
            },
            color: {
              field: "sex",
              type: "nominal" as const,
              title: "Sex",
              sort: ["male", "female"],
              legend: { labelExpr: "datum.label === 'male' ? 'Men' : 'Women'" }
            }
          }
        },
        suppressedMark("male", "right"),
        suppressedMark("female", "left")
      ]
    }
  }
  const bySegmentBand = new Map(
    figures.pyramid.map((row) => [`${row.segment}|${row.age_band}|${row.sex}`, row.residents])
  )
  return {
    id: "age-sex",
    title: "Age and sex per segment",
    intro:
      "A population pyramid for each segment: men to the left, women to the right, by five-year age band. Residents whose sex is recorded as indeterminate or not known are in the table.",
    chart: {
      caption:
        "Residents per age band and sex, one pyramid per segment, each on its own scale; × marks a suppressed count.",
      drawing: {
        description: "Population pyramids of residents by age band and sex, one per segment",
        background: "white",
        config: CONFIG,
        data: { values },
        hconcat: SEGMENT_ORDER.map(pyramid)
      }
    },
    tables: [
      {
        caption: "Residents per segment, age band and sex",
        columns: [
          { key: "segment", label: "Segment", kind: "text" },
          { key: "age_band", label: "Age band", kind: "text" },
          { key: "female", label: "Female", kind: "count" },
          { key: "male", label: "Male", kind: "count" },
          { key: "indeterminate", label: "Indeterminate", kind: "count" },
          { key: "not_known", label: "Not known", kind: "count" }
        ],
        rows: SEGMENT_CODES.flatMap((segment) =>
          AGE_BANDS.map((band) => ({
            segment: segmentName(segment),
            age_band: band,
            ...Object.fromEntries(
              ["female", "male", "indeterminate", "not_known"].map((sex) => [
                sex,
                bySegmentBand.get(`${segment}|${band}|${sex}`) ?? null
              ])
            )
          }))
        )
      }
    ]
  }
}

const transitionsSection = (figures: ReportFigures): ReportSection<TopLevelSpec> => ({
  id: "transitions",
  title: "The transitions cohort",
  intro:
    "Young people aged 16 to 25 with an EHC plan, a children's social care status or a long-term condition, moving from children's to adult services, per segment; the Born Well & Growing Well and Promoting Independence leads receive the list of them. The segments and their total are controlled together, so the total minus the segments shown gives back none that is suppressed.",
  chart: {
    caption: "Residents in the transitions cohort, per segment.",
    drawing: barChart({
      description: "Bar chart of residents in the transitions cohort per segment",
      values: figures.transitions.segments.map((row) => ({
        segment: segmentName(row.segment),
        residents: row.residents,
        note: noteOf(row.residents)
      })),
      category: { field: "segment", title: null, order: SEGMENT_ORDER },
      value: { field: "residents", title: "Residents", format: ",d" }
    })
  },
  tables: [
    {
      caption: "Residents in the transitions cohort, per segment and in all",
      columns: [
        { key: "segment", label: "Segment", kind: "text" },
        { key: "residents", label: "Residents", kind: "count" }
      ],
      rows: [
        ...figures.transitions.segments.map((row) => ({ segment: segmentName(row.segment), residents: row.residents })),
        { segment: "All in the transitions cohort", residents: figures.transitions.residents }
      ]
    }
  ]
})

const utilisationSection = (figures: ReportFigures): ReportSection<TopLevelSpec> => {
  const residents = new Map(figures.segments.map((row) => [row.segment, row.residents]))
  return {
    id: "utilisation",
    title: "Use of services per segment",
    intro:
      "A&E attendances, non-elective admissions and bed days in the 365 days up to the as-of date, and residents receiving an adult social care service on the as-of date, per 1,000 residents of each segment.",
    chart: {
      caption: "Use of each service per 1,000 residents, by segment; each panel has its own scale.",
      drawing: barChart({
        description: "Bar charts of service use per 1,000 residents by segment, one per service",
        values: figures.utilisation.map((row) => ({
          measure: MEASURE_NAMES[row.measure] ?? row.measure,
          segment: segmentName(row.segment),
          per_1000: row.per_1000,
          note: noteOf(row.per_1000, row.total, residents.get(row.segment) ?? null)
        })),
        category: { field: "segment", title: null, order: SEGMENT_ORDER },
        value: { field: "per_1000", title: "Per 1,000 residents", format: ",.1~f" },
        panels: { field: "measure", order: UTILISATION_MEASURES.map((measure) => MEASURE_NAMES[measure] ?? measure) }
      })
    },
    tables: [
      {
        caption: "Use of services per segment",
        columns: [
          { key: "segment", label: "Segment", kind: "text" },
          { key: "measure", label: "Measure", kind: "text" },
          { key: "total", label: "Total", kind: "count" },
          { key: "per_1000", label: "Per 1,000 residents", kind: "rate" }
        ],
        rows: figures.utilisation.map((row) => ({
          ...row,
          segment: segmentName(row.segment),
          measure: MEASURE_NAMES[row.measure] ?? row.measure
        }))
      }
    ]
  }
}

const budgetSection = (figures: ReportFigures): ReportSection<TopLevelSpec> => {
  const lines = [...new Set(figures.shadow_budget.map((row) => row.service_line))]
  return {
    id: "shadow-budget",
    title: "Cost per segment: the shadow budget",
    intro:
      "What each segment's residents cost over the 365 days up to the as-of date, per partner service: acute activity by point of delivery as costed by the trust, social care as weekly cost times the weeks each service ran, and community, mental health, primary care, children's social care and temporary accommodation at the tariff's indicative unit costs. People who died or left the borough during that time are in no segment: what they used until then is shown as died_or_left; activity that reached no resident is unattributed. A cost is shown only where the number of people costed is not suppressed; the cost per head is per resident of the segment, as in shadow-budget.csv, and shadow-budget-by-area.csv has the same lines per practice, PCN and locality.",
    chart: {
      caption: "Cost in pounds per segment, one bar per service line.",
      drawing: barChart({
        description: "Bar chart of cost per segment and service line",
        values: figures.shadow_budget.map((row) => ({
          segment: segmentName(row.segment),
          service_line: row.service_line,
          cost_gbp: row.cost_gbp,
          note: noteOf(row.cost_gbp, row.people)
        })),
        category: { field: "segment", title: null, order: SEGMENT_ORDER },
        value: { field: "cost_gbp", title: "Cost (£)", format: "$,.0f" },
        group: { field: "service_line", title: "Service line", order: lines }
      })
    },
    tables: [
      {
        caption: "Shadow budget per segment and service line",
        columns: [
          { key: "segment", label: "Segment", kind: "text" },
          { key: "service_line", label: "Service line", kind: "text" },
          { key: "people", label: "People", kind: "count" },
          { key: "cost_gbp", label: "Cost", kind: "money" },
          { key: "residents", label: "Residents of the segment", kind: "count" },
          { key: "cost_per_head_gbp", label: "Cost per head (per resident)", kind: "money" }
        ],
        rows: figures.shadow_budget.map((row) => ({ ...row, segment: segmentName(row.segment) }))
      }
    ]
  }
}

const bcfSection = (figures: ReportFigures): ReportSection<TopLevelSpec> => ({
  id: "bcf",
  title: "Better Care Fund metrics",
  intro:
    "The Better Care Fund metrics from linked data over the 365 days up to the as-of date, as in bcf-metrics.csv. A metric is not shown where its numerator is suppressed.",
  chart: {
    caption: "Each metric in its own unit and scale.",
    drawing: barChart({
      description: "Bar charts of the Better Care Fund metrics, one per metric",
      values: figures.bcf.map((row) => ({
        metric: bcfName(row.metric),
        unit: BCF_METRICS[row.metric]?.unit ?? "",
        value: row.value,
        note: noteOf(row.value, row.numerator, row.denominator)
      })),
      category: { field: "unit", title: null, order: Object.values(BCF_METRICS).map((metric) => metric.unit) },
      value: { field: "value", title: "Value, in the unit named beside its bar", format: ",.1~f" },
      panels: { field: "metric", order: figures.bcf.map((row) => bcfName(row.metric)) }
    })
  },
  tables: [
    {
      caption: "Better Care Fund metrics",
      columns: [
        { key: "metric", label: "Metric", kind: "text" },
        { key: "numerator", label: "Numerator", kind: "count" },
        { key: "denominator", label: "Denominator", kind: "count" },
        { key: "value", label: "Value", kind: "rate" },
        { key: "unit", label: "Unit", kind: "text" }
      ],
      rows: figures.bcf.map((row) => ({
        ...row,
        metric: bcfName(row.metric),
        unit: BCF_METRICS[row.metric]?.unit ?? ""
      }))
    }
  ]
})

/**
 * Where the linkage rates' axis starts: a whole percent below the lowest
 * rate shown, so that 99% and 100% are bars of visibly different length.
 */
export const linkageAxisFrom = (rates: ReadonlyArray<number | null>): number => {
  const shown = rates.filter((rate): rate is number => rate !== null)
  return shown.length === 0 ? 0 : Math.max(0, Math.floor(Math.min(...shown)) - 1)
}

const linkageRateSection = (figures: ReportFigures): ReportSection<TopLevelSpec> => {
  const from = linkageAxisFrom(figures.linkage_rates.map((row) => row.rate_percent))
  return linkageRates(figures, from)
}

const linkageRates = (figures: ReportFigures, from: number): ReportSection<TopLevelSpec> => ({
  id: "linkage-rates",
  title: "Linkage rate per source",
  intro:
    "The share of each partner's records linked to a resident, by NHS number or by demographics. Records of people who opted out are excluded before linkage and from these rates; unlinked records are kept and counted, never guessed.",
  chart: {
    caption:
      from === 0
        ? "Percentage of each source's records linked to a resident."
        : `Percentage of each source's records linked to a resident; the axis starts at ${from}%, not 0, so that small differences near 100% show.`,
    drawing: barChart({
      description: "Bar chart of the percentage of records linked per source",
      values: figures.linkage_rates.map((row) => ({
        source: sourceName(row.source),
        rate_percent: row.rate_percent,
        note: noteOf(row.rate_percent, row.records, row.linked)
      })),
      category: {
        field: "source",
        title: "Source",
        order: figures.linkage_rates.map((row) => sourceName(row.source))
      },
      value: {
        field: "rate_percent",
        title: from === 0 ? "Records linked (%)" : `Records linked (%), axis from ${from}%`,
        format: ".1~f",
        percent: true,
        from
      },
      labelled: true
    })
  },
  tables: [
    {
      caption: "Records linked per source",
      columns: [
        { key: "source", label: "Source", kind: "text" },
        { key: "records", label: "Records", kind: "count" },
        { key: "linked", label: "Linked", kind: "count" },
        { key: "rate_percent", label: "Linked (%)", kind: "rate" }
      ],
      rows: figures.linkage_rates
    }
  ]
})

/** A linkage outcome in words: `linked: nhs_number` reads "Linked: NHS number", `not_resident` "Not resident". */
export const outcomeName = (outcome: string): string => {
  const words = outcome.replaceAll("_", " ").replace(/\bnhs\b/g, "NHS")
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`
}

const linkageTierSection = (figures: ReportFigures): ReportSection<TopLevelSpec> => {
  const sources = [...new Set(figures.linkage.map((row) => row.source))].sort().map(sourceName)
  const outcomes = [...new Set(figures.linkage.map((row) => row.outcome))].sort().map(outcomeName)
  const encoding = {
    y: { field: "source", type: "nominal" as const, title: "Source", sort: sources },
    x: {
      field: "outcome",
      type: "nominal" as const,
      title: "How the record linked",
      sort: outcomes,
      axis: { labelAngle: -40 }
    }
  }
  return {
    id: "linkage-tiers",
    title: "Linkage per source and tier",
    intro:
      "How each source's records reached a resident: by NHS number, or by a tier of demographic matching (a tier links only when exactly one resident fits); or why they did not: ambiguous (more than one fits), unmatched, not a resident, or an NHS number that is missing or invalid.",
    chart: {
      caption: "Records per source and linkage outcome; darker cells hold more records.",
      drawing: {
        description: "Table chart of records per source and linkage outcome",
        background: "white",
        config: CONFIG,
        data: {
          values: figures.linkage.map((row) => ({
            ...row,
            source: sourceName(row.source),
            outcome: outcomeName(row.outcome)
          }))
        },
        transform: [{ calculate: "isValid(datum.records) ? format(datum.records, ',d') : 'suppressed'", as: "label" }],
        width: Math.max(WIDTH, outcomes.length * 70),
        layer: [
          // Shaded only where some count is shown: with every count suppressed a colour scale has nothing to span.
          ...(figures.linkage.some((row) => row.records !== null)
            ? [
                {
                  mark: { type: "rect" as const, stroke: "#fff" },
                  transform: [{ filter: "isValid(datum.records)" }],
                  encoding: {
                    ...encoding,
                    color: {
                      field: "records",
                      type: "quantitative" as const,
                      title: "Records",
                      scale: { range: ["#eef4fa", "#7fb2dc"] }
                    }
                  }
                }
              ]
            : []),
          {
            mark: { type: "text", fontSize: 10, fill: "#1a1a1a" },
            encoding: { ...encoding, text: { field: "label" } }
          }
        ]
      }
    },
    tables: [
      {
        caption: "Records per source and linkage outcome",
        columns: [
          { key: "source", label: "Source", kind: "text" },
          { key: "outcome", label: "Outcome", kind: "text" },
          { key: "records", label: "Records", kind: "count" }
        ],
        rows: figures.linkage
      }
    ]
  }
}

const TOO_FEW = "too few to compare"

const EQUITY_LABEL: Readonly<Record<string, (category: string) => string>> = {
  ethnic_category: ethnicCategoryName,
  imd_decile: (category) => `IMD decile ${category}${category === "1" ? " (most deprived)" : ""}`,
  postcode_district: (category) => `district ${category} (no deprivation lookup)`
}

const equitySection = (
  figures: ReportFigures,
  id: string,
  title: string,
  dimensions: ReadonlyArray<string>,
  intro: string
): ReportSection<TopLevelSpec> => {
  // Each group with its published denominator and an interval that holds
  // for chance and for the counts' rounding, or "too few to compare" where
  // a count is suppressed: a bare rate from counts rounded to 5 could show
  // a gap that is not there (20 of 25 is 80%; the truth may be 22 of 23).
  const rows = figures.linkage_equity
    .filter((row) => dimensions.includes(row.dimension))
    .map((row) => {
      const interval = controlledInterval(row.linked, row.records, DEFAULT_DISCLOSURE_RULES)
      const name = (EQUITY_LABEL[row.dimension] ?? String)(row.category)
      return {
        ...row,
        group: row.records === null ? `${name} (records suppressed)` : `${name} (${row.records} records)`,
        interval_percent: interval === null ? TOO_FEW : `${interval[0]}–${interval[1]}%`,
        low_percent: interval?.[0] ?? null,
        high_percent: interval?.[1] ?? null
      }
    })
  const table: ReportTable = {
    caption: title,
    columns: [
      { key: "group", label: "Group", kind: "text" },
      { key: "records", label: "Records", kind: "count" },
      { key: "linked", label: "Linked", kind: "count" },
      { key: "rate_percent", label: "Linked (%)", kind: "rate" },
      { key: "interval_percent", label: "95% interval, rounding included", kind: "text" }
    ],
    rows
  }
  if (rows.length === 0) return { id, title, intro: `${intro} This run had no such records.`, tables: [] }
  return {
    id,
    title,
    intro: `${intro} Each group shows its records (rounded to 5) and a 95% Wilson interval wide enough for that rounding too; two groups differ only where their intervals do not overlap. Where a count is suppressed the group is marked "${TOO_FEW}".`,
    chart: {
      caption: "Percentage of records linked, per group, with its 95% interval.",
      drawing: barChart({
        description: `Bar chart: ${title}`,
        values: rows.map((row) => ({
          group: row.group,
          rate_percent: row.rate_percent,
          low_percent: row.low_percent,
          high_percent: row.high_percent,
          note: row.low_percent === null ? TOO_FEW : null
        })),
        category: { field: "group", title: null, order: rows.map((row) => row.group) },
        value: { field: "rate_percent", title: "Records linked (%)", format: ".0f", percent: true },
        interval: { low: "low_percent", high: "high_percent" }
      })
    },
    tables: [table]
  }
}

const quarantineSection = (figures: ReportFigures): ReportSection<TopLevelSpec> => {
  const values = figures.quarantine.map((row) => ({
    reason: `${sourceName(row.source)}: ${row.reason}`,
    rows: row.rows,
    note: noteOf(row.rows)
  }))
  const inputs: ReportTable = {
    caption: "Rows read, accepted and quarantined per source",
    columns: [
      { key: "source", label: "Source", kind: "text" },
      { key: "status", label: "Status", kind: "text" },
      { key: "rows_read", label: "Read", kind: "count" },
      { key: "rows_accepted", label: "Accepted", kind: "count" },
      { key: "rows_quarantined", label: "Quarantined", kind: "count" }
    ],
    rows: figures.inputs
  }
  const intro =
    "Rows that broke the extract contract are set aside in the secure area with their row number and a reason per field, and counted here per source and reason (a row with two bad fields counts under both)."
  if (values.length === 0)
    return { id: "quarantine", title: "Quarantined rows", intro: `${intro} No row was quarantined.`, tables: [inputs] }
  return {
    id: "quarantine",
    title: "Quarantined rows",
    intro,
    chart: {
      caption: "Quarantined rows per source and field/reason.",
      drawing: barChart({
        description: "Bar chart of quarantined rows per source and reason",
        values,
        category: { field: "reason", title: null, order: values.map((row) => row.reason) },
        value: { field: "rows", title: "Rows quarantined", format: ",d" }
      })
    },
    tables: [
      {
        caption: "Quarantined rows per source and reason",
        columns: [
          { key: "source", label: "Source", kind: "text" },
          { key: "reason", label: "Field/reason", kind: "text" },
          { key: "rows", label: "Rows", kind: "count" }
        ],
        rows: figures.quarantine
      },
      inputs
    ]
  }
}

const changesSection = (figures: ReportFigures, previous: ReportFigures | undefined): ReportSection<TopLevelSpec> => {
  const id = "changes"
  const title = "Changes since the last run"
  if (previous === undefined) {
    return {
      id,
      title,
      intro: "There is no earlier publication with report figures to compare with: this is the first run here.",
      tables: []
    }
  }
  const runs = [`previous (as of ${previous.run.as_of})`, `this run (as of ${figures.run.as_of})`]
  const values = [previous, figures].flatMap((run, index) =>
    run.segments.map((row) => ({
      segment: segmentName(row.segment),
      run: runs[index] ?? "",
      residents: row.residents,
      note: noteOf(row.residents)
    }))
  )
  return {
    id,
    title,
    intro: `Compared with run ${previous.run.run_id}, the publication this one replaced. Both runs' figures are controlled, so a change of less than 5 may be rounding alone.`,
    chart: {
      caption: "Residents per segment, in the previous run and in this one.",
      drawing: barChart({
        description: "Bar chart of residents per segment in the previous run and this one",
        values,
        category: { field: "segment", title: null, order: SEGMENT_ORDER },
        value: { field: "residents", title: "Residents", format: ",d" },
        group: { field: "run", title: "Run", order: runs }
      })
    },
    tables: [
      {
        caption: "Headline figures, previous run and this one",
        columns: [
          { key: "figure", label: "Figure", kind: "text" },
          { key: "previous", label: "Previous run", kind: "number" },
          { key: "current", label: "This run", kind: "number" },
          { key: "change", label: "Change", kind: "number" }
        ],
        // Each figure shows as its kind does (a suppressed count as "suppressed"), so the cells come formatted.
        rows: changesSinceLastRun(previous, figures).map((change) => ({
          figure: change.figure,
          previous: formatCell(change.previous, change.kind),
          current: formatCell(change.current, change.kind),
          change:
            change.change === null ? "n/a" : `${change.change > 0 ? "+" : ""}${formatCell(change.change, change.kind)}`
        }))
      }
    ]
  }
}

// The run's own health, as a run report shows it: warnings, each source's
// rows, completeness and months, how long each stage took, and the trend.

const warningsSection = (figures: ReportFigures): ReportSection<TopLevelSpec> => ({
  id: "warnings",
  title: "Warnings",
  intro:
    figures.warnings.length === 0
      ? "The run noticed nothing to act on: every source was there, fresh and read whole, nothing was quarantined and every source linked above the configured rate."
      : `The run published, but noticed ${figures.warnings.length === 1 ? "one thing" : `${figures.warnings.length} things`} to act on: each with what to do and the page that explains it. Counts are controlled like every figure here.`,
  tables: [
    {
      caption: "Warnings of this run",
      open: true,
      columns: [
        { key: "source", label: "Source", kind: "text" },
        { key: "warning", label: "Warning", kind: "text" },
        { key: "next_action", label: "Next action", kind: "text" },
        { key: "doc", label: "See", kind: "text" }
      ],
      rows: figures.warnings.map((row) => ({
        ...row,
        source: row.source === null ? "the run" : sourceName(row.source)
      }))
    }
  ]
})

/** A tiny chart of records per month for one source, or the sentence saying why there is none. */
const monthPanel = (source: string, values: ReadonlyArray<Datum>) => {
  const title = { text: sourceName(source), anchor: "start" as const, fontSize: 11 }
  if (values.every((value) => value["records"] === 0)) return messagePanel(title, ["No records in the window"], 200)
  const empty = nothingToDraw(values, "records")
  if (empty !== undefined) return messagePanel(title, empty, 200)
  return {
    title,
    width: 200,
    height: 70,
    transform: [{ filter: { field: "source", equal: source } }],
    layer: [
      {
        mark: { type: "bar" as const, color: "#4c78a8" },
        encoding: {
          x: { field: "month", type: "ordinal" as const, title: "Month", axis: { labelAngle: -90, labelFontSize: 8 } },
          y: {
            field: "bar",
            type: "quantitative" as const,
            title: "Records",
            scale: { domain: { unionWith: [0, 1] } },
            axis: { format: ",d", tickCount: 3, tickMinStep: 1 }
          }
        }
      },
      {
        mark: { type: "text" as const, text: "×", fontSize: 9, fill: "#555", baseline: "bottom" as const },
        transform: [{ filter: "!isValid(datum.records)" }],
        encoding: { x: { field: "month", type: "ordinal" as const }, y: { datum: 0, type: "quantitative" as const } }
      }
    ]
  }
}

const sourcesSection = (figures: ReportFigures): ReportSection<TopLevelSpec> => {
  const sources = [...new Set(figures.records_per_month.map((row) => row.source))]
  const values = figures.records_per_month.map((row) => ({ ...row, bar: row.records ?? 0, note: noteOf(row.records) }))
  return {
    id: "sources",
    title: "Per source: rows, completeness and records per month",
    intro:
      "Each partner extract as the run read it: rows read, accepted and quarantined; for each record source, how complete each field the warehouse keeps is (its share of rows not empty), and its records per month over the window by the record's own date (admission, contact, event or census), so a month an extract lost shows as a dip.",
    chart: {
      caption:
        "Records per month over the window, one small chart per source, each on its own scale; the first and last months are the window's part months; × marks a suppressed month.",
      drawing: {
        description: "Small multiple of records per month, one chart per source",
        background: "white",
        config: CONFIG,
        data: { values },
        concat: sources.map((source) =>
          monthPanel(
            source,
            values.filter((value) => value.source === source)
          )
        ),
        columns: 4,
        resolve: { scale: { y: "independent" as const } }
      }
    },
    tables: [
      {
        caption: "Rows read, accepted and quarantined per source",
        columns: [
          { key: "name", label: "Source", kind: "text" },
          { key: "source", label: "File", kind: "text" },
          { key: "status", label: "Status", kind: "text" },
          { key: "rows_read", label: "Read", kind: "count" },
          { key: "rows_accepted", label: "Accepted", kind: "count" },
          { key: "rows_quarantined", label: "Quarantined", kind: "count" }
        ],
        rows: figures.inputs.map((row) => ({ name: sourceName(row.source), ...row, source: `${row.source}.csv` }))
      },
      {
        caption: "Completeness per source and field",
        columns: [
          { key: "source", label: "Source", kind: "text" },
          { key: "field", label: "Field", kind: "text" },
          { key: "rows", label: "Rows", kind: "count" },
          { key: "non_null", label: "Not empty", kind: "count" },
          { key: "percent", label: "Complete (%)", kind: "rate" }
        ],
        rows: figures.completeness.map((row) => ({ ...row, source: sourceName(row.source) }))
      },
      {
        caption: "Records per source and month",
        columns: [
          { key: "source", label: "Source", kind: "text" },
          { key: "month", label: "Month", kind: "text" },
          { key: "records", label: "Records", kind: "count" }
        ],
        rows: figures.records_per_month.map((row) => ({ ...row, source: sourceName(row.source) }))
      }
    ]
  }
}

/** How long a stage took, as the run's lineage records it. */
export interface StageTiming {
  readonly stage: string
  readonly duration_ms: number
}

const stageTimingsSection = (stages: ReadonlyArray<StageTiming>): ReportSection<TopLevelSpec> => ({
  id: "stage-timings",
  title: "Stage timings",
  intro:
    "How long each stage of the run took, up to the building of the warehouse's lineage tables (the outputs and this report come after). Times vary from night to night with the machine's load; the run's lineage keeps them for every run.",
  tables: [
    {
      caption: "Seconds per stage",
      columns: [
        { key: "stage", label: "Stage", kind: "text" },
        { key: "seconds", label: "Seconds", kind: "number" }
      ],
      rows: stages.map((stage) => ({ stage: stage.stage, seconds: Math.round(stage.duration_ms / 100) / 10 }))
    }
  ]
})

const TREND_MEASURES = ["Residents per segment", "Records linked (%)", "Rows quarantined (%)"] as const

const trendSection = (figures: ReportFigures): ReportSection<TopLevelSpec> => {
  const points: ReadonlyArray<TrendPoint> = [
    ...figures.history,
    {
      run_id: figures.run.run_id,
      as_of: figures.run.as_of,
      segments: figures.segments,
      linkage_rate_percent: figures.totals.linkage_rate_percent,
      quarantine_rate_percent: figures.totals.quarantine_rate_percent
    }
  ]
  // Runs by as-of date, each run its own label so that two runs of one night stay apart.
  const runLabel = (point: TrendPoint, index: number) => `${index + 1}: ${point.as_of}`
  const runs = points.map(runLabel)
  const values = points.flatMap((point, index) => [
    ...point.segments.map((row) => ({
      run: runLabel(point, index),
      measure: TREND_MEASURES[0],
      series: segmentName(row.segment),
      value: row.residents
    })),
    {
      run: runLabel(point, index),
      measure: TREND_MEASURES[1],
      series: "All sources",
      value: point.linkage_rate_percent
    },
    {
      run: runLabel(point, index),
      measure: TREND_MEASURES[2],
      series: "All extracts",
      value: point.quarantine_rate_percent
    }
  ])
  const panel = (measure: (typeof TREND_MEASURES)[number]) => {
    const title = { text: measure, anchor: "start" as const, fontSize: 12 }
    const empty = nothingToDraw(
      values.filter((value) => value.measure === measure).map((value) => ({ ...value, note: "suppressed" })),
      "value"
    )
    if (empty !== undefined) return messagePanel(title, empty)
    return {
      title,
      width: WIDTH,
      height: 120,
      transform: [{ filter: { field: "measure", equal: measure } }, { filter: "isValid(datum.value)" }],
      mark: { type: "line" as const, point: true },
      encoding: {
        x: {
          field: "run",
          type: "ordinal" as const,
          title: "Run (number: as-of date)",
          sort: runs,
          axis: { labelAngle: 0 }
        },
        y: {
          field: "value",
          type: "quantitative" as const,
          title: measure === TREND_MEASURES[0] ? "Residents" : "Percent",
          scale: { zero: false },
          axis: {
            format: measure === TREND_MEASURES[0] ? ",d" : ".1~f",
            tickMinStep: measure === TREND_MEASURES[0] ? 1 : 0.1
          }
        },
        color: { field: "series", type: "nominal" as const, title: null, sort: [...SEGMENT_ORDER] }
      }
    }
  }
  return {
    id: "trend",
    title: `Trend over the last ${points.length === 1 ? "run" : `${points.length} runs`}`,
    intro: `The headline figures of this run and of up to ${figures.history.length === 0 ? "the" : figures.history.length} runs before it, as each published them (controlled: a change under 5 may be rounding alone). ${figures.history.length === 0 ? "There is no earlier run with figures yet, so the trend starts here." : "Each run's figures carry the ones before it."} Points whose count is suppressed are left out of the lines and shown as "suppressed" in the table.`,
    chart: {
      caption:
        "Residents per segment, records linked and rows quarantined, run by run; each panel on its own scale, not from zero.",
      drawing: {
        description: "Line charts of the headline figures over the last runs",
        background: "white",
        config: CONFIG,
        data: { values },
        vconcat: TREND_MEASURES.map(panel),
        resolve: { scale: { color: "independent" as const } }
      }
    },
    tables: [
      {
        caption: "Headline figures, run by run",
        columns: [
          { key: "run", label: "Run", kind: "text" },
          { key: "as_of", label: "As of", kind: "text" },
          ...SEGMENT_CODES.map((segment) => ({ key: segment, label: segmentName(segment), kind: "count" as const })),
          { key: "linkage_rate_percent", label: "Records linked (%)", kind: "rate" },
          { key: "quarantine_rate_percent", label: "Rows quarantined (%)", kind: "rate" }
        ],
        rows: points.map((point) => ({
          run: point.run_id,
          as_of: point.as_of,
          ...Object.fromEntries(point.segments.map((row) => [row.segment, row.residents])),
          linkage_rate_percent: point.linkage_rate_percent,
          quarantine_rate_percent: point.quarantine_rate_percent
        }))
      }
    ]
  }
}

/** The whole report, charts still as Vega-Lite specs. */
export const reportPage = (
  figures: ReportFigures,
  previous: ReportFigures | undefined,
  stages: ReadonlyArray<StageTiming>
): ReportPage<TopLevelSpec> => ({
  run: figures.run,
  headline: {
    caption: "Residents per segment",
    columns: [
      { key: "segment", label: "Segment", kind: "text" },
      { key: "residents", label: "Residents", kind: "count" }
    ],
    rows: [
      ...figures.segments.map((row) => ({ segment: segmentName(row.segment), residents: row.residents })),
      { segment: "All residents", residents: figures.residents }
    ]
  },
  sections: [
    warningsSection(figures),
    residentsSection(figures),
    pyramidSection(figures),
    transitionsSection(figures),
    utilisationSection(figures),
    budgetSection(figures),
    bcfSection(figures),
    linkageRateSection(figures),
    linkageTierSection(figures),
    equitySection(
      figures,
      "linkage-ethnicity",
      "Linkage by ethnic category",
      ["ethnic_category"],
      "Would demographic matching alone have found the resident? Measured on council records whose valid NHS number proves who they are, grouped by that resident's ethnic category (Z or unknown where not recorded): missed links fall hardest on minority residents."
    ),
    equitySection(
      figures,
      "linkage-deprivation",
      "Linkage by deprivation",
      ["imd_decile", "postcode_district"],
      "Records that needed demographic matching, by the deprivation decile of their postcode (or its district where no LSOA lookup covers it): missed links fall hardest on deprived residents."
    ),
    quarantineSection(figures),
    sourcesSection(figures),
    stageTimingsSection(stages),
    trendSection(figures),
    changesSection(figures, previous)
  ]
})
