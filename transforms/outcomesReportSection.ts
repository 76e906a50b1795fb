/**
 * The run report's outcomes section: for each indicator of the outcomes
 * framework, its rate in the most and in the least deprived fifth of the
 * borough (the gradient an equity question starts from), and the statements
 * the extracts cannot measure with what would measure them. A section of its
 * own, from `outcomes.csv`'s controlled rows, so it shows their figures.
 */
import {
  LEAST_DEPRIVED_QUINTILE,
  MOST_DEPRIVED_QUINTILE,
  type OutcomeRow,
  outcomeGradients,
  rateUnit
} from "./outcomeIndicators.js"
import type { ReportSection } from "./reportHtml.js"

export const outcomesSection = <Drawing>(rows: ReadonlyArray<OutcomeRow>): ReportSection<Drawing> => ({
  id: "outcomes",
  title: "Outcomes framework: the deprivation gradient",
  intro: `Each measurable i-statement's indicators (outcomes.csv) in the most deprived fifth of the borough (IMD quintile ${MOST_DEPRIVED_QUINTILE}) against the least deprived (quintile ${LEAST_DEPRIVED_QUINTILE}), from disclosure-controlled counts; a ratio above 1 means the indicator is higher where deprivation is greater. n/a where a count is suppressed or no resident has a deprivation decile.`,
  tables: [
    {
      caption: "Indicators, most against least deprived quintile",
      columns: [
        { key: "statement", label: "Statement", kind: "text" },
        { key: "title", label: "Indicator", kind: "text" },
        { key: "unit", label: "Unit", kind: "text" },
        { key: "most_deprived", label: "Most deprived", kind: "rate" },
        { key: "least_deprived", label: "Least deprived", kind: "rate" },
        { key: "ratio", label: "Ratio", kind: "number" }
      ],
      rows: outcomeGradients(rows).map((gradient) => ({
        statement: rows.find((row) => row.statement_id === gradient.statement_id)?.statement ?? gradient.statement_id,
        title: gradient.title,
        unit: rateUnit(gradient.per),
        most_deprived: gradient.most_deprived,
        least_deprived: gradient.least_deprived,
        ratio: gradient.ratio
      }))
    },
    {
      caption: "Statements and indicators not measured",
      columns: [
        { key: "domain", label: "Domain", kind: "text" },
        { key: "statement", label: "Statement", kind: "text" },
        { key: "title", label: "Indicator", kind: "text" },
        { key: "note", label: "What measuring it needs", kind: "text" }
      ],
      rows: rows
        .filter((row) => row.note !== null)
        .map((row) => ({ domain: row.domain, statement: row.statement, title: row.title ?? "", note: row.note }))
    }
  ]
})
