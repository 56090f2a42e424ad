import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BookImbalanceSignal, microEdgeBps } from "./imbalance.js";

describe("microEdgeBps", () => {
  it("matches a hand-computed micro-price", () => {
    // bid 99.99 × 3, ask 100.01 × 1: micro = (99.99·1 + 100.01·3)/4 = 100.005; mid 100 → +0.5 bps
    expect(microEdgeBps(99.99, 3, 100.01, 1)).toBeCloseTo(0.5, 9);
    expect(microEdgeBps(99.99, 1, 100.01, 1)).toBeCloseTo(0, 12);
    expect(Number.isNaN(microEdgeBps(100, 1, 99, 1))).toBe(true);
  });
});

describe("BookImbalanceSignal", () => {
  it("skews toward the heavier side, bounded by maxSkewBps (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1000, noNaN: true }),
        fc.double({ min: 0.01, max: 1000, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        (bs, as, ticks) => {
          const s = new BookImbalanceSignal({ halfLifeMs: 0, maxSkewBps: 2, coef: 0.5 });
          s.onBbo(0, 100, bs, 100 + ticks * 0.01, as);
          const a = s.adjustment(0);
          expect(Math.abs(a.skewAdjBps)).toBeLessThanOrEqual(2);
          if (bs > as * (1 + 1e-9)) expect(a.skewAdjBps).toBeGreaterThan(0);
          if (bs < as * (1 - 1e-9)) expect(a.skewAdjBps).toBeLessThan(0);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it("is inactive without a book or when the book is stale", () => {
    const s = new BookImbalanceSignal({ staleMs: 1000 });
    expect(s.adjustment(0).active).toBe(false);
    s.onBbo(0, 99.99, 3, 100.01, 1);
    expect(s.adjustment(500).active).toBe(true);
    // coef 0.5 × 0.5 bps = 0.25 bps
    expect(s.adjustment(500).skewAdjBps).toBeCloseTo(0.25, 9);
    expect(s.adjustment(5000).active).toBe(false);
  });

  it("is inactive while the book is one-sided, until both sides come back (and across a checkpoint)", () => {
    const s = new BookImbalanceSignal({ staleMs: 5000 });
    s.onBbo(0, 99.99, 9, 100.01, 1);
    expect(s.adjustment(100).active).toBe(true);
    s.onOneSidedBook();
    expect(s.adjustment(200)).toMatchObject({ active: false, note: "one-sided book" });
    const restored = new BookImbalanceSignal({ staleMs: 5000 });
    restored.setState(JSON.parse(JSON.stringify(s.getState())));
    expect(restored.adjustment(200).active).toBe(false);
    s.onBbo(300, 99.99, 9, 100.01, 1);
    expect(s.adjustment(400).active).toBe(true);
  });
});

describe("BookImbalanceSignal.adjustment time check", () => {
  it("throws for a non-finite time instead of reporting active with confidence 1 (staleness bypassed)", () => {
    const s = new BookImbalanceSignal();
    s.onBbo(1_000, 99.99, 3, 100.01, 1);
    expect(s.adjustment(1_100).active).toBe(true);
    expect(s.adjustment(1_000_000).active).toBe(false); // stale
    expect(() => s.adjustment(Number.NaN)).toThrow(
      new RangeError("BookImbalanceSignal.adjustment: tsMs must be finite, got NaN"),
    );
    expect(() => s.adjustment(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe("BookImbalanceSignal smoothing by hand (mutation audit)", () => {
  it("an update one half-life later moves the edge half way; a simultaneous one not at all", () => {
    const s = new BookImbalanceSignal({ halfLifeMs: 500 });
    s.onBbo(0, 99.99, 1, 100.01, 1); // balanced: edge 0
    // bid 3 × ask 1: micro = (99.99·1 + 100.01·3)/4 = 100.005 → +0.5 bps of mid 100
    const e = microEdgeBps(99.99, 3, 100.01, 1);
    expect(e).toBeCloseTo(0.5, 9);
    s.onBbo(0, 99.99, 3, 100.01, 1); // dt 0: weight 0
    expect(s.edgeBps).toBe(0);
    s.onBbo(500, 99.99, 3, 100.01, 1); // dt = half-life: weight 1/2
    expect(s.edgeBps).toBeCloseTo(0.25, 9);
    s.onBbo(1500, 99.99, 3, 100.01, 1); // dt = 2 half-lives: weight 3/4 → 0.25 + 0.75·0.25
    expect(s.edgeBps).toBeCloseTo(0.4375, 9);
  });
});
