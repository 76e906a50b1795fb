/**
 * How `wsd` meets a mistake on its command line: the problem first, naming
 * the flag, value or command; then the command's usage line and its own
 * `--help` (never the whole help dumped before the error); exit 2. Help marks
 * the flags a command cannot run without.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { FIXTURE_AS_OF, fixturesInbox, newKey, runFixtures, tempDir, wsd } from "./wsdCommand.js"

const NOT_VALID = "wsd: the command line is not valid. Next: see"

describe("the command line", () => {
  it("names a missing flag first, then the command's usage line and its --help, without the whole help", () => {
    const result = wsd("run", "--inbox", "somewhere")
    expect(result.status).toBe(2)
    expect(result.stderr.split("\n").slice(0, 3)).toEqual([
      "wsd run: Missing required flag: --out",
      "usage: wsd run --inbox <string> --out <string> --key-file <string> [flags]",
      `${NOT_VALID} \`wsd run --help\`.`
    ])
    expect(result.stdout).toBe("")
    expect(result.stderr).not.toContain("FLAGS")
  })

  it("names an unknown flag and a bad value, pointing to the subcommand's own help", () => {
    const unknown = wsd("lineage", "list", "--ot", "x")
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/^wsd lineage list: unknown flag --ot; did you mean --out\?\n/)
    expect(unknown.lastLine).toBe(`${NOT_VALID} \`wsd lineage list --help\`.`)
    const badValue = wsd("synth", "--residents", "many", "--seed", "1", "--out", "x")
    expect(badValue.status).toBe(2)
    expect(badValue.stderr).toMatch(/^wsd synth: Invalid value for flag --residents: "many"/)
    expect(badValue.lastLine).toBe(`${NOT_VALID} \`wsd synth --help\`.`)
    expect(badValue.stdout).toBe("")
  })

  it("calls a mistyped command unknown and suggests the closest, without blaming the flags given with it", () => {
    const result = wsd("runn", "--inbox", "x", "--out", "y")
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/^wsd: unknown command runn; did you mean `wsd run`\?\n/)
    expect(result.stderr).not.toMatch(/unrecognized|unknown flag/i)
    expect(result.lastLine).toBe(`${NOT_VALID} \`wsd --help\`.`)
    const nested = wsd("lineage", "verfy", "--out", "x")
    expect(nested.stderr).toMatch(/^wsd lineage: unknown command verfy; did you mean `wsd lineage verify`\?\n/)
    const unlike = wsd("xyzzy")
    expect(unlike.stderr).toMatch(/^wsd: unknown command xyzzy; the commands are run, validate, keygen/)
  })

  it("marks the required flags in each command's help, and only those", () => {
    const help = wsd("run", "--help")
    expect(help.status).toBe(0)
    const flagLine = (flag: string) => help.stdout.split("\n").find((line) => line.trim().startsWith(`${flag} `))
    for (const flag of ["--inbox", "--out", "--key-file"]) expect(flagLine(flag)).toContain("(required)")
    for (const flag of ["--as-of", "--config", "--reid-key-file", "--accept-volume-change", "--quiet"]) {
      expect(flagLine(flag)).not.toContain("(required)")
    }
    const extract = wsd("extract", "--help").stdout
    expect(extract).toMatch(/--workstream string +\(required\)/)
    expect(extract).toMatch(/--recipient string +The recipient/)
  })

  it("names the flag a missing key file was given with", () => {
    const dir = tempDir("key-flags")
    const keyFile = newKey(dir)
    const out = path.join(dir, "out")
    const reid = runFixtures({ out, keyFile }, "--reid-key-file", path.join(dir, "absent-reid"))
    expect(reid.status).toBe(2)
    expect(reid.lastLine).toMatch(/^wsd: key file .*absent-reid cannot be read\. Next: check --reid-key-file,/)
    const pseudonym = runFixtures({ out, keyFile: path.join(dir, "absent") })
    expect(pseudonym.lastLine).toMatch(/Next: check --key-file,/)
    // Re-identifying from a run sealed with a re-identification key, given a key file that is not there.
    expect(runFixtures({ out, keyFile }, "--reid-key-file", newKey(dir, "reid-key")).status).toBe(0)
    const reidentify = wsd(
      ...["reidentify", "--from", out, "--practice", "F84003", "--purpose", "direct-care"],
      ...["--reid-key-file", path.join(dir, "absent-reid"), "--out", path.join(dir, "list.csv")]
    )
    expect(reidentify.status).toBe(2)
    expect(reidentify.lastLine).toMatch(/^wsd: key file .*absent-reid cannot be read\. Next: check --reid-key-file,/)
    expect(reidentify.lastLine).not.toContain("--key-file,")
  })

  it("refuses a configuration key that is not a setting, and a source name that is not a source, suggesting the closest", () => {
    const dir = tempDir("config-names")
    const keyFile = newKey(dir)
    const out = path.join(dir, "out")
    const configWith = (name: string, settings: object) => {
      const file = path.join(dir, name)
      fs.writeFileSync(file, JSON.stringify(settings))
      return file
    }
    const cases = [
      [
        { quarantineThreshhold: 0.5 },
        "names no setting called quarantineThreshhold. Next: did you mean quarantineThreshold?"
      ],
      [
        { requiredSources: ["gp_registrations", "gp_evnts"] },
        "names no source called gp_evnts. Next: did you mean gp_events?"
      ],
      [{ extractDates: { houssing: "2026-11-19" } }, "names no source called houssing. Next: did you mean housing?"],
      [{ colour: "blue" }, "names no setting called colour. Next: name one of requiredSources, quarantineThreshold"]
    ] as const
    for (const [index, [settings, refusal]] of cases.entries()) {
      const config = configWith(`wsd-${index}.json`, settings)
      const run = runFixtures({ out, keyFile }, "--config", config)
      expect(run.status, run.stderr).toBe(2)
      expect(run.lastLine).toContain(`wsd: configuration ${config} ${refusal}`)
      const validate = wsd("validate", "--inbox", fixturesInbox, "--as-of", FIXTURE_AS_OF, "--config", config)
      expect(validate.status).toBe(2)
      expect(validate.lastLine).toContain(refusal)
    }
    expect(fs.existsSync(out)).toBe(false)
  })

  it("refuses a misspelt source on the command line, suggesting the closest", () => {
    const dir = tempDir("source-names")
    const keyFile = newKey(dir)
    const out = path.join(dir, "out")
    const volume = runFixtures({ out, keyFile }, "--accept-volume-change", "acute_activty")
    expect(volume.status).toBe(2)
    expect(volume.lastLine).toBe(
      "wsd: --accept-volume-change names no source called acute_activty. Next: did you mean acute_activity?"
    )
    expect(runFixtures({ out, keyFile }).status).toBe(0)
    const history = wsd("quarantine", "list", "--out", out, "--source", "gp_event")
    expect(history.status).toBe(2)
    expect(history.lastLine).toBe("wsd: gp_event is not a source. Next: did you mean gp_events?")
  })

  it("names a workstream by its segment code, accepting the old names with a deprecation message", () => {
    const dir = tempDir("workstream-codes")
    const keyFile = newKey(dir)
    const out = path.join(dir, "out")
    expect(runFixtures({ out, keyFile }).status).toBe(0)
    const extract = (file: string, workstream: string) =>
      wsd(
        ...["extract", "--from", out, "--workstream", workstream, "--purpose", "audit"],
        ...["--out", path.join(dir, file), "--key-file", keyFile]
      )
    const byCode = extract("lw.csv", "LW")
    expect(byCode.status, byCode.stderr).toBe(0)
    expect(byCode.stderr).not.toContain("deprecated")
    const byOldName = extract("lw-again.csv", "living-well")
    expect(byOldName.status, byOldName.stderr).toBe(0)
    expect(byOldName.stderr).toContain(
      "wsd extract: --workstream living-well is deprecated; use --workstream LW (Living Well)"
    )
    const mistyped = extract("x.csv", "LWW")
    expect(mistyped.status).toBe(2)
    expect(mistyped.lastLine).toBe("wsd: --workstream LWW is not a workstream. Next: did you mean LW?")
    // Lineage records the code, whichever spelling was given.
    const runId = fs.readdirSync(path.join(out, "lineage", "runs"))[0]!.replace(/\.json$/, "")
    const show = wsd("lineage", "show", "--out", out, runId)
    expect(show.stdout.match(/LW extract from run/g)).toHaveLength(2)
    expect(show.stdout).not.toContain("living-well")
    expect(wsd("extract", "--help").stdout).toContain(
      "by its segment code: BWGW (Born Well & Growing Well), LW (Living Well), PI (Promoting Independence)"
    )
  })
})
