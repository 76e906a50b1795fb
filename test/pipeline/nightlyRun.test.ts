/**
 * The nightly run as a pipeline of services, without the CLI: the fixtures'
 * night run with test layers (a fixed key, the lineage log, OpenLineage
 * events and the lock in memory, a disk that fills up on cue, the test
 * clock), so the steps' results are checked where they are made rather than
 * through a child process's files.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Option } from "effect"
import { chainEntry, newSalt, type RunLineage, runsOf } from "../../pipelines/governance/lineage.js"
import { LineageLog } from "../../pipelines/governance/lineageLog.js"
import { verifyPublication } from "../../pipelines/governance/lineageVerify.js"
import { type OpenLineageEvent, OpenLineageLog } from "../../pipelines/governance/openLineageLog.js"
import { publishedChain } from "../../pipelines/governance/publishedLineage.js"
import { ExtractReaders } from "../../pipelines/ingest/extractReaders.js"
import { nightlyRun } from "../../pipelines/nightly/nightlyRun.js"
import { DEFAULT_OUTCOMES_FILE } from "../../pipelines/nightly/outcomesFramework.js"
import { DEFAULT_RULES_FILE } from "../../pipelines/nightly/segmentationRules.js"
import { DEFAULT_TARIFF_FILE } from "../../pipelines/nightly/tariff.js"
import { sha256OfFile } from "../../pipelines/services/fileDigest.js"
import { FileSystem, type Write } from "../../pipelines/services/fileSystem.js"
import { Progress } from "../../pipelines/services/progress.js"
import { PseudonymKey } from "../../pipelines/services/pseudonymKey.js"
import { publicationArea } from "../../pipelines/services/publication.js"
import { RunLock } from "../../pipelines/services/runLock.js"
import { RunLog } from "../../pipelines/services/runLog.js"
import { Warehouse } from "../../pipelines/warehouse/engines.js"
import { SQLITE_FILE } from "../../pipelines/warehouse/sqlite.js"

const inbox = path.join(import.meta.dirname, "..", "..", "fixtures", "inbox")
const KEY = "5a".repeat(32)

const RUN_ID = "20261120T020000000Z-0001"

const runOn = (out: string, runId = RUN_ID, from = inbox, acceptVolumeChange?: ReadonlyArray<string>) =>
  nightlyRun({
    runId,
    inbox: from,
    out,
    asOf: "2026-11-20",
    acceptVolumeChange
  })

/** A copy of the fixtures' inbox beside `out`, with `change` made to it. */
const changedInbox = (out: string, change: (inbox: string) => void) => {
  const night = path.join(path.dirname(out), "inbox")
  fs.cpSync(inbox, night, { recursive: true })
  change(night)
  return night
}

/** A source's file with only its first `share` of records, its records twice, or twice as many. */
const cut = (file: string, share: number) => {
  const [header, ...records] = fs.readFileSync(file, "utf8").trimEnd().split(/\r?\n/)
  fs.writeFileSync(file, [header, ...records.slice(0, Math.floor(records.length * share))].join("\n") + "\n")
}
const twice = (file: string) => {
  const [header, ...records] = fs.readFileSync(file, "utf8").trimEnd().split(/\r?\n/)
  fs.writeFileSync(file, [header, ...records, ...records].join("\n") + "\n")
}
/** Acute activity with each record again at another provider: as many new rows, none a copy. */
const doubled = (file: string) => {
  const [header, ...records] = fs.readFileSync(file, "utf8").trimEnd().split(/\r?\n/)
  const elsewhere = records.map((record) => record.replace(/^([^,]*),[^,]*,/, "$1,RXX99,"))
  fs.writeFileSync(file, [header, ...records, ...elsewhere].join("\n") + "\n")
}

interface TestSetting {
  readonly chain?: Parameters<typeof LineageLog.layerTest>[0]
  readonly lockHolder?: Parameters<typeof RunLock.layerTest>[0]
  readonly files?: Layer.Layer<FileSystem>
}

