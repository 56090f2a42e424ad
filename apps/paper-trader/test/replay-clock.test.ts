/**
 * A live run's recording replays on the clock the live run ran on (local receive time), so a venue
 * clock glitch in it — books stamped an hour ahead — changes nothing; third-party captures keep
 * the exchange clock. A resume of such a replay lands on the same event.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { MarketEvent } from "@mmkit/core";
import { encodeRecordedEvent, encodeRecordingHeader, SyntheticMarket } from "@mmkit/exchange";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { ClockSkewCount, replayClockOf } from "../src/replay-clock.js";
import { runPaperTrader } from "../src/run.js";
import {
  expectSameStreams,
  HL_SAMPLE,
  killAtMidCheckpoint,
  readStreams,
  runInProcess,
  spawnCli,
  tempDir,
} from "./helpers.js";

const HOUR_MS = 3_600_000;
/** Receive delay of the recording machine behind the venue (ms). */
const RECEIVE_DELAY_MS = 30;

/** A live run's recording (`--record` format) of `events`, each received RECEIVE_DELAY_MS after the venue stamped it. */
function writeRecording(path: string, source: string, events: MarketEvent[]): void {
  const lines = [encodeRecordingHeader(source, events[0]!.localTsMs, 0)];
  for (const e of events) lines.push(encodeRecordedEvent(e, source));
  writeFileSync(path, `${lines.join("\n")}\n`);
}

/** 10 minutes of the synthetic market as a venue would stamp them, received a little later. */
function marketEvents(): MarketEvent[] {
  const out: MarketEvent[] = [];
  for (const e of new SyntheticMarket({ seed: 11, durationSec: 600 }).events()) {
    const local = e.exchangeTsMs + RECEIVE_DELAY_MS;
    out.push(
      e.type === "trade"
        ? { ...e, localTsMs: local, trade: { ...e.trade, localTsMs: local } }
        : { ...e, localTsMs: local },
    );
  }
  return out;
}

/** The same events with the venue's clock off by `shiftMs` for the book events `from`..`from+count` (all when count is Infinity). */
function glitched(events: MarketEvent[], shiftMs: number, from: number, count: number): MarketEvent[] {
  let books = 0;
  return events.map((e) => {
    if (e.type !== "snapshot" && e.type !== "delta" && e.type !== "bbo") return e;
    const i = books++;
    return i >= from && i < from + count ? { ...e, exchangeTsMs: e.exchangeTsMs + shiftMs } : e;
  });
}

/** The lead venue's top of book at every 10th book event (prices ×1.001), received 5 ms after the traded venue's. */
function leadEvents(events: MarketEvent[], clockOffMs: number): MarketEvent[] {
  const out: MarketEvent[] = [];
  let books = 0;
  for (const e of events) {
    if (e.type !== "snapshot" && e.type !== "delta") continue;
    const bid = e.bids[0];
    const ask = e.asks[0];
    if (books++ % 10 !== 0 || bid === undefined || ask === undefined) continue;
    out.push({
      type: "bbo",
      exchangeTsMs: e.exchangeTsMs + clockOffMs,
      localTsMs: e.localTsMs + 5,
      bbo: { bidPrice: bid.price * 1.001, bidSize: bid.size, askPrice: ask.price * 1.001, askSize: ask.size },
    });
  }
  return out;
}

const marketTime = (report: string[]): string => /market_time=(\S+)/.exec(report.join("\n"))![1]!;

/** Run in-process, collecting the warnings the run logs. */
async function runLogged(
  input: Parameters<typeof parseConfig>[0],
): Promise<{ report: string[]; warnings: string[] }> {
  const warnings: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean))
        warnings.push((JSON.parse(line) as { msg: string }).msg);
      done();
    },
  });
  const r = await runPaperTrader(parseConfig(input), {
    logger: pino({ level: "warn" }, stream),
    print: () => {},
    handleSignals: false,
  });
  return { report: r.report, warnings };
}

