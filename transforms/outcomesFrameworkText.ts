/**
 * The outcomes framework as `wsd rules` prints it: domain → i-statement →
 * each indicator with its numerator, denominator and sources, or what
 * measuring the statement would need, so an analyst checks what a version
 * measures without reading its JSON.
 */
import { OUTCOME_DOMAINS, type OutcomesFramework } from "../schemas/outcomesFramework.js"
import { rateUnit } from "./outcomeIndicators.js"

export const formatOutcomesFramework = (framework: OutcomesFramework): string => {
  const measured = framework.statements.filter((statement) => "indicators" in statement).length
  const lines = [
    `outcomes ${framework.version} (${framework.statements.length} statements, ${measured} measured from these extracts)`
  ]
  for (const domain of OUTCOME_DOMAINS) {
    const statements = framework.statements.filter((statement) => statement.domain === domain)
    if (statements.length === 0) continue
    lines.push("", domain)
    for (const statement of statements) {
      lines.push(`  ${statement.id}  ${statement.statement}`)
      if (!("indicators" in statement)) {
        lines.push(`        ${statement.notMeasurable}`)
        continue
      }
      for (const indicator of statement.indicators) {
        lines.push(
          `        ${indicator.id} (${rateUnit(indicator.per)}): ${indicator.title}`,
          `          numerator:   ${indicator.numerator}`,
          `          denominator: ${indicator.denominator}`,
          `          sources:     ${indicator.sources.join(", ")}`
        )
        if (indicator.requires !== undefined) {
          lines.push(
            `          needs:       ${indicator.requires}.csv in the inbox (optional; not measured on a night without it)`
          )
        }
      }
    }
  }
  return lines.join("\n")
}
