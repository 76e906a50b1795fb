/**
 * Drawing the report's charts in Node: every section's chart renders to an
 * SVG with marks and without a warning, the same figures always give the same
 * bytes, and text from the data cannot become markup.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { chartSvg } from "../../pipelines/outputs/chartSvg.js"
import { DEFAULT_DISCLOSURE_RULES } from "../../transforms/disclosureControl.js"
import { reportPage } from "../../transforms/reportCharts.js"
import { reportFigures } from "../../transforms/reportFigures.js"
import { sampleCounts } from "../unit/reportSample.js"

const figures = reportFigures(sampleCounts, DEFAULT_DISCLOSURE_RULES)
const page = reportPage(figures, reportFigures({ ...sampleCounts, cohortCounts: [] }, DEFAULT_DISCLOSURE_RULES), [
  { stage: "read spine", duration_ms: 1234 }
])

/** Vega writes each mark as a group of class `role-mark` holding one element per item drawn. */
const drawnItems = (svg: string) =>
  [...svg.matchAll(/<g class="mark-[a-z]+ role-mark[^"]*"[^>]*>(.*?)<\/g>/gs)].filter(([, items]) =>
    /<(path|text|line|rect)\b/.test(items ?? "")
  ).length

/** The sections that are tables only: the warnings and the stage timings. */
const charted = page.sections.filter((section) => section.chart !== undefined)

describe("report charts as SVG", () => {
  it.effect("draws every section's chart with marks and no warning", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(
        page.sections.filter((section) => section.chart === undefined).map((section) => section.id),
        ["warnings", "stage-timings"]
      )
      for (const section of charted) {
        const drawing = yield* chartSvg(section.chart!.drawing, section.id)
        assert.match(drawing.svg, /^<svg [^>]*width="\d+" height="\d+"/, section.id)
        assert.isAbove(drawnItems(drawing.svg), 0, section.id)
        assert.deepStrictEqual(drawing.warnings, [], section.id)
      }
    })
  )

  it.effect("gives the same bytes for the same figures", () =>
    Effect.gen(function* () {
      for (const section of charted) {
        const first = yield* chartSvg(section.chart!.drawing, section.id)
        const second = yield* chartSvg(section.chart!.drawing, section.id)
        assert.strictEqual(second.svg, first.svg, section.id)
      }
    })
  )

  it.effect("names the ids inside a drawing after its chart, so drawings inlined in one page never share one", () =>
    Effect.gen(function* () {
      const tiers = page.sections.find((section) => section.id === "linkage-tiers")!
      const drawing = yield* chartSvg(tiers.chart!.drawing, "tiers")
      // The legend's colour gradient is defined once and used by reference.
      assert.include(drawing.svg, '<linearGradient id="tiers-1"')
      assert.include(drawing.svg, 'fill="url(#tiers-1)"')
      assert.notMatch(drawing.svg, /id="(?!tiers-)/)
    })
  )

  it.effect("writes text from the data as text", () =>
    Effect.gen(function* () {
      const hostile = reportPage(
        reportFigures(
          {
            ...sampleCounts,
            practices: [{ practice_code: "F84001", pcn: "North PCN", locality: "<script>alert(1)</script> & co" }]
          },
          DEFAULT_DISCLOSURE_RULES
        ),
        undefined,
        []
      )
      const drawing = yield* chartSvg(
        hostile.sections.find((section) => section.id === "residents")!.chart!.drawing,
        "hostile"
      )
      assert.notInclude(drawing.svg, "<script")
      assert.include(drawing.svg, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co")
    })
  )

  it.effect("reports what Vega warns about", () =>
    Effect.gen(function* () {
      const drawing = yield* chartSvg(
        {
          data: { values: [{ a: 1 }] },
          mark: "bar",
          encoding: {
            x: { field: "a", type: "quantitative" },
            size: { field: "a", type: "nominal", scale: { type: "log" } }
          }
        },
        "warned"
      )
      assert.isAbove(drawing.warnings.length, 0)
    })
  )
})
