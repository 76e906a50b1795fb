/**
 * Draws a Vega-Lite chart as a static SVG, in Node: the spec is compiled to
 * Vega and rendered headless, so the report carries finished drawings and
 * needs no script to show them. The drawing depends only on the spec (text is
 * measured by Vega's own estimate, not a font engine), so the same figures
 * give the same bytes.
 */
import { Effect } from "effect"
import type { TopLevelSpec } from "vega-lite"
import { outputError } from "./outputFiles.js"

export interface ChartDrawing {
  readonly svg: string
  /** What Vega or Vega-Lite warned about while drawing (field and scale names, never data). */
  readonly warnings: ReadonlyArray<string>
}

/**
 * Vega numbers the ids of gradients and clip paths from a counter that lives
 * as long as the process, so a drawing would depend on what was drawn before
 * it, and two drawings inlined in one page could share an id. Each id becomes
 * the chart's own prefix and its place in this drawing.
 */
const scopeIds = (svg: string, prefix: string): string => {
  const ids = [...new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]!))]
  return ids.reduce(
    (text, id, index) =>
      text.replaceAll(`id="${id}"`, `id="${prefix}-${index + 1}"`).replaceAll(`#${id})`, `#${prefix}-${index + 1})`),
    svg
  )
}

/** Draws `spec`; `idPrefix` names the ids inside the drawing, unique within the page. */
export const chartSvg = (spec: TopLevelSpec, idPrefix: string) =>
  Effect.tryPromise({
    try: async (): Promise<ChartDrawing> => {
      // Loaded on first use: only a run that writes a report pays for them.
      const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")])
      const warnings: Array<string> = []
      const logger = vega.logger(vega.Warn, undefined, (_method, _level, args) => {
        warnings.push(args.map(String).join(" "))
      })
      const view = new vega.View(vega.parse(vegaLite.compile(spec, { logger }).spec), { renderer: "none", logger })
      try {
        return { svg: scopeIds(await view.toSVG(), idPrefix), warnings }
      } finally {
        view.finalize()
      }
    },
    catch: outputError(`cannot draw the chart "${spec.description ?? "untitled"}"`)
  })
