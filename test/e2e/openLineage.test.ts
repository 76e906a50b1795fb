/**
 * Every OpenLineage event a run emits validates against the OpenLineage 2-0-2
 * JSON Schemas (core and each facet's own schema), for a run that publishes
 * and for one that fails; and the events carry counts, never values.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as path from "node:path"
import Ajv2020 from "ajv/dist/2020.js"
import addFormats from "ajv-formats"
import { beforeAll, describe, expect, it } from "vitest"
import { smallCountsIn } from "./smallCounts.js"
import { copyOfFixtures, FIXTURE_AS_OF, fixturesInbox, newKey, repoRoot, runFixtures, tempDir } from "./wsdCommand.js"

// The OpenLineage 2-0-2 JSON Schemas, shipped with their Apache-2.0 licence.
const schemaDir = path.join(repoRoot, "reference", "openlineage")

const validatorFor = () => {
  const ajv = new Ajv2020.default({ strict: false, allErrors: true })
  addFormats.default(ajv)
  const facetSchemas = new Map<string, string>()
  for (const file of fs.readdirSync(schemaDir).filter((name) => name.endsWith(".json"))) {
    const schema = JSON.parse(fs.readFileSync(path.join(schemaDir, file), "utf8")) as {
      $id: string
      properties?: object
    }
    ajv.addSchema(schema)
    for (const facetName of Object.keys(schema.properties ?? {})) facetSchemas.set(facetName, schema.$id)
  }
  const runEvent = ajv.getSchema("https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent")!
  /** Problems with one event: the core schema, then every facet against its own schema. */
  return (event: Record<string, unknown>): Array<string> => {
    const problems: Array<string> = []
    if (!runEvent(event)) problems.push(ajv.errorsText(runEvent.errors))
    const facetGroups: Array<Record<string, unknown>> = []
    const run = event["run"] as { facets?: Record<string, unknown> }
    facetGroups.push(run.facets ?? {})
    for (const dataset of [
      ...(event["inputs"] as Array<Record<string, unknown>>),
      ...(event["outputs"] as Array<Record<string, unknown>>)
    ]) {
      for (const key of ["facets", "inputFacets", "outputFacets"])
        facetGroups.push((dataset[key] as Record<string, unknown>) ?? {})
    }
    for (const group of facetGroups) {
      for (const [name, facet] of Object.entries(group)) {
        const id = facetSchemas.get(name)
        if (id === undefined) {
          problems.push(`no schema for facet ${name}`)
          continue
        }
        const validate = ajv.getSchema(id)!
        if (!validate({ [name]: facet })) problems.push(`${name}: ${ajv.errorsText(validate.errors)}`)
      }
    }
    return problems
  }
}

const eventsIn = (file: string) =>
  fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>)

