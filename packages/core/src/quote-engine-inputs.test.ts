import { describe, expect, it } from "vitest";
import { QuoteEngine } from "./quote-engine.js";
import { input } from "./quote-engine-test-input.js";
import { NEUTRAL_SIGNAL_EFFECT } from "./signal.js";

describe("QuoteEngine.decide — inputs the hand-computed defaults do not vary (mutation audit)", () => {
  it("a signal's side extra widens only that side (the knife's protection), a negative one nothing", () => {
    // bid touch 2.8275 + 5 bps: 60000 · (1 − 7.8275e-4) = 59953.035 → 59953; the ask stays at 60017
    const wide = new QuoteEngine().decide(input({ signals: { ...NEUTRAL_SIGNAL_EFFECT, bidExtraBps: 5 } }));
    expect(wide.ladder.bids[0]!.price).toBe(59_953);
    expect(wide.ladder.asks[0]!.price).toBe(60_017);
    // ask touch 7.8275 bps: 60046.965 → 60047 (up)
    const ask = new QuoteEngine().decide(input({ signals: { ...NEUTRAL_SIGNAL_EFFECT, askExtraBps: 5 } }));
    expect(ask.ladder.asks[0]!.price).toBe(60_047);
    expect(ask.ladder.bids[0]!.price).toBe(59_983);
    const neg = new QuoteEngine().decide(
      input({ signals: { ...NEUTRAL_SIGNAL_EFFECT, bidExtraBps: -5, askExtraBps: -5 } }),
    );
    expect([neg.ladder.bids[0]!.price, neg.ladder.asks[0]!.price]).toEqual([59_983, 60_017]);
  });

  it("the micro-price weighs each side's price by the other side's size", () => {
    // bid 100 × 1, ask 102 × 3: (100·3 + 102·1) / 4 = 100.5 (the ask's size pulls fair toward the bid)
    const d = new QuoteEngine({ fairPrice: "micro" }).decide(
      input({ book: { bidPrice: 100, bidSize: 1, askPrice: 102, askSize: 3 } }),
    );
    expect(d.fairPrice).toBe(100.5);
    expect(d.mid).toBe(101);
  });

  it("a fixed-grid config quotes on its own tick (no tickRules option)", () => {
    // tick 5: bid 59983.035 → 59980 (down), ask 60016.965 → 60020 (up); every price a multiple of 5
    const d = new QuoteEngine({ tickRules: { kind: "fixed", tick: 5, lot: 0.001 } }).decide(input());
    expect(d.fault).toBeNull();
    expect(d.ladder.bids[0]!.price).toBe(59_980);
    expect(d.ladder.asks[0]!.price).toBe(60_020);
    for (const q of [...d.ladder.bids, ...d.ladder.asks]) expect(q.price % 5).toBe(0);
  });

  it("a zero best bid or a negative σ is a fault, not a quote (even when σ's confidence is 0)", () => {
    const zero = new QuoteEngine().decide(
      input({ book: { bidPrice: 0, bidSize: 1, askPrice: 60_001, askSize: 1 } }),
    );
    expect(zero.fault).toMatch(/book not usable/);
    expect(zero.ladder.bids).toEqual([]);
    const neg = new QuoteEngine().decide(input({ sigma: { sigmaPerSqrtSec: -1e-4, confidence: 0 } }));
    expect(neg.fault).toMatch(/sigmaPerSqrtSec < 0/);
    expect(neg.ladder.asks).toEqual([]);
  });
});
