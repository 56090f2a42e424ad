/**
 * A bare `--resume` of a live run goes on against the venue the run used (its `--hyperliquid-url`,
 * from the checkpoint), keeps the tick size in run.json, and reports the whole run even when the
 * resumed session receives nothing or only one-sided books.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logging.js";
import { type PaperTraderConfigInput, parseConfig } from "../src/config.js";
import { keepVenueUrls } from "../src/resume.js";
import { type RunResult, runPaperTrader } from "../src/run.js";
import { answerHyperliquidClient, startFakeVenue } from "./fake-venues.js";
import { HL_SAMPLE, tempDir } from "./helpers.js";
import { startLoopingVenue } from "./ws-venue.js";

/**
 * A local Hyperliquid imitation streaming the repo sample's frames in a loop with the prices on a
 * random walk (±20 on 30 % of frames, seeded) and fresh trade ids, so quotes fill within seconds.
 */
async function startDriftingVenue(): Promise<{
  url: string;
  subscriptions: unknown[];
  close: () => Promise<void>;
}> {
  const frames = gunzipSync(readFileSync(HL_SAMPLE))
    .toString("utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => l.slice(l.indexOf(" ") + 1));
  const subscriptions: unknown[] = [];
  let rng = 12345;
  const rnd = (): number => {
    rng = (rng * 1103515245 + 12345) % 2147483648;
    return rng / 2147483648;
  };
  let off = 0;
  let tid = 1e15;
  const venue = await startLoopingVenue(
    frames,
    20,
    (msg, now) => {
      if (rnd() < 0.3) off += rnd() < 0.5 ? -20 : 20;
      if (msg.channel === "l2Book") {
        const data = msg.data as { time: number; levels: { px: string }[][] };
        data.time = now;
        for (const side of data.levels) for (const l of side) l.px = (Number(l.px) + off).toFixed(1);
      }
      if (msg.channel === "trades")
        for (const t of msg.data as { time: number; tid: number; px: string }[]) {
          t.time = now;
          t.tid = tid++;
          t.px = (Number(t.px) + off).toFixed(1);
        }
    },
    (ws) => answerHyperliquidClient(ws, subscriptions),
  );
  return { ...venue, subscriptions };
}

/** Run in-process with only `given` counted as given (as the CLI does), paused (aborted) after `pauseMs`. */
async function runPaused(
  input: PaperTraderConfigInput,
  pauseMs: number,
  given?: string[],
): Promise<RunResult> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), pauseMs);
  try {
    return await runPaperTrader(parseConfig(input), {
      logger: createLogger("silent", false),
      print: () => {},
      handleSignals: false,
      signal: abort.signal,
      ...(given !== undefined ? { given: new Set(given) } : {}),
    });
  } finally {
    clearTimeout(timer);
  }
}

interface Manifest {
  source: { url: string; tick_size: number | null };
  config: { hyperliquidUrl: string };
}
const manifest = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as Manifest;
const fillsLine = (r: RunResult): string => r.report.find((l) => l.startsWith("fills="))!;