describe("OpenLineage events", () => {
  let validate: ReturnType<typeof validatorFor>
  let out: string
  let failedDir: string

  beforeAll(() => {
    validate = validatorFor()
    const dir = tempDir("openlineage")
    const keyFile = newKey(dir)
    out = path.join(dir, "out")
    expect(runFixtures({ out, keyFile }).status).toBe(0)
    failedDir = tempDir("openlineage-failed")
    const inbox = copyOfFixtures(failedDir)
    fs.rmSync(path.join(inbox, "gp_events.csv"))
    expect(runFixtures({ out: path.join(failedDir, "out"), keyFile, inbox }).status).toBe(1)
  })

  it("publishes a START and a COMPLETE event that validate against the schemas", () => {
    const events = eventsIn(path.join(out, "lineage", "openlineage.jsonl"))
    expect(events.map((e) => e["eventType"])).toEqual(["START", "COMPLETE"])
    for (const event of events) expect(validate(event)).toEqual([])
    const complete = events[1]!
    // One input per extract of the fixtures.
    expect((complete["inputs"] as Array<unknown>).length).toBe(fs.readdirSync(fixturesInbox).length)
    expect((complete["run"] as { runId: string }).runId).toBe((events[0]!["run"] as { runId: string }).runId)
  })

  it("would reject an event that breaks the schemas", () => {
    const [start] = eventsIn(path.join(out, "lineage", "openlineage.jsonl"))
    expect(validate({ ...start!, run: { runId: "run-1" } }).length).toBeGreaterThan(0)
    expect(validate({ ...start!, eventType: "DONE" }).length).toBeGreaterThan(0)
    const badFacet = {
      ...start!,
      run: { ...(start!["run"] as object), facets: { nominalTime: { _producer: "urn:wsd", _schemaURL: "urn:x" } } }
    }
    expect(validate(badFacet).join()).toContain("nominalTime")
  })

  it("marks the pseudonymised warehouse columns as masked, and reports quality as controlled counts", () => {
    const complete = eventsIn(path.join(out, "lineage", "openlineage.jsonl"))[1]!
    const warehouse = (complete["outputs"] as Array<{ name: string; facets: Record<string, any> }>).find((o) =>
      o.name.endsWith("warehouse.sqlite")
    )!
    const personId = warehouse.facets["columnLineage"].fields.person_id.inputFields[0]
    expect(personId).toMatchObject({ field: "nhs_number", transformations: [{ type: "DIRECT", masking: true }] })
    const registrations = (complete["inputs"] as Array<{ name: string; inputFacets: Record<string, any> }>).find((i) =>
      i.name.endsWith("gp_registrations.csv")
    )!
    // One row was quarantined for its NHS number: suppressed, so the column is named without a count.
    expect(registrations.inputFacets["dataQualityMetrics"].columnMetrics).toEqual({ nhs_number: {} })
    expect(registrations.inputFacets["inputStatistics"].rowCount).toBe(35)
    const optOuts = (complete["inputs"] as Array<{ name: string; inputFacets: Record<string, any> }>).find((i) =>
      i.name.endsWith("opt_outs.csv")
    )!
    expect(optOuts.inputFacets["inputStatistics"]).not.toHaveProperty("rowCount")
    expect(optOuts.inputFacets["inputStatistics"].size).toBeGreaterThan(0)
  })

  it("carries no exact count of 1-7, in a run that publishes and in one that fails", () => {
    for (const file of [
      path.join(out, "lineage", "openlineage.jsonl"),
      path.join(failedDir, ".out.wsd", "lineage", "openlineage.jsonl")
    ]) {
      expect(smallCountsIn(eventsIn(file)), file).toEqual([])
    }
  })

  it("records a START and a FAIL event with the reason for a run that fails", () => {
    const events = eventsIn(path.join(failedDir, ".out.wsd", "lineage", "openlineage.jsonl"))
    expect(events.map((e) => e["eventType"])).toEqual(["START", "FAIL"])
    for (const event of events) expect(validate(event)).toEqual([])
    const error = (events[1]!["run"] as { facets: Record<string, { message: string }> }).facets["errorMessage"]!
    expect(error.message).toContain("required source gp_events missing")
  })
})

/** Runs the CLI without blocking this process, so a server in it can answer. */
const wsdAsync = (args: ReadonlyArray<string>) =>
  new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, "bin", "wsd.js"), ...args])
    let stderr = ""
    child.stderr.on("data", (chunk) => (stderr += String(chunk)))
    child.on("exit", (status) => resolve({ status, stderr }))
  })

/** A local OpenLineage endpoint answering every post with `status`. */
const endpoint = async (status: number) => {
  const received: Array<Record<string, unknown>> = []
  const server = http.createServer((request, response) => {
    let body = ""
    request.on("data", (chunk) => (body += String(chunk)))
    request.on("end", () => {
      received.push(JSON.parse(body) as Record<string, unknown>)
      response.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/api/v1/lineage`, received, close: () => server.close() }
}

describe("posting OpenLineage events to an HTTP endpoint", () => {
  const runWith = async (url: string) => {
    const dir = tempDir("openlineage-http")
    const config = path.join(dir, "wsd.json")
    fs.writeFileSync(config, JSON.stringify({ openLineageUrl: url }))
    const result = await wsdAsync([
      "run",
      "--inbox",
      fixturesInbox,
      "--out",
      path.join(dir, "out"),
      "--key-file",
      newKey(dir),
      "--as-of",
      FIXTURE_AS_OF,
      "--config",
      config
    ])
    const deliveries = fs
      .readFileSync(path.join(dir, ".out.wsd", "lineage", "openlineage-delivery.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    return { result, deliveries }
  }

  it("delivers the START and COMPLETE events of a run", async () => {
    const server = await endpoint(200)
    try {
      const { deliveries, result } = await runWith(server.url)
      expect(result.status, result.stderr).toBe(0)
      expect(server.received.map((event) => event["eventType"])).toEqual(["START", "COMPLETE"])
      expect(smallCountsIn(server.received)).toEqual([])
      expect(deliveries.map((d) => [d["eventType"], d["delivered"], d["attempts"]])).toEqual([
        ["START", true, 1],
        ["COMPLETE", true, 1]
      ])
    } finally {
      server.close()
    }
  })

  it("retries a failing endpoint, records the failure and still publishes", async () => {
    const server = await endpoint(503)
    try {
      const { deliveries, result } = await runWith(server.url)
      expect(result.status, result.stderr).toBe(0)
      expect(server.received).toHaveLength(6)
      expect(deliveries.map((d) => [d["eventType"], d["delivered"], d["attempts"], d["error"]])).toEqual([
        ["START", false, 3, "HTTP 503"],
        ["COMPLETE", false, 3, "HTTP 503"]
      ])
      expect(result.stderr).toContain("openlineage event not delivered")
    } finally {
      server.close()
    }
  })
})
