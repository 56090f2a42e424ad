import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logging.js";
import { parseConfig } from "../src/config.js";
import { runPaperTrader } from "../src/run.js";
import { deriveHl } from "./derive-hl.js";
import { readStreams, streamRecords, tempDir } from "./helpers.js";
import { startFakeVenue } from "./fake-venues.js";
import { boundMetricsPort, pollMetrics } from "./metrics-scrape.js";
import { startLocalWsServer } from "./ws-venue.js";

describe("live mode against a local venue replaying real Hyperliquid messages", () => {
  it("subscribes, quotes, serves Prometheus metrics and shuts down cleanly at the duration", async () => {
    const venue = await startFakeVenue(20);
    const dir = tempDir();
    const bound = boundMetricsPort();
    const config = parseConfig({
      source: "hyperliquid",
      asset: "BTC",
      hyperliquidUrl: venue.url,
      durationSec: 4,
      outputDir: dir,
      metricsPort: 0,
    });
    const metrics = pollMetrics(bound.port, 250);
    try {
      const result = await runPaperTrader(config, {
        logger: bound.logger,
        print: () => {},
        handleSignals: false,
      });
      expect(result.stopReason).toMatch(/duration reached/);
      expect(result.events).toBeGreaterThan(50);
      const channels = venue.subscriptions.map((s) => (s as { type: string }).type).sort();
      expect(channels).toEqual(expect.arrayContaining(["l2Book", "trades"]));
      const streams = readStreams(dir);
      expect(streams.get("signal_contributions.jsonl")!.length).toBeGreaterThan(0);
      expect(streams.get("equity.jsonl")!.length).toBeGreaterThan(0);
      // the "connected" health event that precedes the first book does not trip the kill switch
      expect(streams.get("events.jsonl")!).not.toContain("no market data yet");
      expect(result.report.join("\n")).toContain("source=hyperliquid");
      expect(metrics.text).toContain("mmkit_kill_switch_state");
      expect(metrics.text).toContain("mmkit_position_base");
      expect(Number(/^mmkit_events_total (\d+)/m.exec(metrics.text)?.[1] ?? 0)).toBeGreaterThan(0);
      // --resume of the finished live run reprints its report with the run's price step (the
      // resuming process reads no data), and its run.json keeps the end
      const instrument = (r: string[]): string | undefined => r.find((l) => l.startsWith("Instrument:"));
      const again = await runPaperTrader(parseConfig({ resume: true, outputDir: dir }), {
        logger: createLogger("silent", false),
        print: () => {},
        handleSignals: false,
        given: new Set(["resume", "outputDir"]),
      });
      expect(again.stopReason).toMatch(/^already complete \(duration reached/);
      expect(instrument(again.report)).toBe(instrument(result.report));
      expect(instrument(again.report)).not.toContain("unknown");
      expect(again.report.join("\n")).toContain("Feed: hyperliquid:BTC (nothing read: the run had ended");
    } finally {
      metrics.stop();
      await venue.close();
    }
  }, 60_000);
});

describe("live mode: a kill-switch halt", () => {
  it("stops the live run once the halt's cancels have landed, with the halt as the stop reason", async () => {
    const venue = await startFakeVenue(20);
    const dir = tempDir();
    const t0 = Date.now();
    try {
      const result = await runPaperTrader(
        parseConfig({
          source: "hyperliquid",
          asset: "BTC",
          hyperliquidUrl: venue.url,
          durationSec: 40,
          crashAtSec: 2,
          outputDir: dir,
        }),
        { logger: createLogger("silent", false), print: () => {}, handleSignals: false },
      );
      expect(result.stopReason).toMatch(/kill switch HALTED: non-finite equity/);
      // well before the 40 s duration: the drain ends when no order can fill any more
      expect(Date.now() - t0).toBeLessThan(20_000);
      const events = readStreams(dir).get("events.jsonl")!;
      expect(events).toContain('"to":"halted"');
      expect(events).toContain('"kind":"run_end"');
    } finally {
      await venue.close();
    }
  }, 60_000);
});

describe("live mode against a venue that acks the subscription and never sends data", () => {
  it("still ends at --duration of wall time, says no book arrived, and exports no-data metrics", async () => {
    const venue = await startLocalWsServer((ws) =>
      ws.on("message", (data) => {
        const msg = JSON.parse(data.toString()) as { method: string; subscription?: unknown };
        if (msg.method === "subscribe")
          ws.send(JSON.stringify({ channel: "subscriptionResponse", data: msg }));
      }),
    );
    const bound = boundMetricsPort();
    const metrics = pollMetrics(bound.port, 300);
    const t0 = Date.now();
    try {
      const result = await runPaperTrader(
        parseConfig({
          source: "hyperliquid",
          asset: "BTC",
          hyperliquidUrl: venue.url,
          durationSec: 2,
          outputDir: tempDir(),
          metricsPort: 0,
        }),
        { logger: bound.logger, print: () => {}, handleSignals: false },
      );
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(result.stopReason).toBe("duration reached (2s of wall time)");
      expect(result.report.join("\n")).toContain("no two-sided order book arrived");
      expect(metrics.text).toMatch(/^mmkit_feed_staleness_seconds \+Inf$/m);
    } finally {
      metrics.stop();
      await venue.close();
    }
  }, 60_000);
});

describe("live mode through a venue outage", () => {
  it("the shutdown records are stamped at the end of the run, not at the last event before the outage", async () => {
    const venue = await startFakeVenue(20);
    const dir = tempDir();
    const down = setTimeout(() => void venue.close(), 1200);
    try {
      const result = await runPaperTrader(
        parseConfig({
          source: "hyperliquid",
          asset: "BTC",
          hyperliquidUrl: venue.url,
          durationSec: 4,
          outputDir: dir,
        }),
        { logger: createLogger("silent", false), print: () => {}, handleSignals: false },
      );
      expect(result.stopReason).toBe("duration reached (4s of wall time)");
      const rows = (f: string) => streamRecords<{ ts_ms: number; kind?: string }>(dir, f);
      const lastEquityTs = Math.max(...rows("equity.jsonl").map((r) => r.ts_ms));
      const end = rows("events.jsonl").find((r) => r.kind === "run_end")!;
      const firstEquityTs = Math.min(...rows("equity.jsonl").map((r) => r.ts_ms));
      expect(lastEquityTs - firstEquityTs).toBeGreaterThan(2500); // the timer kept sampling through the outage
      expect(end.ts_ms).toBeGreaterThanOrEqual(lastEquityTs);
    } finally {
      clearTimeout(down);
      await venue.close();
    }
  }, 60_000);
});

describe("live mode through a silent venue", () => {
  it("pauses the statistics while the data is stale and resumes them, with a data_gap record, when it returns", async () => {
    // The venue keeps the connection but sends nothing for 12.5 s (the staleness limit is 10 s).
    const venue = await startFakeVenue(20);
    const dir = tempDir();
    const quiet = setTimeout(() => venue.silence(12_500), 1500);
    try {
      await runPaperTrader(
        parseConfig({
          source: "hyperliquid",
          asset: "BTC",
          hyperliquidUrl: venue.url,
          durationSec: 17,
          outputDir: dir,
        }),
        { logger: createLogger("silent", false), print: () => {}, handleSignals: false },
      );
      const rows = (f: string) => streamRecords<Record<string, unknown>>(dir, f);
      const gaps = rows("events.jsonl").filter((r) => r["kind"] === "data_gap");
      expect(gaps).toHaveLength(1);
      const d = gaps[0]!["details"] as {
        last_book_ts_ms: number;
        unobserved_since_ms: number;
        gap_secs: number;
      };
      expect(d.unobserved_since_ms - d.last_book_ts_ms).toBe(10_000);
      expect(d.gap_secs).toBeGreaterThan(12);
      expect(d.gap_secs).toBeLessThan(14);
      // the 1 s timer wrote the last observed line at the stale instant, then none until the data came back
      const eq = rows("equity.jsonl").map((r) => ({
        ts: r["ts_ms"] as number,
        since: r["unobserved_since_ms"],
      }));
      expect(eq.some((e) => e.ts === d.unobserved_since_ms)).toBe(true);
      const resumed = eq.filter((e) => e.since !== undefined);
      expect(resumed).toHaveLength(1);
      expect(resumed[0]!.since).toBe(d.unobserved_since_ms);
      expect(eq.filter((e) => e.ts > d.unobserved_since_ms && e.ts < resumed[0]!.ts)).toEqual([]);
      expect(resumed[0]!.ts).toBe(gaps[0]!["ts_ms"]);
      // the gap's record comes before the kill switch's return to active that the same data brings
      const events = rows("events.jsonl");
      const gapAt = events.findIndex((r) => r["kind"] === "data_gap");
      const backToActive = events.findIndex(
        (r, i) =>
          i > events.findIndex((x) => x["kind"] === "kill_switch" && x["to"] !== "active") &&
          r["to"] === "active",
      );
      expect(backToActive).toBeGreaterThan(gapAt);
      // and while blind nothing was placed: no quote cycle placed orders inside the gap
      const placedInGap = rows("signal_contributions.jsonl").filter(
        (r) => (r["ts_ms"] as number) > d.unobserved_since_ms && (r["ts_ms"] as number) < resumed[0]!.ts,
      );
      expect(placedInGap).toEqual([]);
    } finally {
      clearTimeout(quiet);
      await venue.close();
    }
  }, 60_000);
});

describe("live mode against a venue that flaps without ever sending a book", () => {
  it("logs its health lines while no trader exists yet, once each", async () => {
    // Accepts the connection, acknowledges nothing, drops it after 150 ms: no book ever arrives.
    const venue = await startLocalWsServer((ws) => setTimeout(() => ws.terminate(), 150));
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString("utf8"));
        done();
      },
    });
    try {
      const result = await runPaperTrader(
        parseConfig({
          source: "hyperliquid",
          asset: "BTC",
          hyperliquidUrl: venue.url,
          durationSec: 3,
          outputDir: tempDir(),
        }),
        { logger: pino({ level: "info" }, sink), print: () => {}, handleSignals: false },
      );
      expect(result.stopReason).toMatch(/duration reached/);
      expect(result.report.join("\n")).toMatch(/no two-sided order book arrived/);
      const health = lines
        .map((l) => (JSON.parse(l) as { msg: string }).msg)
        .filter((m) => /^\[FEED\] (connected|disconnected|reconnected)/.test(m));
      expect(health.some((m) => m.startsWith("[FEED] connected"))).toBe(true);
      expect(health.some((m) => m.startsWith("[FEED] disconnected"))).toBe(true);
      // each health line once: no second copy when the events are handed to a trader
      expect(new Set(health).size).toBe(health.length);
    } finally {
      await venue.close();
    }
  }, 60_000);
});

