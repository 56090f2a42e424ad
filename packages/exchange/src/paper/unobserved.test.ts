import { describe, expect, it } from "vitest";
import type { ExchangeEvent, MarkoutRecord, PredictionRecord } from "./events.js";
import { PaperExchange, type PaperExchangeState } from "./paper-exchange.js";
import { fillsOf, snap, trade } from "./test-helpers.js";

const T0 = 1_000_000;
const CONFIG = {
  fillModel: "through" as const,
  latency: { kind: "constant" as const, orderEntryMs: 10, cancelMs: 10 },
  horizonsSec: [1, 5, 30],
  maxDataGapMs: 10_000,
  intensity: { aPerSec: 1.5, kappaPerFrac: 8000, sigmaPerSqrtSec: 1e-4 },
};

function records(evs: readonly ExchangeEvent[]): {
  markouts: MarkoutRecord[];
  predictions: PredictionRecord[];
} {
  const markouts: MarkoutRecord[] = [];
  const predictions: PredictionRecord[] = [];
  for (const e of evs) {
    if (e.type === "markout") markouts.push(e.record);
    if (e.type === "prediction") predictions.push(e.record);
  }
  return { markouts, predictions };
}

/** A bid at 100 going live at T0+10 and filled by a print through it at T0+20; books every second to T0+3000. */
function filledBid(): { ex: PaperExchange; evs: ExchangeEvent[] } {
  const ex = new PaperExchange(CONFIG);
  const evs: ExchangeEvent[] = [...ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]))];
  evs.push(...ex.place({ side: "buy", price: 100, size: 1, postOnly: true }).events);
  evs.push(...ex.advanceTo(T0 + 10));
  evs.push(...ex.onMarketEvent(trade(T0 + 20, 99.5, 5, "sell")));
  expect(fillsOf(evs)).toHaveLength(1);
  for (let ts = T0 + 1000; ts <= T0 + 3000; ts += 1000)
    evs.push(...ex.onMarketEvent(snap(ts, [[99, 1]], [[101, 1]])));
  return { ex, evs };
}

