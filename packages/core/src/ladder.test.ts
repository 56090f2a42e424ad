import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildLadder, type LadderInput, tickAbove, tickBelow } from "./ladder.js";
import { fixedTickRules, hyperliquidTickRules, type TickRules } from "./tick-rules.js";

const fixed = fixedTickRules(0.1, 0.001, 0);

function input(over: Partial<LadderInput> = {}): LadderInput {
  return {
    fairPrice: 1000,
    bestBid: 999.9,
    bestAsk: 1000.1,
    bidTouchDepthFrac: 10e-4,
    askTouchDepthFrac: 10e-4,
    levels: 3,
    depthRatio: 1.2,
    minLevelSpacingFrac: 0.5e-4,
    orderSizeBase: 0.01,
    sizeRatio: 1,
    inventoryBase: 0,
    maxPositionBase: 0.1,
    reduceOnly: false,
    tickRules: fixed,
    ...over,
  };
}

describe("buildLadder — hand-computed example", () => {
  it("spaces levels geometrically and rounds bids down, asks up", () => {
    // Depths 10, 12, 14.4 bps of 1000: bids 999.0, 998.8, 998.56 → 998.5; asks 1001.0, 1001.2, 1001.44 → 1001.5.
    const r = buildLadder(input());
    expect(r.ladder.bids.map((q) => q.price)).toEqual([999, 998.8, 998.5]);
    expect(r.ladder.asks.map((q) => q.price)).toEqual([1001, 1001.2, 1001.5]);
    expect(r.ladder.bids.map((q) => q.size)).toEqual([0.01, 0.01, 0.01]);
    expect(r.ladder.bids[2]!.depthBps).toBeCloseTo(15, 9); // (1000 − 998.5)/1000 = 15 bps
    expect(r.ladder.bids.map((q) => q.level)).toEqual([0, 1, 2]);
    expect(r.notes).toEqual([]);
  });

  it("allocates geometric sizes (sizeRatio 2: 0.01, 0.02, 0.04) within the position limit", () => {
    // Long 0.05 with max 0.1: bid room 0.05 → 0.01 + 0.02 + min(0.04, 0.02) = 0.02; ask room 0.15 → full.
    const r = buildLadder(input({ sizeRatio: 2, inventoryBase: 0.05 }));
    expect(r.ladder.bids.map((q) => q.size)).toEqual([0.01, 0.02, 0.02]);
    expect(r.ladder.asks.map((q) => q.size)).toEqual([0.01, 0.02, 0.04]);
  });

  it("quotes no bids when inventory is at or past the limit", () => {
    const r = buildLadder(input({ inventoryBase: 0.1 }));
    expect(r.ladder.bids).toEqual([]);
    expect(r.ladder.asks.length).toBe(3);
  });

  it("reduce-only quotes only the reducing side and never flips the sign", () => {
    // Long 0.015: asks 0.01 + 0.005 only; no bids.
    const r = buildLadder(input({ inventoryBase: 0.015, reduceOnly: true }));
    expect(r.ladder.bids).toEqual([]);
    expect(r.ladder.asks.map((q) => q.size)).toEqual([0.01, 0.005]);
    const flat = buildLadder(input({ inventoryBase: 0, reduceOnly: true }));
    expect(flat.ladder.bids.length + flat.ladder.asks.length).toBe(0);
    const short = buildLadder(input({ inventoryBase: -0.02, reduceOnly: true }));
    expect(short.ladder.asks).toEqual([]);
    expect(short.ladder.bids.reduce((s, q) => s + q.size, 0)).toBeCloseTo(0.02, 12);
  });

  it("pushes a bid at or above the best ask back to one tick below it (post-only)", () => {
    // Heavy short skew: bid depth −3 bps → 1000.3 ≥ best ask 1000.1 → 1000.0; deeper levels step down.
    const r = buildLadder(input({ bidTouchDepthFrac: -3e-4, askTouchDepthFrac: 13e-4 }));
    expect(r.ladder.bids[0]!.price).toBe(1000);
    expect(r.ladder.bids[0]!.price).toBeLessThan(1000.1);
    expect(r.notes.some((n) => n.includes("below best ask"))).toBe(true);
    const a = buildLadder(input({ askTouchDepthFrac: -3e-4, bidTouchDepthFrac: 13e-4 }));
    expect(a.ladder.asks[0]!.price).toBe(1000);
  });

  it("applies side extras and pulls", () => {
    // Bid extra 5 bps: touch 15 bps → 998.5.
    const r = buildLadder(input({ bidExtraBps: 5, pullAsk: true }));
    expect(r.ladder.bids[0]!.price).toBe(998.5);
    expect(r.ladder.asks).toEqual([]);
    expect(r.bidTouchDepthFrac).toBeCloseTo(15e-4, 15);
  });

  it("drops levels below the minimum notional", () => {
    // 0.01 × ~999 ≈ 9.99 < 10 → dropped; with sizeRatio 2 level 1 (0.02 → ~20) stays.
    const rules = fixedTickRules(0.1, 0.001, 10);
    const r = buildLadder(input({ tickRules: rules, sizeRatio: 2 }));
    expect(r.ladder.bids.map((q) => q.size)).toEqual([0.02, 0.04]);
    expect(r.ladder.bids[0]!.level).toBe(0);
  });

  it("rejects bad input with a named error", () => {
    expect(() => buildLadder(input({ fairPrice: Number.NaN }))).toThrow(/fairPrice/);
    expect(() => buildLadder(input({ bestBid: 1000.2 }))).toThrow(/crossed/);
    expect(() => buildLadder(input({ bidTouchDepthFrac: -1e-3, askTouchDepthFrac: 1e-3 }))).toThrow(
      /touch depth/,
    );
  });

  it("tickBelow / tickAbove step off grid points, including across a Hyperliquid power of ten", () => {
    expect(tickBelow(fixed, 100)).toBe(99.9);
    expect(tickAbove(fixed, 100)).toBe(100.1);
    expect(tickBelow(fixed, 100.05)).toBe(100);
    const hl = hyperliquidTickRules(5); // ≤ 1 decimal (6 − 5) and ≤ 5 significant figures
    expect(tickBelow(hl, 10000)).toBe(9999.9);
    expect(tickAbove(hl, 9999.9)).toBe(10000);
  });
});

