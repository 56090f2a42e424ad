/**
 * `--record DIR` end to end: a live run against local venues replaying real recorded frames
 * records every event it is fed (rotated parts, the lead in DIR/lead), and `--input DIR
 * --lead-input DIR/lead` replays all of them; a recorder failure mid-run is reported and the run
 * goes on unrecorded.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { openReplay } from "@mmkit/exchange";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { runPaperTrader } from "../src/run.js";
import { runLiveWithLead, startFakeVenue } from "./fake-venues.js";
import { runInProcess, spawnCli, tempDir, waitFor } from "./helpers.js";

/** Events per type of one feed in the report's Feed line (`<name> snapshot=… delta=… bbo=… trade=… health=…`). */
function feedCounts(feedLine: string, name: RegExp): Record<string, number> {
  const m = new RegExp(
    `${name.source} snapshot=(\\d+) delta=(\\d+) bbo=(\\d+) trade=(\\d+) health=(\\d+) invalid=(\\d+)`,
  ).exec(feedLine);
  if (m === null) throw new Error(`no ${name} counts in ${feedLine}`);
  const [snapshot, delta, bbo, trade, health, invalid] = m.slice(1).map(Number);
  return { snapshot: snapshot!, delta: delta!, bbo: bbo!, trade: trade!, health: health!, invalid: invalid! };
}

const feedLine = (report: string[]): string => report.find((l) => l.startsWith("Feed: "))!;
const parts = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith(".jsonl.gz"));
const total = (c: Record<string, number>): number =>
  c["snapshot"]! + c["delta"]! + c["bbo"]! + c["trade"]! + c["health"]!;

describe("--record: live → recording → replay", () => {
  it("records every event of both feeds into rotated parts, and --input DIR --lead-input DIR/lead replays all of them", async () => {
    const rec = join(tempDir(), "rec");
    const liveDir = tempDir();
    const { result: live } = await runLiveWithLead({
      outputDir: liveDir,
      record: rec,
      recordRotateMin: 0.01, // a part every 0.6 s
    });
    expect(live.stopReason).toMatch(/duration reached/);
    expect(live.events).toBeGreaterThan(50);
    const liveFeed = feedLine(live.report);
    const tradedLive = feedCounts(liveFeed, /^Feed: hyperliquid:BTC/);
    const leadLive = feedCounts(liveFeed, /; lead binance:BTCUSDT/);
    // Several parts (rotation), each complete (closed at shutdown); the lead in its own directory.
    const tradedParts = parts(rec);
    expect(tradedParts.length).toBeGreaterThan(1);
    expect(tradedParts.every((f) => f.startsWith("hyperliquid_BTC-"))).toBe(true);
    expect(parts(join(rec, "lead")).every((f) => f.startsWith("binance_BTCUSDT-"))).toBe(true);
    expect(parts(join(rec, "lead")).length).toBeGreaterThan(0);
    // Every event the traded feed delivered was recorded (the Feed line says how many).
    const recorded = new RegExp(`recorded hyperliquid:BTC to ${rec} \\((\\d+) events, (\\d+) files\\)`).exec(
      liveFeed,
    );
    expect(recorded, liveFeed).not.toBeNull();
    expect(Number(recorded![1])).toBe(total(tradedLive));
    expect(Number(recorded![2])).toBe(tradedParts.length);
    // run.json says where the recording went, part by part.
    const manifest = JSON.parse(readFileSync(join(liveDir, "run.json"), "utf8")) as {
      source: {
        record: { dir: string; files: string[]; error: null; lead: { dir: string; files: string[] } };
      };
    };
    expect(manifest.source.record.dir).toBe(rec);
    expect(manifest.source.record.error).toBeNull();
    expect(manifest.source.record.files.map((f) => f.slice(rec.length + 1)).sort()).toEqual(
      tradedParts.sort(),
    );
    expect(manifest.source.record.lead.dir).toBe(join(rec, "lead"));

    // Replay the directories as they lie on disk.
    const replayDir = tempDir();
    const replay = await runInProcess({
      source: "replay",
      input: rec,
      leadInput: join(rec, "lead"),
      outputDir: replayDir,
    });
    expect(replay.stopReason).toBe("end of data");
    const replayFeed = feedLine(replay.report);
    // The replay reads every recorded event of the traded venue: the live feed's counts, type by type.
    expect(feedCounts(replayFeed, new RegExp(`^Feed: replay:${rec}`))).toEqual(tradedLive);
    // The lead: what the lead loop consumed (it stops pulling at the stop, before its feed closes).
    const leadReplay = feedCounts(replayFeed, new RegExp(`; lead replay:${join(rec, "lead")}`));
    expect(total(leadReplay)).toBeGreaterThan(0);
    expect(total(leadReplay)).toBeLessThanOrEqual(total(leadLive));
    // The trader of the replay processed everything the live trader did (and the recorded tail).
    expect(replay.events).toBeGreaterThanOrEqual(live.events);
    expect(replay.events).toBeLessThanOrEqual(total(tradedLive));
    const manifestR = JSON.parse(readFileSync(join(replayDir, "run.json"), "utf8")) as {
      symbol: string;
      source: { format: string };
    };
    expect(manifestR.symbol).toBe("BTC");
    expect(manifestR.source.format).toBe("recording");
    // The replayed stream of trades is the live feed's, in the order it came (ids included).
    const ids = [...openReplay(rec).events()].flatMap((e) => (e.type === "trade" ? [e.trade.id] : []));
    expect(ids.length).toBe(tradedLive["trade"]);
  }, 90_000);
});