describe("outcomes across a silence in the market data (recording gap, feed outage)", () => {
  it("a markout horizon ending in the silence past the limit has no mid, and an overlapping fill window no outcome", () => {
    const { ex, evs } = filledBid();
    // 60 s without data: the 30 s horizon (T0+30,020) ends after T0+3,000 + 10,000
    evs.push(...ex.onMarketEvent(snap(T0 + 63_000, [[109, 1]], [[111, 1]])));
    const { markouts, predictions } = records(evs);
    expect(markouts).toHaveLength(1);
    // 1 s and 5 s end within 10 s of the last data: quiet, not missing (mid 100 held)
    expect(markouts[0]!.midAtHorizon).toEqual([100, 100, null]);
    expect(markouts[0]!.realizedEdgeBps[2]).toBeNull();
    expect(markouts[0]!.complete).toBe(true);
    expect(predictions).toHaveLength(1);
    expect(predictions[0]!.filled).toEqual([true, true, null]);
  });

  it("without a silence past the limit the same horizons resolve as before", () => {
    const { ex, evs } = filledBid();
    for (let ts = T0 + 12_000; ts <= T0 + 63_000; ts += 9_000)
      evs.push(...ex.onMarketEvent(snap(ts, [[109, 1]], [[111, 1]])));
    const { markouts, predictions } = records(evs);
    expect(markouts[0]!.midAtHorizon).toEqual([100, 100, 110]);
    expect(predictions[0]!.filled).toEqual([true, true, true]);
  });

  it("a live outage (clock advanced by timer ticks, no data) censors the horizons due during it", () => {
    const { ex, evs } = filledBid();
    for (let ts = T0 + 4000; ts <= T0 + 40_000; ts += 1000) evs.push(...ex.advanceTo(ts));
    const { markouts, predictions } = records(evs);
    expect(markouts[0]!.midAtHorizon).toEqual([100, 100, null]);
    expect(predictions[0]!.filled).toEqual([true, true, null]);
    // a new order after the data came back is scored normally
    const after: ExchangeEvent[] = [...ex.onMarketEvent(snap(T0 + 41_000, [[99, 1]], [[101, 1]]))];
    after.push(...ex.place({ side: "buy", price: 100, size: 1, postOnly: true }).events);
    after.push(...ex.advanceTo(T0 + 41_010));
    for (let ts = T0 + 42_000; ts <= T0 + 72_000; ts += 1000)
      after.push(...ex.onMarketEvent(snap(ts, [[99, 1]], [[101, 1]])));
    expect(records(after).predictions.map((p) => p.filled)).toEqual([[false, false, false]]);
  });

  it("health events during an outage (stale, reconnecting…) are not market data: the outage goes on", () => {
    const { ex, evs } = filledBid();
    for (let ts = T0 + 8000; ts <= T0 + 60_000; ts += 5000)
      evs.push(
        ...ex.onMarketEvent({
          type: "health",
          exchangeTsMs: ts,
          localTsMs: ts,
          status: "stale",
          reason: "no data",
        }),
      );
    evs.push(...ex.onMarketEvent(snap(T0 + 63_000, [[109, 1]], [[111, 1]])));
    expect(records(evs).markouts[0]!.midAtHorizon).toEqual([100, 100, null]);
  });

  it("prints without book updates (the book feed stuck) do not count as data: the frozen mid scores nothing", () => {
    const { ex, evs } = filledBid();
    // trades every second until T0+63,000 at prices the frozen book never shows, then a book
    for (let ts = T0 + 4000; ts < T0 + 63_000; ts += 1000)
      evs.push(...ex.onMarketEvent(trade(ts, 105, 0.1, "buy")));
    evs.push(...ex.onMarketEvent(snap(T0 + 63_000, [[109, 1]], [[111, 1]])));
    const { markouts, predictions } = records(evs);
    // the 30 s horizon ends in the no-book span: no mid, not the frozen 100 (an adverse move of 0)
    expect(markouts[0]!.midAtHorizon).toEqual([100, 100, null]);
    expect(predictions[0]!.filled).toEqual([true, true, null]);
  });

  it("refused (crossed) book updates do not count as data either", () => {
    const { ex, evs } = filledBid();
    for (let ts = T0 + 4000; ts < T0 + 63_000; ts += 1000)
      evs.push(...ex.onMarketEvent(snap(ts, [[102, 1]], [[101, 1]])));
    expect(ex.rejectedBookEvents).toBeGreaterThan(50);
    evs.push(...ex.onMarketEvent(snap(T0 + 63_000, [[109, 1]], [[111, 1]])));
    expect(records(evs).markouts[0]!.midAtHorizon).toEqual([100, 100, null]);
  });

  it("an order that goes live inside an outage (its entry applied when data returns) gets no outcome", () => {
    const ex = new PaperExchange(CONFIG);
    const evs: ExchangeEvent[] = [...ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]))];
    evs.push(...ex.place({ side: "buy", price: 100, size: 1, postOnly: true }).events);
    // timer ticks only from here: the outage starts at T0 + 10,000
    for (let ts = T0 + 10; ts <= T0 + 30_001; ts += ts === T0 + 10 ? 990 : 1000)
      evs.push(...ex.advanceTo(ts));
    evs.push(...ex.advanceTo(T0 + 30_001));
    // live at T0 + 30,011, inside the outage; the bid's record (due T0 + 30,010) resolves on the way
    evs.push(...ex.place({ side: "sell", price: 102, size: 1, postOnly: true }).events);
    evs.push(...ex.onMarketEvent(snap(T0 + 45_000, [[99, 1]], [[101, 1]])));
    for (let ts = T0 + 46_000; ts <= T0 + 80_000; ts += 1000)
      evs.push(...ex.onMarketEvent(snap(ts, [[99, 1]], [[101, 1]])));
    const sell = records(evs).predictions.find((p) => p.side === "sell");
    expect(sell?.liveTsMs).toBe(T0 + 30_011);
    expect(sell!.filled).toEqual([null, null, null]);
  });

  it("a checkpoint taken during an outage resumes to the same records", () => {
    const run = (checkpointAt: number | null): ExchangeEvent[] => {
      let { ex, evs } = filledBid();
      for (let ts = T0 + 4000; ts <= T0 + 40_000; ts += 1000) {
        evs.push(...ex.advanceTo(ts));
        if (ts === checkpointAt) {
          const state = JSON.parse(JSON.stringify(ex.getState())) as PaperExchangeState;
          ex = new PaperExchange(CONFIG);
          ex.setState(state);
        }
      }
      evs.push(...ex.onMarketEvent(snap(T0 + 45_000, [[99, 1]], [[101, 1]])));
      return evs.filter((e) => e.type === "markout" || e.type === "prediction");
    };
    const whole = run(null);
    expect(records(whole).markouts[0]!.midAtHorizon).toEqual([100, 100, null]);
    expect(run(20_000 + T0)).toEqual(whole);
  });
});