const rulesArb: fc.Arbitrary<TickRules> = fc.oneof(
  fc
    .record({
      tick: fc.constantFrom(0.01, 0.1, 0.5, 1),
      lot: fc.constantFrom(0.001, 0.01, 1),
      minNotional: fc.constantFrom(0, 10),
    })
    .map((r) => fixedTickRules(r.tick, r.lot, r.minNotional)),
  fc.integer({ min: 0, max: 5 }).map((d) => hyperliquidTickRules(d)),
);

const scenarioArb = fc.record({
  rules: rulesArb,
  fair: fc.double({ min: 5, max: 100_000, noNaN: true }),
  bookBidBps: fc.double({ min: 0.01, max: 20, noNaN: true }),
  bookAskBps: fc.double({ min: 0.01, max: 20, noNaN: true }),
  halfBps: fc.double({ min: 0.5, max: 50, noNaN: true }),
  skewPerLotBps: fc.double({ min: 0, max: 5, noNaN: true }),
  qLots: fc.double({ min: -15, max: 15, noNaN: true }),
  signalSkewBps: fc.double({ min: -3, max: 3, noNaN: true }),
  bidExtraBps: fc.double({ min: 0, max: 5, noNaN: true }),
  askExtraBps: fc.double({ min: 0, max: 5, noNaN: true }),
  levels: fc.integer({ min: 1, max: 5 }),
  depthRatio: fc.double({ min: 1.01, max: 2, noNaN: true }),
  lotsPerOrder: fc.integer({ min: 1, max: 50 }),
  sizeRatio: fc.double({ min: 0.5, max: 2, noNaN: true }),
  maxLots: fc.integer({ min: 1, max: 20 }),
  reduceOnly: fc.boolean(),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** Ladder inputs for a scenario at inventory q lots (depths as the quote engine forms them). */
function scenarioInput(s: Scenario, qLots: number): LadderInput {
  const lot = s.rules.roundSize(1e-9, "up") || 1; // smallest lot step of the grid
  const orderSizeBase = lot * s.lotsPerOrder;
  const invSkew = s.skewPerLotBps * qLots;
  return {
    fairPrice: s.fair,
    bestBid: s.fair * (1 - s.bookBidBps / 1e4),
    bestAsk: s.fair * (1 + s.bookAskBps / 1e4),
    bidTouchDepthFrac: (s.halfBps + invSkew - s.signalSkewBps) / 1e4,
    askTouchDepthFrac: (s.halfBps - invSkew + s.signalSkewBps) / 1e4,
    bidExtraBps: s.bidExtraBps,
    askExtraBps: s.askExtraBps,
    levels: s.levels,
    depthRatio: s.depthRatio,
    minLevelSpacingFrac: 0.5e-4,
    orderSizeBase,
    sizeRatio: s.sizeRatio,
    inventoryBase: rulesRound(s.rules, qLots * orderSizeBase),
    maxPositionBase: s.maxLots * orderSizeBase,
    reduceOnly: s.reduceOnly,
    tickRules: s.rules,
  };
}

function rulesRound(rules: TickRules, x: number): number {
  return Math.sign(x) * rules.roundSize(Math.abs(x), "nearest");
}

describe("buildLadder — properties (fast-check, seeded)", () => {
  it("bid < ask everywhere, monotone away from fair, grid prices and sizes, limits, no NaN", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const inp = scenarioInput(s, s.qLots);
        const { ladder } = buildLadder(inp);
        const { bids, asks } = ladder;
        const all = [...bids, ...asks];
        for (const q of all) {
          if (!Number.isFinite(q.price) || !Number.isFinite(q.size) || !Number.isFinite(q.depthBps))
            return false;
          if (!(q.size > 0) || s.rules.roundSize(q.size, "nearest") !== q.size) return false;
          if (!s.rules.isValidPrice(q.price) || q.price <= 0) return false;
          if (q.price * q.size < s.rules.minNotional * (1 - 1e-9)) return false;
        }
        const maxBid = Math.max(...bids.map((q) => q.price), Number.NEGATIVE_INFINITY);
        const minAsk = Math.min(...asks.map((q) => q.price), Number.POSITIVE_INFINITY);
        if (!(maxBid < minAsk)) return false;
        if (!(maxBid < inp.bestAsk) || !(minAsk > inp.bestBid)) return false;
        for (let i = 1; i < bids.length; i++) if (!(bids[i]!.price < bids[i - 1]!.price)) return false;
        for (let i = 1; i < asks.length; i++) if (!(asks[i]!.price > asks[i - 1]!.price)) return false;
        const buy = bids.reduce((a, q) => a + q.size, 0);
        const sell = asks.reduce((a, q) => a + q.size, 0);
        const tol = 1e-9 * inp.maxPositionBase;
        // Quotes may only reduce an over-limit position: the bound is the larger of the limit and |q|.
        const bound = Math.max(inp.maxPositionBase, Math.abs(inp.inventoryBase));
        if (inp.inventoryBase + buy > bound + tol || inp.inventoryBase - sell < -bound - tol) return false;
        if (buy > 0 && inp.inventoryBase + buy > inp.maxPositionBase + tol) return false;
        if (sell > 0 && inp.inventoryBase - sell < -inp.maxPositionBase - tol) return false;
        if (inp.reduceOnly) {
          const inv = inp.inventoryBase;
          if (inv >= 0 && buy > 0) return false;
          if (inv <= 0 && sell > 0) return false;
          if (sell > inv + tol && sell > 0) return false;
          if (buy > -inv + tol && buy > 0) return false;
        }
        return true;
      }),
      { seed: 42, numRuns: 1500 },
    );
  });

  it("positive inventory never makes the bid more aggressive than at q = 0", () => {
    fc.assert(
      fc.property(scenarioArb, fc.double({ min: 0.01, max: 15, noNaN: true }), (s, qPos) => {
        const flat = buildLadder(scenarioInput({ ...s, reduceOnly: false }, 0)).ladder.bids;
        const long = buildLadder(scenarioInput({ ...s, reduceOnly: false }, qPos)).ladder.bids;
        if (long.length === 0 || flat.length === 0) return true;
        return long[0]!.price <= flat[0]!.price;
      }),
      { seed: 42, numRuns: 1000 },
    );
  });
});