describe("live mode for a tiny-price coin (kPEPE-like frames derived from the real ones)", () => {
  it("subscribes the coin and quotes on its grid: 6 decimals at 0.0123, whole-unit sizes", async () => {
    const venue = await startFakeVenue(20, deriveHl("kPEPE", 0.012345, 0));
    const dir = tempDir();
    const config = parseConfig({
      source: "hyperliquid",
      asset: "kPEPE",
      hyperliquidUrl: venue.url,
      durationSec: 4,
      outputDir: dir,
    });
    try {
      const result = await runPaperTrader(config, {
        logger: createLogger("silent", false),
        print: () => {},
        handleSignals: false,
      });
      expect(result.stopReason).toMatch(/duration reached/);
      expect(venue.subscriptions).toContainEqual(expect.objectContaining({ type: "l2Book", coin: "kPEPE" }));
      const preds = readStreams(dir)
        .get("predictions.jsonl")!
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { price: number; size: number; depth_from_mid_bps: number });
      expect(preds.length).toBeGreaterThan(0);
      for (const p of preds) {
        expect(Math.round(p.price * 1e6) / 1e6).toBe(p.price);
        expect(Number.isInteger(p.size)).toBe(true);
        expect(Math.abs(p.depth_from_mid_bps)).toBeLessThan(50);
      }
    } finally {
      await venue.close();
    }
  }, 60_000);

  it("refuses a coin whose size decimals are unknown without --sz-decimals, naming the flag", async () => {
    const config = parseConfig({
      source: "hyperliquid",
      asset: "kBONK",
      hyperliquidUrl: "ws://127.0.0.1:9",
      outputDir: tempDir(),
    });
    await expect(
      runPaperTrader(config, {
        logger: createLogger("silent", false),
        print: () => {},
        handleSignals: false,
      }),
    ).rejects.toThrow(/--sz-decimals is required for kBONK/);
  });
});
