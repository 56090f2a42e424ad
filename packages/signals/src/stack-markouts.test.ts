import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { SignalStack } from "./stack.js";
import { pathEvents, smallConfig, T0 } from "./stack-test-helpers.js";

describe("SignalStack", () => {
  it("own fills produce automatic markouts that feed alpha→κ", () => {
    const stack = new SignalStack({ ...smallConfig, markoutHorizonMs: 5000 });
    let n = 0;
    for (const ev of pathEvents(2, 400)) {
      stack.onMarketEvent(ev);
      if (ev.type === "bbo" && (ev.exchangeTsMs - T0) % 10_000 === 0) {
        const mid = (ev.bbo.bidPrice + ev.bbo.askPrice) / 2;
        stack.onOwnFill({
          orderId: `o${n++}`,
          side: "buy",
          price: mid,
          size: 1,
          feeQuote: 0,
          liquidity: "maker",
          tsMs: ev.exchangeTsMs,
          midAtFill: mid,
        });
      }
    }
    expect(stack.alphaKappa.count).toBeGreaterThanOrEqual(n - 1);
    expect(stack.warmup.counts().fills).toBe(n);
  });
});

describe("SignalStack automatic markouts use the mid in force at the horizon", () => {
  // Definition (alpha-kappa.ts; same convention as the paper exchange's markout records):
  // m_h = the last mid at or before fill time + horizon; asBps = −sideSign·(m_h − m₀)/m₀·1e4.
  const bbo = (tsMs: number, mid: number): MarketEvent => ({
    type: "bbo",
    exchangeTsMs: tsMs,
    localTsMs: tsMs,
    bbo: { bidPrice: mid - 0.005, bidSize: 1, askPrice: mid + 0.005, askSize: 1 },
  });
  const buyFillAt100 = {
    orderId: "o1",
    side: "buy" as const,
    price: 100,
    size: 1,
    feeQuote: 0,
    liquidity: "maker" as const,
    tsMs: T0,
    midAtFill: 100,
  };

  it("horizon between two updates: the earlier mid (99 → +100 bps; the old code took 101 → −100)", () => {
    const stack = new SignalStack({ markoutHorizonMs: 5000 });
    stack.onMarketEvent(bbo(T0, 100));
    stack.onOwnFill(buyFillAt100);
    stack.onMarketEvent(bbo(T0 + 4000, 99));
    stack.onMarketEvent(bbo(T0 + 6000, 101));
    expect(stack.alphaKappa.count).toBe(1);
    // −(+1)·(99 − 100)/100·1e4 = +100 bps (the first markout enters with weight 1)
    expect(stack.alphaKappa.toxicityBps).toBeCloseTo(100, 9);
  });

  it("an update exactly at the horizon is in force at it (98 → +200 bps)", () => {
    const stack = new SignalStack({ markoutHorizonMs: 5000 });
    stack.onMarketEvent(bbo(T0, 100));
    stack.onOwnFill(buyFillAt100);
    stack.onMarketEvent(bbo(T0 + 4000, 99));
    stack.onMarketEvent(bbo(T0 + 5000, 98));
    expect(stack.alphaKappa.toxicityBps).toBeCloseTo(200, 9);
  });

  it("markouts pending at a stop are discarded, as the run's records leave them incomplete", () => {
    const stack = new SignalStack({ markoutHorizonMs: 5000 });
    stack.onMarketEvent(bbo(T0, 100));
    stack.onOwnFill(buyFillAt100);
    stack.onMarketEvent(bbo(T0 + 1000, 99.5));
    stack.discardPendingMarkouts(); // the stop, 1 s after the fill
    expect(stack.getState().pendingMarkouts).toEqual([]);
    // the resumed session's first book, long after the horizon: nothing is settled on the old mid
    stack.onMarketEvent(bbo(T0 + 60_000, 101));
    expect(stack.alphaKappa.count).toBe(0);
  });

  it("the mid in force survives a checkpoint taken before the horizon", () => {
    const a = new SignalStack({ markoutHorizonMs: 5000 });
    a.onMarketEvent(bbo(T0, 100));
    a.onOwnFill(buyFillAt100);
    a.onMarketEvent(bbo(T0 + 4000, 99));
    const b = new SignalStack({ markoutHorizonMs: 5000 });
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    b.onMarketEvent(bbo(T0 + 6000, 101));
    expect(b.alphaKappa.toxicityBps).toBeCloseTo(100, 9);
  });

  // The paper exchange's rule (maxDataGapMs): from the last accepted book + the limit until the
  // next book, the mid is unknown, and a markout horizon in there has a null record.
  /** A stack with the limit given, a book at mid 100 at T0 and our buy filled there (due T0 + 5 s). */
  const filledAt100 = (maxDataGapMs: number): SignalStack => {
    const stack = new SignalStack({ markoutHorizonMs: 5000, maxDataGapMs });
    stack.onMarketEvent(bbo(T0, 100));
    stack.onOwnFill(buyFillAt100);
    return stack;
  };
  /** A one-sided book (a bid at 99, no asks) at `tsMs`: accepted data without a mid. */
  const bidOnly = (tsMs: number): MarketEvent => ({
    type: "snapshot",
    exchangeTsMs: tsMs,
    localTsMs: tsMs,
    bids: [{ price: 99, size: 1 }],
    asks: [],
  });
  it("a horizon in a data gap (more than maxDataGapMs after the last book) is dropped, not learned", () => {
    const run = (maxDataGapMs: number, nextBookMs: number): SignalStack => {
      const stack = filledAt100(maxDataGapMs);
      stack.onMarketEvent(bbo(nextBookMs, 101));
      return stack;
    };
    // horizon T0 + 5 s, last book T0: unobserved after T0 + 2 s, observed until T0 + 10 s
    expect(run(2000, T0 + 6000).alphaKappa.count).toBe(0);
    const within = run(10_000, T0 + 6000);
    expect(within.alphaKappa.count).toBe(1);
    expect(within.alphaKappa.toxicityBps).toBeCloseTo(0, 9); // the mid in force: still 100
    // the default limit is the exchange's 10 s
    expect(new SignalStack({ markoutHorizonMs: 5000 }).config.maxDataGapMs).toBe(10_000);
    // a book exactly at the horizon ends the gap there: its mid is known (101 → −100 bps)
    const atHorizon = run(2000, T0 + 5000);
    expect(atHorizon.alphaKappa.count).toBe(1);
    expect(atHorizon.alphaKappa.toxicityBps).toBeCloseTo(-100, 9);
  });

  it("the gap rule counts from the last accepted book of any kind, and survives a checkpoint", () => {
    const a = filledAt100(2000);
    a.onMarketEvent(bbo(T0 + 4000, 99)); // data 1 s before the horizon: observed
    const b = new SignalStack({ markoutHorizonMs: 5000, maxDataGapMs: 2000 });
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    b.onMarketEvent(bbo(T0 + 60_000, 101));
    expect(b.alphaKappa.count).toBe(1);
    expect(b.alphaKappa.toxicityBps).toBeCloseTo(100, 9);
    // the same without the update at T0 + 4 s: the horizon falls in the gap
    const c = filledAt100(2000);
    const d = new SignalStack({ markoutHorizonMs: 5000, maxDataGapMs: 2000 });
    d.setState(JSON.parse(JSON.stringify(c.getState())));
    d.onMarketEvent(bbo(T0 + 60_000, 101));
    expect(d.alphaKappa.count).toBe(0);
    // a one-sided book at T0 + 4 s is data too (no mid: the one in force stays 100 → 0 bps)
    const e = filledAt100(2000);
    e.onMarketEvent(bidOnly(T0 + 4000));
    e.onMarketEvent(bbo(T0 + 60_000, 101));
    expect(e.alphaKappa.count).toBe(1);
    expect(e.alphaKappa.toxicityBps).toBeCloseTo(0, 9);
  });

  it("the gap's bounds are strict: a horizon exactly at last book + limit is still observed", () => {
    const stack = filledAt100(5000); // due T0 + 5 s = last book + limit
    stack.onMarketEvent(bbo(T0 + 20_000, 101));
    expect(stack.alphaKappa.count).toBe(1);
    expect(stack.alphaKappa.toxicityBps).toBeCloseTo(0, 9);
  });

  it("a gap that ends at a one-sided book drops its markouts too (the exchange takes that book as data)", () => {
    const stack = filledAt100(2000); // due T0 + 5 s, in the gap (T0 + 2 s, T0 + 30 s)
    stack.onMarketEvent(bidOnly(T0 + 30_000));
    stack.onMarketEvent(bbo(T0 + 31_000, 101));
    expect(stack.alphaKappa.count).toBe(0);
  });

  it("a late book (stamped before the latest event) ends a gap at the stack's clock, as the exchange's", () => {
    const stack = filledAt100(2000); // due T0 + 5 s
    // a print at T0 + 25 s moves the clock; the next book is stamped T0 + 4.5 s (late): the gap is
    // (T0 + 2 s, T0 + 25 s) on the clock, so the horizon in it is unknown
    stack.onMarketEvent({
      type: "trade",
      exchangeTsMs: T0 + 25_000,
      localTsMs: T0 + 25_000,
      trade: { price: 100, size: 1, aggressor: "buy", exchangeTsMs: T0 + 25_000, localTsMs: T0 + 25_000 },
    });
    stack.onMarketEvent(bbo(T0 + 4500, 99));
    stack.onMarketEvent(bbo(T0 + 25_100, 101));
    expect(stack.alphaKappa.count).toBe(0);
  });

  it("a gap limit of 0 or less is a config error naming it", () => {
    expect(() => new SignalStack({ maxDataGapMs: 0 })).toThrow(/maxDataGapMs must be > 0/);
  });
});