describe("buildLadder — post-only boundary and side extras (hand-computed)", () => {
  it("a bid landing exactly on the best ask goes one tick below it; an ask on the best bid one tick above", () => {
    // bid depth −1 bp: 1000 · (1 + 1e-4) = 1000.1 = best ask → post-only moves it to 1000.0
    const bid = buildLadder(input({ levels: 1, bidTouchDepthFrac: -1e-4, askTouchDepthFrac: 3e-4 }));
    expect(bid.ladder.bids.map((q) => q.price)).toEqual([1000]);
    expect(bid.notes.join(" ")).toMatch(/one tick below best ask/);
    // ask depth −1 bp: 1000 · (1 − 1e-4) = 999.9 = best bid → 1000.0
    const ask = buildLadder(input({ levels: 1, askTouchDepthFrac: -1e-4, bidTouchDepthFrac: 3e-4 }));
    expect(ask.ladder.asks.map((q) => q.price)).toEqual([1000]);
    expect(ask.notes.join(" ")).toMatch(/one tick above best bid/);
  });

  it("side extras widen only their side by their bps; negative extras are ignored; a pull empties a side", () => {
    // ask touch 10 bps + 5 bps extra = 15 bps: 1000 · 1.0015 = 1001.5; the bid side is pulled
    const r = buildLadder(input({ levels: 1, askExtraBps: 5, pullBid: true }));
    expect(r.ladder.asks.map((q) => q.price)).toEqual([1001.5]);
    expect(r.askTouchDepthFrac).toBeCloseTo(0.0015, 15);
    expect(r.ladder.bids).toEqual([]);
    // bid touch 10 + 5 bps: 1000 · 0.9985 = 998.5; the ask stays at 10 bps
    const b = buildLadder(input({ levels: 1, bidExtraBps: 5 }));
    expect(b.ladder.bids.map((q) => q.price)).toEqual([998.5]);
    expect(b.ladder.asks.map((q) => q.price)).toEqual([1001]);
    // an extra below 0 never narrows a side
    const n = buildLadder(input({ levels: 1, bidExtraBps: -5, askExtraBps: -5 }));
    expect(n.ladder.bids.map((q) => q.price)).toEqual([999]);
    expect(n.ladder.asks.map((q) => q.price)).toEqual([1001]);
  });
});