describe("replay clock", () => {
  it("recordings replay on local receive time, captures on exchange time", () => {
    expect(replayClockOf("recording")).toBe("local");
    expect(replayClockOf("binance-capture")).toBe("exchange");
    expect(replayClockOf("hyperliquid-capture")).toBe("exchange");
  });

  it("counts events whose venue time is far from their receive time", () => {
    const count = new ClockSkewCount();
    const at = (exchangeTsMs: number, localTsMs: number): MarketEvent => ({
      type: "health",
      exchangeTsMs,
      localTsMs,
      status: "connected",
      reason: "x",
    });
    count.observe(at(1_000, 1_030));
    count.observe(at(1_000 + HOUR_MS, 1_030));
    count.observe(at(1_000 - HOUR_MS, 1_030));
    count.observe(at(20_000, 1_000));
    expect([count.events, count.ahead, count.behind, count.maxAbsMs]).toEqual([4, 2, 1, HOUR_MS + 30]);
    expect(count.warning("local")).toMatch(
      /^3 of 4 replayed events .*\(2 ahead, 1 behind, up to 3600\.0 s\)/,
    );
    expect(new ClockSkewCount().warning("local")).toBeNull();
  });

  it("a recording whose venue stamped a few books an hour ahead replays with the live run's market time, and warns once", async () => {
    const tmp = tempDir();
    const events = marketEvents();
    const clean = join(tmp, "clean.jsonl");
    const skewed = join(tmp, "skewed.jsonl");
    writeRecording(clean, "synthetic:BTC", events);
    writeRecording(skewed, "synthetic:BTC", glitched(events, HOUR_MS, 200, 6));
    const a = await runLogged({ source: "replay", input: clean, outputDir: join(tmp, "a") });
    const b = await runLogged({ source: "replay", input: skewed, outputDir: join(tmp, "b") });
    // On the exchange clock the glitch made it ~3600 s (an hour of fake stale data, 60 Sharpe buckets).
    const span = (events.at(-1)!.localTsMs - events[0]!.localTsMs) / 1000;
    expect(Number.parseFloat(marketTime(b.report))).toBeCloseTo(span, 0);
    expect(marketTime(b.report)).toBe(marketTime(a.report));
    // The venue's timestamps are not the run's clock: the run is the clean recording's, event for event.
    const sa = readStreams(join(tmp, "a"));
    const sb = readStreams(join(tmp, "b"));
    expect(sa.get("fills.jsonl")!.length).toBeGreaterThan(0);
    for (const [file, text] of sa) expect(sb.get(file), file).toBe(text);
    expect(b.report.join("\n")).not.toMatch(/lateEvents/);
    // One warning, with the counts.
    const skewWarnings = b.warnings.filter((w) => w.includes("venue timestamp"));
    expect(skewWarnings).toHaveLength(1);
    expect(skewWarnings[0]).toMatch(/6 of \d+ replayed events .*\(6 ahead, 0 behind, up to 3600\.0 s\)/);
    expect(a.warnings.filter((w) => w.includes("venue timestamp"))).toHaveLength(0);
    const manifest = JSON.parse(readFileSync(join(tmp, "b", "run.json"), "utf8")) as {
      source: { clock: string; format: string };
    };
    expect(manifest.source).toMatchObject({ clock: "local", format: "recording" });
  }, 60_000);

  it("the lead recording is merged on the same local clock: a lead venue clock an hour off changes nothing", async () => {
    const tmp = tempDir();
    const events = marketEvents();
    const input = join(tmp, "traded.jsonl");
    writeRecording(input, "synthetic:BTC", events);
    mkdirSync(join(tmp, "leadA"));
    mkdirSync(join(tmp, "leadB"));
    writeRecording(join(tmp, "leadA", "lead.jsonl"), "binance:BTCUSDT", leadEvents(events, 0));
    writeRecording(join(tmp, "leadB", "lead.jsonl"), "binance:BTCUSDT", leadEvents(events, -HOUR_MS));
    const a = await runInProcess({
      source: "replay",
      input,
      leadInput: join(tmp, "leadA"),
      outputDir: join(tmp, "a"),
    });
    await runInProcess({
      source: "replay",
      input,
      leadInput: join(tmp, "leadB"),
      outputDir: join(tmp, "b"),
    });
    expect(a.report.find((l) => l.startsWith("Feed: "))).toMatch(/; lead replay:.*bbo=[1-9]/);
    const sa = readStreams(join(tmp, "a"));
    const sb = readStreams(join(tmp, "b"));
    expect(sa.get("signal_contributions.jsonl")!).toContain("LeadLag");
    for (const [file, text] of sa) expect(sb.get(file), file).toBe(text);
    const manifest = JSON.parse(readFileSync(join(tmp, "b", "run.json"), "utf8")) as {
      source: { clock: string; lead: { clock: string } };
    };
    expect([manifest.source.clock, manifest.source.lead.clock]).toEqual(["local", "local"]);
  }, 60_000);

  it("a third-party capture still replays on the exchange clock", async () => {
    const dir = tempDir();
    await runInProcess({ source: "replay", input: HL_SAMPLE, outputDir: dir });
    const manifest = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as { source: { clock: string } };
    expect(manifest.source.clock).toBe("exchange");
  }, 60_000);

  it("a resume of a recording replay lands on the same event (byte-identical); one written on the exchange clock is refused", async () => {
    const tmp = tempDir();
    const input = join(tmp, "skewed.jsonl");
    writeRecording(input, "synthetic:BTC", glitched(marketEvents(), HOUR_MS, 200, 6));
    const ref = join(tmp, "ref");
    await runInProcess({ source: "replay", input, outputDir: ref });
    const dir = join(tmp, "out");
    const args = [
      "--source",
      "replay",
      "--input",
      input,
      "--checkpoint-every-min",
      "0.5",
      "--log-level",
      "warn",
    ];
    const run = spawnCli([...args, "--speed", "20x", "--output-dir", dir]);
    expect(await killAtMidCheckpoint(run, dir)).toBe(true);
    // A run.json without `source.clock` is an older version's, which replayed recordings on the exchange clock.
    const manifestPath = join(dir, "run.json");
    const text = readFileSync(manifestPath, "utf8");
    const old = JSON.parse(text) as { source: Record<string, unknown> };
    delete old.source["clock"];
    writeFileSync(manifestPath, JSON.stringify(old));
    const refused = await spawnCli(["--resume", "--output-dir", dir]).done;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot --resume: .* on the exchange clock .*local receive time/);
    writeFileSync(manifestPath, text);
    const resumed = await spawnCli(["--resume", "--output-dir", dir, "--log-level", "warn"]).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    expectSameStreams(readStreams(ref), readStreams(dir));
    // the finished run is reprinted whatever clock its run.json states: nothing is replayed
    const finished = JSON.parse(readFileSync(manifestPath, "utf8")) as { source: Record<string, unknown> };
    delete finished.source["clock"];
    writeFileSync(manifestPath, JSON.stringify(finished));
    const reprint = await spawnCli(["--resume", "--output-dir", dir]).done;
    expect(reprint.code, reprint.stderr).toBe(0);
    expect(reprint.stdout).toContain("already complete");
  }, 120_000);
});