/** The services a run needs, replaced: nothing leaves the test but the output area's files. */
const testLayers = (events: Array<OpenLineageEvent>, setting: TestSetting = {}) =>
  Layer.mergeAll(
    PseudonymKey.fromHex(KEY),
    ExtractReaders.layerInThread,
    Warehouse.layerSqlite,
    LineageLog.layerTest(setting.chain),
    OpenLineageLog.layerTest(events),
    RunLock.layerTest(setting.lockHolder),
    setting.files ?? FileSystem.layer(os.tmpdir()),
    RunLog.memory([]),
    Progress.none
  )

const tempOut = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "wsd-nightly-")), "out")

describe("the nightly run with test layers", () => {
  it.effect("publishes the fixtures' night, chains its lineage entry and records its OpenLineage events", () => {
    const events: Array<OpenLineageEvent> = []
    const out = tempOut()
    return Effect.gen(function* () {
      const result = yield* runOn(out)
      const { lineage } = result
      assert.strictEqual(lineage.status, "succeeded")
      assert.strictEqual(lineage.spine["residents"], 28)
      assert.deepStrictEqual(Object.keys(lineage.segments).sort(), ["BWGW", "LW", "PI"])
      assert.deepStrictEqual(lineage.stages.map((stage) => stage.stage).slice(0, 3), [
        "spine",
        "load person",
        "load gp_events"
      ])
      assert.deepStrictEqual(lineage.stages.map((stage) => stage.stage).slice(-2), ["outputs", "report"])
      // The warehouse's digest is the published file's.
      const warehouse = lineage.outputs[0]!
      assert.strictEqual(warehouse.path, SQLITE_FILE)
      assert.strictEqual(warehouse.sha256, yield* Effect.promise(() => sha256OfFile(path.join(out, SQLITE_FILE))))
      // The rules files are fingerprinted by their bytes, not only by the versions they declare: the
      // outcomes framework among them, whose definitions decide what outcomes.csv measures.
      assert.deepStrictEqual(lineage.rules_files, [
        { file: "rules/segmentation-v1.json", sha256: yield* Effect.promise(() => sha256OfFile(DEFAULT_RULES_FILE)) },
        { file: "rules/tariff-v1.json", sha256: yield* Effect.promise(() => sha256OfFile(DEFAULT_TARIFF_FILE)) },
        { file: "rules/outcomes-v1.json", sha256: yield* Effect.promise(() => sha256OfFile(DEFAULT_OUTCOMES_FILE)) }
      ])
      assert.strictEqual(lineage.rules_sha256, undefined)
      assert.strictEqual(lineage.outcomes_version, "outcomes-v1")
      const chain = yield* (yield* LineageLog).entries
      assert.strictEqual(chain.length, 1)
      assert.deepStrictEqual((chain[0] as { run: RunLineage }).run, lineage)
      assert.deepStrictEqual(
        events.map((event) => event.eventType),
        ["START", "COMPLETE"]
      )
      // The release holds the chain's published view: the exact entry's hashes, its figures controlled.
      const published = fs.readFileSync(path.join(out, "lineage", "chain.jsonl"), "utf8")
      assert.strictEqual(published, `${JSON.stringify(publishedChain(chain, undefined)[0])}\n`)
      assert.strictEqual(JSON.parse(published).sha256, chain[0]!.sha256)
      assert.strictEqual(JSON.parse(published).run.segments["PI"], "[suppressed]")
    }).pipe(Effect.provide(testLayers(events)))
  })

  it.effect("publishes what lineage verify passes, and verify names a published file edited afterwards", () => {
    const out = tempOut()
    return Effect.gen(function* () {
      // The lineage log on disk, where verify reads it beside the release.
      yield* runOn(out).pipe(Effect.provide(LineageLog.layer(publicationArea(out), undefined)))
      const verified = yield* verifyPublication(out)
      assert.strictEqual(verified.runId, RUN_ID)
      fs.appendFileSync(path.join(out, "cohort-summary.csv"), "PI,85+,female,North,1\n")
      const failure = yield* Effect.flip(verifyPublication(out))
      assert.strictEqual(failure._tag, "DataFailure")
      assert.include(
        failure.message,
        `published file cohort-summary.csv has changed since run ${RUN_ID} sealed its release`
      )
    }).pipe(Effect.provide(testLayers([])))
  })

  it.effect.each([
    [
      "missing",
      null,
      /^required source opt_outs missing: \S+opt_outs\.csv is not in the inbox: a night without a readable opt-out list must not publish secondary-use data, so no stage runs and nothing is published$/
    ],
    ["empty", "", /^required source opt_outs failed: \S+opt_outs\.csv is empty/],
    [
      "malformed (two cells more than its header on every line)",
      "nhs_number,opt_out_type,recorded_date\n9434765919,ndoo,2024-05-01,,\n4010232137,type1,2024-06-01,,\n",
      /opt_outs\.csv: 2 of 2 rows quarantined/
    ]
  ] as const)("publishes nothing when the night's opt-out list is %s", ([, content, failure]) => {
    const out = tempOut()
    const night = path.join(path.dirname(out), "inbox")
    fs.cpSync(inbox, night, { recursive: true })
    if (content === null) fs.rmSync(path.join(night, "opt_outs.csv"))
    else fs.writeFileSync(path.join(night, "opt_outs.csv"), content)
    return Effect.gen(function* () {
      const first = yield* runOn(out, "20261119T020000000Z-0001")
      const error = yield* Effect.flip(runOn(out, RUN_ID, night))
      assert.strictEqual(error._tag, "DataFailure")
      assert.match(error.message, failure)
      assert.strictEqual(fs.realpathSync(out), first.release)
    }).pipe(Effect.provide(testLayers([])))
  })

  it.effect(
    "records that the first run of a state area has no volume baseline, and the next one compares with it",
    () => {
      const out = tempOut()
      return Effect.gen(function* () {
        const first = yield* runOn(out, "20261119T020000000Z-0001")
        assert.deepStrictEqual(first.lineage.volume, { baseline_run: null, accepted_changes: [] })
        const second = yield* runOn(out)
        assert.deepStrictEqual(second.lineage.volume, {
          baseline_run: "20261119T020000000Z-0001",
          accepted_changes: []
        })
      }).pipe(Effect.provide(testLayers([])))
    }
  )

  it.effect.each([
    [
      "cut at half",
      "gp_events.csv",
      (file: string) => cut(file, 0.5),
      /gp_events has \d+ rows accepted against \d+ in run 20261119T020000000Z-0001, a fall of [4-6]\d% \(limit 20%\)/
    ],
    [
      "grown to twice its rows",
      "acute_activity.csv",
      doubled,
      /acute_activity has \d+ rows accepted against \d+ in run \S+, a rise of 100% \(limit 50%\)/
    ]
  ] as const)(
    "fails a required source %s against the last published run, unless the change is declared",
    ([, file, change, failure]) => {
      const out = tempOut()
      const night = changedInbox(out, (dir) => change(path.join(dir, file)))
      const source = file.replace(/\.csv$/, "")
      return Effect.gen(function* () {
        const first = yield* runOn(out, "20261119T020000000Z-0001")
        const error = yield* Effect.flip(runOn(out, RUN_ID, night))
        assert.strictEqual(error._tag, "DataFailure")
        assert.match(error.message, failure)
        assert.include(error.nextAction, `--accept-volume-change ${source}`)
        assert.strictEqual(fs.realpathSync(out), first.release)
        const declared = yield* runOn(out, "20261121T020000000Z-0001", night, [source])
        assert.deepStrictEqual(declared.lineage.volume?.accepted_changes, [source])
      }).pipe(Effect.provide(testLayers([])))
    }
  )

  it.effect("fails a file sent twice in one on its duplicate records, even on a state area's first run", () => {
    const out = tempOut()
    const night = changedInbox(out, (dir) => twice(path.join(dir, "acute_activity.csv")))
    return Effect.gen(function* () {
      const error = yield* Effect.flip(runOn(out, RUN_ID, night))
      assert.strictEqual(error._tag, "DataFailure")
      assert.match(
        error.message,
        /acute_activity\.csv: \d+ of \d+ rows quarantined \(5\d\.\d%, threshold 5%\), mostly row\/duplicate_record/
      )
      assert.include(error.nextAction, "sent twice in one")
      assert.isFalse(fs.existsSync(out))
    }).pipe(Effect.provide(testLayers([])))
  })

  it.effect("fails a spine of only its header even on a state area's first run", () => {
    const out = tempOut()
    const night = changedInbox(out, (dir) => cut(path.join(dir, "gp_registrations.csv"), 0))
    return Effect.gen(function* () {
      const error = yield* Effect.flip(runOn(out, RUN_ID, night, ["gp_registrations"]))
      assert.strictEqual(error._tag, "DataFailure")
      assert.match(
        error.message,
        /^required source gp_registrations has no rows: \S+gp_registrations\.csv holds only its header$/
      )
      assert.isFalse(fs.existsSync(out))
    }).pipe(Effect.provide(testLayers([])))
  })

  it.effect("refuses a key the last run did not use, recording the failed run with the fingerprint it tried", () => {
    const events: Array<OpenLineageEvent> = []
    const out = tempOut()
    const earlier = chainEntry(
      undefined,
      {
        run: { run_id: "20261119T020000000Z-0001", status: "succeeded", key_fingerprint: "0".repeat(16) } as RunLineage
      },
      newSalt()
    )
    return Effect.gen(function* () {
      const exit = yield* Effect.exit(runOn(out))
      assert.isTrue(Exit.isFailure(exit))
      const chain = yield* (yield* LineageLog).entries
      const failed = (chain[1] as { run: RunLineage }).run
      assert.strictEqual(failed.status, "failed")
      assert.match(failed.failure_reason ?? "", /differs from 0{16} used by run 20261119T020000000Z-0001/)
      assert.strictEqual(failed.key_fingerprint, (yield* PseudonymKey).fingerprint)
      assert.deepStrictEqual(failed.inputs, [])
      assert.deepStrictEqual(
        events.map((event) => event.eventType),
        ["START", "FAIL"]
      )
      assert.isFalse(fs.existsSync(path.join(out, SQLITE_FILE)))
    }).pipe(Effect.provide(testLayers(events, { chain: [earlier] })))
  })

  it.effect(
    "fails naming the file when the disk fills up as it seals the release, leaving the last publication",
    () => {
      const out = tempOut()
      const sealing = (write: Write, target: string) =>
        write === "write" && target.endsWith(path.join("runs", `${RUN_ID}.json`))
      return Effect.gen(function* () {
        const first = yield* runOn(out, "20261119T020000000Z-0001")
        const exit = yield* Effect.exit(
          runOn(out).pipe(Effect.provide(FileSystem.layerRefusing(os.tmpdir(), "ENOSPC", sealing)))
        )
        assert.isTrue(Exit.isFailure(exit))
        const error = Exit.isFailure(exit) ? Cause.findErrorOption(exit.cause) : Option.none()
        assert.isTrue(Option.isSome(error) && error.value._tag === "PublicationError")
        assert.match(
          Option.isSome(error) ? error.value.message : "",
          new RegExp(`cannot write \\S+runs/${RUN_ID}\\.json: the disk is full \\(ENOSPC\\)`)
        )
        assert.strictEqual(fs.realpathSync(out), first.release)
        const runs = runsOf([...(yield* (yield* LineageLog).entries)])
        assert.deepStrictEqual(
          runs.map((run) => run.status),
          ["succeeded", "succeeded", "failed"]
        )
      }).pipe(Effect.provide(testLayers([])))
    }
  )

  it.effect("refuses to start while another run holds the output area's lock", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(runOn(tempOut()))
      const error = Exit.isFailure(exit) ? Cause.findErrorOption(exit.cause) : Option.none()
      assert.isTrue(Option.isSome(error) && error.value._tag === "UsageError")
      assert.match(
        Option.isSome(error) ? error.value.message : "",
        /another run \(20261120T010000000Z-0001, process \d+\)/
      )
    }).pipe(Effect.provide(testLayers([], { lockHolder: { run_id: "20261120T010000000Z-0001", pid: process.pid } })))
  )
})
