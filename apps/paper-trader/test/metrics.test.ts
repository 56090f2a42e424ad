import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { openReplay } from "@mmkit/exchange";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../src/config.js";
import { createLogger } from "../src/logging.js";
import { RunMetrics } from "../src/metrics.js";
import { continueFrom, resumeSettings } from "../src/resume.js";
import { BINANCE_SAMPLE, gridTrader, runInProcess, tempDir } from "./helpers.js";

/** One sample's fields besides the running totals the tests vary. */
const SAMPLE = {
  pnlQuote: 0,
  equityQuote: 1000,
  positionBase: 0,
  riskState: "active" as const,
  feedAgeSec: 0,
};

/** A gauge's value in a Prometheus text exposition (NaN when absent). */
function gauge(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.slice(name.length + 1));
}

describe("Prometheus metrics", () => {
  it("both sides' fill counters exist at 0 before the first fill (rate() and absent() alerts work)", async () => {
    const text = await new RunMetrics().registry.metrics();
    expect(text).toContain('mmkit_fills_total{side="buy"} 0');
    expect(text).toContain('mmkit_fills_total{side="sell"} 0');
  });

  it("a resumed run's gauges show the restored account before its first event, not an empty one", async () => {
    // (a replay resumed from a checkpoint first skips the events it processed, which can take long)
    const dir = tempDir();
    const done = await runInProcess({ durationSec: 600, outputDir: dir });
    expect(done.fills).toBeGreaterThan(0);
    const { checkpoint, config } = resumeSettings(
      parseConfig({ resume: true, outputDir: dir }),
      new Set(["resume", "outputDir"]),
    );
    const m = new RunMetrics();
    const t = gridTrader(config, { metrics: m, capitalQuote: checkpoint!.capital_quote });
    continueFrom(t, checkpoint!, "r", true, createLogger("silent", false), m);
    const text = await m.registry.metrics();
    const lines = readFileSync(join(dir, "equity.jsonl"), "utf8").trim().split("\n");
    const last = JSON.parse(lines[lines.length - 1]!) as { equity: number; position: number; ts_ms: number };
    expect(last.ts_ms).toBe(t.counters.lastTsMs);
    expect(gauge(text, "mmkit_equity_quote")).toBeCloseTo(last.equity, 9);
    expect(gauge(text, "mmkit_position_base")).toBeCloseTo(last.position, 12);
    expect(last.position).not.toBe(0);
    expect(gauge(text, "mmkit_feed_staleness_seconds")).toBeLessThan(10);
  });

  it("before any market data: feed staleness +Inf and a kill switch that does not quote, not a healthy 0", async () => {
    const text = await new RunMetrics().registry.metrics();
    expect(text).toMatch(/^mmkit_feed_staleness_seconds \+Inf$/m);
    expect(text).not.toContain("mmkit_lead_feed_staleness_seconds"); // no lead venue: no lead gauge
    expect(await new RunMetrics(true).registry.metrics()).toMatch(
      /^mmkit_lead_feed_staleness_seconds \+Inf$/m,
    );
    expect(text).toMatch(/^mmkit_kill_switch_state 1$/m);
    // prom-client's default names already start with process_ / nodejs_
    expect(text).toContain("mmkit_process_cpu_user_seconds_total");
    expect(text).not.toContain("mmkit_process_process_");
  });

  it("exports a real feed's own counters by name, from 0 at the start to their totals after it ran", async () => {
    const feed = openReplay(BINANCE_SAMPLE);
    const m = new RunMetrics();
    m.watchFeeds([feed]);
    const value = (text: string, counter: string): number => {
      const label = `mmkit_feed_counter_total{feed="${feed.name}",counter="${counter}"} `;
      const line = text.split("\n").find((l) => l.startsWith(label));
      return line === undefined ? Number.NaN : Number(line.slice(label.length));
    };
    const before = await m.registry.metrics();
    expect(value(before, "reconnects")).toBe(0);
    expect(value(before, "resyncs")).toBe(0);
    for await (const _ of feed) {
      // consume the whole recording
    }
    const after = await m.registry.metrics();
    const s = feed.stats();
    expect(s.resyncs).toBeGreaterThan(0);
    expect(value(after, "resyncs")).toBe(s.resyncs);
    expect(value(after, "mergedPrints")).toBe(s.extra["mergedPrints"]);
    // a second scrape does not count them again
    expect(value(await m.registry.metrics(), "resyncs")).toBe(s.resyncs);
  });

  it("counts refused book updates and prints from the exchange's running totals, whatever the sampling", async () => {
    const m = new RunMetrics();
    m.sample({ ...SAMPLE, eventsTotal: 10, rejectedBookEvents: 3, rejectedTradeEvents: 1 });
    m.sample({ ...SAMPLE, eventsTotal: 20, rejectedBookEvents: 3, rejectedTradeEvents: 1 });
    m.sample({ ...SAMPLE, eventsTotal: 30, rejectedBookEvents: 7, rejectedTradeEvents: 4 });
    m.sample({ ...SAMPLE, eventsTotal: 40 });
    const text = await m.registry.metrics();
    expect(text).toMatch(/^mmkit_rejected_book_events_total 7$/m);
    expect(text).toMatch(/^mmkit_rejected_trade_events_total 4$/m);
  });

  it("a resumed run's counters count from its checkpoint's totals: no jump by the previous sessions' counts", async () => {
    const m = new RunMetrics();
    m.resumeFrom({ eventsTotal: 1_000_000, rejectedBookEvents: 40, rejectedTradeEvents: 5 });
    m.sample({ ...SAMPLE, eventsTotal: 1_000_250, rejectedBookEvents: 42, rejectedTradeEvents: 6 });
    const text = await m.registry.metrics();
    expect(text).toMatch(/^mmkit_events_total 250$/m);
    expect(text).toMatch(/^mmkit_rejected_book_events_total 2$/m);
    expect(text).toMatch(/^mmkit_rejected_trade_events_total 1$/m);
  });

  it("a --metrics-port in use is a flag error raised before the previous run is archived", async () => {
    const dir = tempDir();
    await runInProcess({ durationSec: 60, outputDir: dir });
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const run = runInProcess({ durationSec: 60, outputDir: dir, metricsPort: port });
      await expect(run).rejects.toThrow(ConfigError);
      await expect(run).rejects.toThrow(`invalid --metrics-port: ${port} cannot be used (EADDRINUSE)`);
      expect(existsSync(join(dir, "archive"))).toBe(false);
      expect(existsSync(join(dir, "fills.jsonl"))).toBe(true);
    } finally {
      busy.close();
    }
  });
});

describe("kill-switch state on /metrics", () => {
  it("a halt shows at once, not at the next once-a-second sample (a run whose cancels land at once stops before it)", async () => {
    const metrics = new RunMetrics();
    const t = gridTrader({ crashAtSec: 1.1, orderSizeBase: 0.001 }, { metrics });
    const T0 = 1_000_000;
    let ts = T0;
    // books every 100 ms: cycles every 250 ms, equity samples (and the gauges) every 1,000 ms
    for (; t.stopReason === null && ts < T0 + 5000; ts += 100)
      t.onEvent({
        type: "snapshot",
        exchangeTsMs: ts,
        localTsMs: ts,
        bids: [{ price: 99.9, size: 1 }],
        asks: [{ price: 100.1, size: 1 }],
      });
    expect(t.stopReason).toMatch(/HALTED/);
    expect((ts - 100 - T0) % 1000).not.toBe(0); // halted between two samples
    expect(await metrics.registry.metrics()).toMatch(/^mmkit_kill_switch_state 2$/m);
  });
});