describe("--record: a recorder failure mid-run", () => {
  it("is logged and reported (Feed line, run.json), and the run goes on unrecorded until it is stopped", async () => {
    const venue = await startFakeVenue(20);
    const root = tempDir();
    const rec = join(root, "rec");
    const outDir = tempDir();
    const logs: string[] = [];
    const logger = pino(
      { level: "info" },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          logs.push(chunk.toString("utf8"));
          done();
        },
      }),
    );
    const stop = new AbortController();
    try {
      const run = runPaperTrader(
        parseConfig({
          source: "hyperliquid",
          asset: "BTC",
          hyperliquidUrl: venue.url,
          durationSec: 120,
          outputDir: outDir,
          record: rec,
          recordRotateMin: 0.01,
        }),
        { logger, print: () => {}, handleSignals: false, signal: stop.signal },
      );
      // The disk goes away under the recorder once it has written a part: the next part cannot be opened.
      expect(await waitFor(() => existsSync(rec) && parts(rec).length > 0, 30_000)).toBe(true);
      renameSync(rec, `${rec}.moved`);
      writeFileSync(rec, "not a directory");
      const failed = (): string | undefined => logs.find((l) => l.includes("[RECORD] recording of"));
      expect(await waitFor(() => failed() !== undefined, 30_000)).toBe(true);
      const recordedBefore = Number(/failed after (\d+) events/.exec(failed()!)![1]);
      // The run goes on: the trader keeps processing events after the failure.
      await new Promise((r) => setTimeout(r, 1500));
      stop.abort();
      const result = await run;
      expect(result.stopReason).toBe("aborted (--resume continues this run)");
      expect(failed()).toMatch(/"level":50.*the run goes on unrecorded: Recorder: .*ENOTDIR/);
      expect(result.events).toBeGreaterThan(recordedBefore + 20);
      expect(feedLine(result.report)).toMatch(
        /; recording of hyperliquid:BTC FAILED after \d+ events \(Recorder: .*ENOTDIR.*\); the run went on unrecorded$/,
      );
      const manifest = JSON.parse(readFileSync(join(outDir, "run.json"), "utf8")) as {
        source: { record: { error: string } };
      };
      expect(manifest.source.record.error).toMatch(/ENOTDIR/);
      // What was recorded before the failure replays.
      expect([...openReplay(`${rec}.moved`).events()].length).toBeGreaterThan(0);
    } finally {
      stop.abort();
      await venue.close();
    }
  }, 90_000);
});

describe("--record flag errors: one line, exit 2, nothing written", () => {
  it.each([
    [
      [],
      /invalid --record: no effect with --source synthetic \(it records the live feeds.*it needs --source hyperliquid/,
    ],
    [
      ["--source", "replay", "--input", "data/samples/hyperliquid-btc-20250126.gz"],
      /invalid --record: no effect with --source replay .*it needs --source hyperliquid/,
    ],
    [["--source", "hyperliquid", "--record-rotate-min", "0"], /invalid --record-rotate-min/],
  ])("%j", async (args, pattern) => {
    const tmp = tempDir();
    const rec = join(tmp, "rec");
    const out = join(tmp, "out");
    const r = await spawnCli([...args, "--record", rec, "--output-dir", out]).done;
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
    expect(existsSync(rec)).toBe(false);
    expect(existsSync(out)).toBe(false);
  });

  it("a --record directory that cannot be created (under a file): exit 2 before the output directory is touched", async () => {
    const tmp = tempDir();
    writeFileSync(join(tmp, "file"), "");
    const out = join(tmp, "out");
    const r = await spawnCli([
      "--source",
      "hyperliquid",
      "--hyperliquid-url",
      "ws://127.0.0.1:9",
      "--record",
      join(tmp, "file", "rec"),
      "--output-dir",
      out,
    ]).done;
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/invalid --record: cannot write to .*file\/rec \(ENOTDIR\)/);
    expect(existsSync(out)).toBe(false);
  });

  it("a --record directory in use by another live run, or the --output-dir itself: exit 2 before the output directory is touched", async () => {
    const tmp = tempDir();
    const rec = join(tmp, "rec");
    mkdirSync(rec);
    writeFileSync(join(rec, ".paper-trader.lock"), `${process.pid}\n`); // a running recorder holds it
    const out = join(tmp, "out");
    const live = ["--source", "hyperliquid", "--hyperliquid-url", "ws://127.0.0.1:9"];
    const busy = await spawnCli([...live, "--record", rec, "--output-dir", out]).done;
    expect(busy.code).toBe(2);
    expect(busy.stderr.trim().split("\n")).toHaveLength(1);
    expect(busy.stderr).toMatch(
      /invalid --record: .*rec is in use by another paper-trader \(pid \d+\); record each live run into its own directory/,
    );
    expect(existsSync(out)).toBe(false);
    for (const inside of [out, join(out, "hl")]) {
      const r = await spawnCli([...live, "--record", inside, "--output-dir", out]).done;
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/invalid --record: .* is the --output-dir or inside it/);
      expect(existsSync(out)).toBe(false);
    }
  });
});
