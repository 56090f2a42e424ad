/** The Prometheus values the quote loop publishes, against hand-counted events, fills and ages. */
import { emptyFeedStats } from "@mmkit/exchange";
import { describe, expect, it } from "vitest";
import { RunMetrics } from "../src/metrics.js";
import { gridTrader } from "./helpers.js";
import { buySweep, GRID_T0 as T0, gridBook, sellSweep } from "./grid-events.js";

/** A sample's value in a Prometheus text exposition (NaN when absent). */
function value(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
}

describe("the loop's Prometheus values", () => {
  it("counts every market event and gives the feed's age in seconds", async () => {
    const m = new RunMetrics();
    const t = gridTrader({ orderSizeBase: 0.001 }, { metrics: m });
    for (let ts = T0; ts <= T0 + 1000; ts += 50) t.onEvent(gridBook(ts)); // 21 events
    let text = await m.registry.metrics();
    expect(value(text, "mmkit_events_total")).toBe(21);
    expect(value(text, "mmkit_feed_staleness_seconds")).toBe(0);
    // 3 s of silence (inside the staleness limit): the last book is 3 s old
    t.onTimer(T0 + 4000);
    text = await m.registry.metrics();
    expect(value(text, "mmkit_feed_staleness_seconds")).toBe(3);
    expect(value(text, "mmkit_events_total")).toBe(21);
  });

  // the sweep goes through every resting order on its side, each filled whole (50 ≫ our sizes)
  it.each([
    { sweep: sellSweep, who: "a seller sweeping our bids", filled: "buy", other: "sell" },
    { sweep: buySweep, who: "a buyer sweeping our asks", filled: "sell", other: "buy" },
  ] as const)("counts fills by side: $who makes $filled fills only", async ({ sweep, filled, other }) => {
    const m = new RunMetrics();
    const t = gridTrader({ orderSizeBase: 0.001 }, { metrics: m });
    let ts = T0;
    for (; ts <= T0 + 5000; ts += 100) t.onEvent(gridBook(ts));
    const resting = t.p.exchange.openOrders().filter((o) => o.side === filled).length;
    expect(resting).toBeGreaterThan(0);
    t.onEvent(sweep(ts));
    const text = await m.registry.metrics();
    expect(value(text, `mmkit_fills_total{side="${filled}"}`)).toBe(resting);
    expect(value(text, `mmkit_fills_total{side="${other}"}`)).toBe(0);
  });

  it("gives the quoted half-spread once the loop quotes: above 0, at most the touch quotes' 10 bps from the mid", async () => {
    // (the model's half-spread, rounded away from the mid to the 0.1 tick: 99.9 / 100.1)
    const m = new RunMetrics();
    const t = gridTrader({ orderSizeBase: 0.001 }, { metrics: m });
    expect(value(await m.registry.metrics(), "mmkit_half_spread_bps")).toBe(0);
    for (let ts = T0; ts <= T0 + 1000; ts += 100) t.onEvent(gridBook(ts));
    const open = t.p.exchange.openOrders();
    expect(Math.max(...open.filter((o) => o.side === "buy").map((o) => o.price))).toBe(99.9);
    expect(Math.min(...open.filter((o) => o.side === "sell").map((o) => o.price))).toBe(100.1);
    const hs = value(await m.registry.metrics(), "mmkit_half_spread_bps");
    expect(hs).toBeGreaterThan(0);
    expect(hs).toBeLessThanOrEqual(10);
  });
});

describe("the lead venue's age", () => {
  it("runs from the lead's last book update: its trade prints are not book updates", async () => {
    const m = new RunMetrics(true);
    // a replay with a lead recording (the trader is fed by hand: neither file is opened)
    const t = gridTrader(
      { orderSizeBase: 0.001, source: "replay", input: "traded.gz", leadInput: "lead.gz" },
      { metrics: m },
    );
    let ts = T0;
    for (; ts < T0 + 1000; ts += 100) t.onEvent(gridBook(ts));
    // no lead book yet: infinitely old (not the age since 1970)
    expect(await m.registry.metrics()).toMatch(/^mmkit_lead_feed_staleness_seconds \+Inf$/m);
    for (; ts <= T0 + 3000; ts += 100) {
      if (ts === T0 + 1000) t.onReferenceEvent(gridBook(ts));
      if (ts === T0 + 2000 || ts === T0 + 2900) t.onReferenceEvent(sellSweep(ts));
      t.onEvent(gridBook(ts));
    }
    // the last sample at +3 s: 2 s after the lead's book at +1 s (its last print was 0.1 s before)
    expect(value(await m.registry.metrics(), "mmkit_lead_feed_staleness_seconds")).toBe(2);
  });
});

describe("RunMetrics' own arithmetic", () => {
  const SAMPLE = {
    pnlQuote: -2.5,
    equityQuote: 997.5,
    positionBase: 0.25,
    riskState: "active" as const,
    feedAgeSec: 0,
  };

  it("exports the sampled PnL, and the lead feed's age when a lead venue feeds the run", async () => {
    const m = new RunMetrics(true);
    m.sample({ ...SAMPLE, leadAgeSec: 2.5, eventsTotal: 0 });
    const text = await m.registry.metrics();
    expect(value(text, "mmkit_pnl_quote")).toBe(-2.5);
    expect(value(text, "mmkit_lead_feed_staleness_seconds")).toBe(2.5);
  });

  it("gives the event rate per second of wall time: 50 events in 500 ms is 100/s", async () => {
    const m = new RunMetrics();
    m.observeEvents(0, 10_000);
    m.observeEvents(50, 10_500);
    expect(value(await m.registry.metrics(), "mmkit_events_per_second")).toBe(100);
  });

  it("counts a feed counter's increases once: 5, then a restart at 2, then 4 is still 5, then 7 is 7", async () => {
    const m = new RunMetrics();
    const stats = emptyFeedStats();
    m.watchFeeds([{ name: "venue", stats: () => stats }]);
    const gaps = async (): Promise<number> =>
      value(await m.registry.metrics(), 'mmkit_feed_counter_total{feed="venue",counter="gaps"}');
    expect(await gaps()).toBe(0);
    stats.gaps = 5;
    expect(await gaps()).toBe(5);
    stats.gaps = 2;
    expect(await gaps()).toBe(5);
    stats.gaps = 4;
    expect(await gaps()).toBe(5);
    stats.gaps = 7;
    expect(await gaps()).toBe(7);
  });
});