describe("buildLadder — input checks name the bad input (mutation audit)", () => {
  it.each<[string, Partial<LadderInput>, RegExp]>([
    ["depthRatio below 1", { depthRatio: 0.9 }, /depthRatio must be ≥ 1, got 0.9/],
    ["depthRatio infinite", { depthRatio: Number.POSITIVE_INFINITY }, /depthRatio must be ≥ 1/],
    ["fractional levels", { levels: 1.5 }, /levels must be a non-negative integer, got 1.5/],
    ["negative levels", { levels: -1 }, /levels must be a non-negative integer, got -1/],
    ["zero order size", { orderSizeBase: 0 }, /orderSizeBase/],
    ["negative position limit", { maxPositionBase: -1 }, /maxPositionBase/],
    ["zero size ratio", { sizeRatio: 0 }, /sizeRatio/],
    ["NaN inventory", { inventoryBase: Number.NaN }, /inventoryBase/],
    ["NaN side extra", { askExtraBps: Number.NaN }, /askExtraBps/],
    ["a book with equal best bid and ask", { bestBid: 1000, bestAsk: 1000 }, /crossed or empty/],
  ])("%s", (_, over, message) => {
    expect(() => buildLadder(input(over))).toThrow(message);
  });

  it("depthRatio exactly 1 and zero levels are valid", () => {
    expect(buildLadder(input({ depthRatio: 1, levels: 2, minLevelSpacingFrac: 0 })).ladder.bids).toHaveLength(
      2,
    );
    expect(buildLadder(input({ levels: 0 })).ladder).toEqual({ bids: [], asks: [] });
  });
});
