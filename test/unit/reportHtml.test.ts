import { describe, expect, it } from "vitest"
import { formatCell, reportHtml } from "../../transforms/reportHtml.js"
import { sampleRun } from "./reportSample.js"

describe("report cells", () => {
  it.each([
    [1234567, "count", "1,234,567"],
    [null, "count", "suppressed"],
    [12.25, "rate", "12.3"],
    [null, "rate", "n/a"],
    [-20451, "money", "-£20,451"],
    [2500, "number", "2,500"],
    [90.9, "number", "90.9"],
    ["North", "text", "North"]
  ] as const)("%s as %s → %s", (value, kind, shown) => expect(formatCell(value, kind)).toBe(shown))
})

describe("the report page", () => {
  const html = reportHtml({
    run: sampleRun,
    headline: {
      caption: "Residents per segment",
      columns: [
        { key: "segment", label: "Segment", kind: "text" },
        { key: "residents", label: "Residents", kind: "count" }
      ],
      rows: [{ segment: "Living Well", residents: 40 }]
    },
    sections: [
      {
        id: "residents",
        title: "Residents per segment and locality",
        intro: "Localities are <the practices'>.",
        chart: { drawing: '<svg class="marks"></svg>', caption: "One bar per segment & locality." },
        tables: [
          {
            caption: "Residents per locality",
            columns: [
              { key: "locality", label: "Locality", kind: "text" },
              { key: "residents", label: "Residents", kind: "count" }
            ],
            rows: [{ locality: '<img src="http://example.org/x">', residents: null }]
          }
        ]
      }
    ]
  })

  it("forbids every fetch and carries no script", () => {
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`
    )
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc="|\shref="http/i)
  })

  it("escapes every text from the data, and inlines the drawing as it is", () => {
    expect(html).toContain("&#60;img src=&#34;http://example.org/x&#34;&#62;")
    expect(html).toContain("Localities are &#60;the practices&#39;&#62;.")
    expect(html).toContain(
      '<figure>\n<svg class="marks"></svg>\n<figcaption>One bar per segment &#38; locality.</figcaption>'
    )
  })

  it("names the run and gives each section a heading, a contents entry and a captioned table", () => {
    expect(html).toContain("<dt>Run</dt><dd>20261120T020000000Z-0001</dd>")
    expect(html).toContain('<h2 id="residents-heading">Residents per segment and locality</h2>')
    expect(html).toContain('<li><a href="#residents">Residents per segment and locality</a></li>')
    expect(html).toContain("<caption>Residents per segment</caption>")
    expect(html).toContain('<th scope="row">Living Well</th><td class="number">40</td>')
    expect(html).toContain('<td class="number">suppressed</td>')
  })
})
