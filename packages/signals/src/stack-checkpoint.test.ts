import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { SignalStack } from "./stack.js";
import { pathEvents, smallConfig } from "./stack-test-helpers.js";

describe("SignalStack", () => {
  it("checkpoint round-trip (via JSON) continues identically", () => {
    const a = new SignalStack(smallConfig);
    const events = [...pathEvents(3, 500)];
    const cut = Math.floor(events.length * 0.6);
    for (const ev of events.slice(0, cut)) a.onMarketEvent(ev);
    a.cycle({ tsMs: events[cut - 1]!.exchangeTsMs, baseHalfSpreadBps: 3, pnlQuote: 1, notionalQuote: 1e4 });
    const b = new SignalStack(smallConfig);
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    for (const ev of events.slice(cut)) {
      a.onMarketEvent(ev);
      b.onMarketEvent(ev);
    }
    const ctx = {
      tsMs: events[events.length - 1]!.exchangeTsMs,
      baseHalfSpreadBps: 3,
      pnlQuote: 2,
      notionalQuote: 1e4,
    };
    expect(b.cycle(ctx)).toEqual(a.cycle(ctx));
    expect(() => b.setState({ version: 2 })).toThrow(/invalid checkpoint/);
  });
});

describe("SignalStack checkpoint on a quiet tape", () => {
  it("restores from JSON when the regime filter holds a state of probability 0 (log −∞)", () => {
    const t0 = 1_700_000_000_000;
    const bbo = (ts: number, bid: number): MarketEvent => ({
      type: "bbo",
      exchangeTsMs: ts,
      localTsMs: ts,
      bbo: { bidPrice: bid, bidSize: 1, askPrice: 100_000.2, askSize: 1 },
    });
    const st = new SignalStack();
    let found = false;
    for (let s = 0; s < 3000 && !found; s++) {
      for (let k = 0; k < 10; k++) {
        const ts = t0 + s * 1000 + k * 100;
        st.onMarketEvent(bbo(ts, 100_000 + (k % 2) * 0.1));
        if (k === 5)
          st.onMarketEvent({
            type: "trade",
            exchangeTsMs: ts + 1,
            localTsMs: ts + 1,
            trade: { price: 1e5, size: 1, aggressor: "buy", exchangeTsMs: ts + 1, localTsMs: ts + 1 },
          });
      }
      st.cycle({ tsMs: t0 + (s + 1) * 1000, estimatorConfidence: 1 });
      found = st.regime.getState().filter?.logProbs.includes(null) ?? false;
    }
    expect(found).toBe(true);
    const restored = new SignalStack();
    restored.setState(JSON.parse(JSON.stringify(st.getState())));
    expect(restored.regime.probs()).toEqual(st.regime.probs());
  });
});

describe("SignalStack checkpoint of deep books", () => {
  it("keeps every level of its own and the reference book: a diff feed never resends an unchanged deep level", () => {
    const t0 = 1_700_000_000_000;
    const levels = (from: number, step: number) =>
      Array.from({ length: 80 }, (_, i) => ({ price: from + i * step, size: 1 + i }));
    const snapshot: MarketEvent = {
      type: "snapshot",
      exchangeTsMs: t0,
      localTsMs: t0,
      bids: levels(99.9, -0.1),
      asks: levels(100, 0.1),
    };
    // The first 70 ask levels are taken (size 0): the best ask is the 71st level, 107.
    const sweep: MarketEvent = {
      type: "delta",
      exchangeTsMs: t0 + 1000,
      localTsMs: t0 + 1000,
      bids: [],
      asks: levels(100, 0.1)
        .slice(0, 70)
        .map((l) => ({ price: l.price, size: 0 })),
    };
    const a = new SignalStack({ leadLag: { enabled: true } });
    a.onMarketEvent(snapshot);
    a.onReferenceEvent(snapshot);
    const b = new SignalStack({ leadLag: { enabled: true } });
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    for (const s of [a, b]) {
      s.onMarketEvent(sweep);
      s.onReferenceEvent(sweep);
    }
    expect(a.book.bestAsk()).toBeCloseTo(107, 9);
    expect(b.book.bestAsk()).toBe(a.book.bestAsk());
    expect(b.book.sizeAt("ask", a.book.bestAsk())).toBe(71);
    expect(b.referenceBook!.bestAsk()).toBe(a.referenceBook!.bestAsk());
    expect(b.referenceBook!.mid()).toBe(a.referenceBook!.mid());
  });
});