describe("bare --resume of a live run", () => {
  it("keeps the venue URLs from the checkpoint unless given again", () => {
    const saved = parseConfig({
      source: "hyperliquid",
      binanceLead: true,
      hyperliquidUrl: "ws://127.0.0.1:1",
      binanceUrl: "ws://127.0.0.1:2",
    });
    const now = parseConfig({ source: "hyperliquid", binanceLead: true, resume: true });
    expect(keepVenueUrls(saved, now, new Set(["resume"]))).toMatchObject({
      hyperliquidUrl: "ws://127.0.0.1:1",
      binanceUrl: "ws://127.0.0.1:2",
    });
    const given = parseConfig({
      source: "hyperliquid",
      binanceLead: true,
      resume: true,
      hyperliquidUrl: "ws://127.0.0.1:3",
    });
    expect(keepVenueUrls(saved, given, new Set(["resume", "hyperliquidUrl"]))).toMatchObject({
      hyperliquidUrl: "ws://127.0.0.1:3",
      binanceUrl: "ws://127.0.0.1:2",
    });
    expect(keepVenueUrls(saved, now, undefined)).toBe(now);
  });

  it("connects to the run's venue, keeps run.json's tick size, and a session without data still reports the whole run", async () => {
    const dir = tempDir();
    const venue = await startDriftingVenue();
    let closed = false;
    try {
      const first = await runPaused(
        {
          source: "hyperliquid",
          asset: "BTC",
          hyperliquidUrl: venue.url,
          durationSec: 600,
          outputDir: dir,
        },
        4000,
      );
      expect(first.stopReason).toMatch(/aborted/);
      expect(first.fills, first.report.join("\n")).toBeGreaterThan(0);
      // the stop is a pause: the statistics pause at the session's last instant
      const paused = JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8")) as {
        counters: { lastTsMs: number; lastBookTsMs: number };
        trackers: { sharpe: { pausedAtMs?: number | null } };
      };
      expect(paused.trackers.sharpe.pausedAtMs).toBe(paused.counters.lastTsMs);
      const tick = manifest(dir).source.tick_size;
      expect(tick).not.toBeNull();
      // Bare resume (only --resume and --output-dir given): the same venue, not the public default.
      const subscribed = venue.subscriptions.length;
      // resumed after more than the staleness limit: the data is stale when the session starts
      await new Promise((r) => setTimeout(r, 11_000));
      const secondStartMs = Date.now();
      const second = await runPaused({ resume: true, outputDir: dir }, 3000, ["resume", "outputDir"]);
      // nothing of the resumed session is stamped between the sessions (no back-dated tick)
      const events = readFileSync(join(dir, "events.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { ts_ms: number; kind: string });
      const pauseEnd = events.findIndex((e) => e.kind === "run_end");
      for (const e of events.slice(pauseEnd + 1))
        expect(e.ts_ms, e.kind).toBeGreaterThanOrEqual(secondStartMs);
      expect(venue.subscriptions.length).toBeGreaterThan(subscribed);
      expect(second.events).toBeGreaterThan(first.events);
      // the time between the sessions is unobserved: the resumed session's first sample says from when
      const equityLines = readFileSync(join(dir, "equity.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { ts_ms: number; unobserved_since_ms?: number });
      expect(
        equityLines.filter((e) => e.unobserved_since_ms !== undefined).map((e) => e.unobserved_since_ms),
      ).toEqual([paused.counters.lastTsMs]);
      // the gap runs from the paused session's last book (not from 10 s before the stop) to the first new one
      const gap = events.find((e) => e.kind === "data_gap") as
        | {
            ts_ms: number;
            details: { last_book_ts_ms: number; unobserved_since_ms: number; gap_secs: number };
          }
        | undefined;
      expect(gap?.details.last_book_ts_ms).toBe(paused.counters.lastBookTsMs);
      expect(gap?.details.unobserved_since_ms).toBe(paused.counters.lastTsMs);
      expect(gap?.details.gap_secs).toBeCloseTo((gap!.ts_ms - paused.counters.lastBookTsMs) / 1000, 9);
      expect(manifest(dir).source.url).toBe(venue.url);
      expect(manifest(dir).config.hyperliquidUrl).toBe(venue.url);
      expect(manifest(dir).source.tick_size).toBe(tick);
      // A session whose venue sends bid-only books (never a two-sided one) and trades: no trader
      // starts during it, yet the restored trader at its end still gets what it received.
      const oneSided = gunzipSync(readFileSync(HL_SAMPLE))
        .toString("utf8")
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => {
          const sp = l.indexOf(" ");
          const msg = JSON.parse(l.slice(sp + 1)) as { channel: string; data: { levels?: unknown[][] } };
          if (msg.channel === "l2Book" && msg.data.levels !== undefined) msg.data.levels[1] = [];
          return `${l.slice(0, sp)} ${JSON.stringify(msg)}`;
        });
      // The cancels sent at the previous stop are in flight for up to the latency cap (5 × 50 ms
      // + 1): a session resumed within it can rightly see one filled by its first prints, as the
      // venue would have. Resume after it, so every fill here would be a new quote's.
      await new Promise((r) => setTimeout(r, 500));
      const bidOnlyVenue = await startFakeVenue(20, oneSided);
      let bookless: RunResult;
      try {
        bookless = await runPaused(
          { resume: true, outputDir: dir, source: "hyperliquid", hyperliquidUrl: bidOnlyVenue.url },
          2500,
          ["resume", "source", "outputDir", "hyperliquidUrl"],
        );
      } finally {
        await bidOnlyVenue.close();
      }
      expect(bookless.report.join("\n")).toMatch(/snapshot=[1-9]/);
      expect(bookless.events).toBeGreaterThan(second.events + 10);
      expect(bookless.fills).toBe(second.fills);
      // The venue goes silent: the resumed session gets no book, the report is still the run's.
      await venue.close();
      closed = true;
      const third = await runPaused(
        { resume: true, outputDir: dir, source: "hyperliquid", hyperliquidUrl: venue.url },
        2500,
        ["resume", "source", "outputDir", "hyperliquidUrl"],
      );
      expect(third.report.join("\n")).not.toMatch(/nothing was quoted/);
      expect(third.fills).toBe(second.fills);
      expect(third.events).toBe(bookless.events);
      expect(fillsLine(third)).toBe(fillsLine(second));
      expect(manifest(dir).source).toMatchObject({ url: venue.url, tick_size: tick });
      // and it stays resumable (a pause, its checkpoint the run's)
      const cp = JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8")) as {
        completed_reason: string | null;
        counters: { fills: number };
      };
      expect(cp.completed_reason).toBeNull();
      expect(cp.counters.fills).toBe(second.fills);
    } finally {
      if (!closed) await venue.close();
    }
  }, 60_000);
});
