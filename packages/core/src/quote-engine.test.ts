import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { L2Book } from "./book.js";
import { DEFAULT_GAMMA } from "./config.js";
import type { IntensityObservation } from "./effective-params.js";
import { KillSwitch } from "./kill-switch.js";
import {
  MIN_QUOTED_HALF_SPREAD_BPS,
  type QuoteInput,
  QuoteEngine,
  validateRiskBudget,
} from "./quote-engine.js";
import { NEUTRAL_SIGNAL_EFFECT, type SignalEffect } from "./signal.js";
import { book, input } from "./quote-engine-test-input.js";
import { formatSpreadTrace } from "./spread-trace.js";
import type { PriceLevel } from "./types.js";

/** The embedded default synthetic market (normal regime). */
const DEFAULT_MARKET = { sigmaPerSqrtSec: 1e-4, aPerSec: 1.5, kappaPerFrac: 8000 };

const strongFit = (kappaPerFrac: number): IntensityObservation => ({
  kappaPerFrac,
  aPerSec: 1.5,
  sampleCount: 1e12,
  fitOk: true,
  usedFallback: false,
  r2: 1,
});

describe("QuoteEngine.decide — hand-computed defaults", () => {
  it("quotes GLFT + fee around mid on the Hyperliquid grid", () => {
    // γ = 400, κ = 8000, A = 1.5, σ = 1e-4 (priors; no fit yet):
    // c1 = ln(1 + 400/8000)/400 = 0.0487902/400 = 1.219754e-4 → 1.21975 bps
    // c2 = sqrt(400/(2·1.5·8000) · 1.05^21) = sqrt(0.0166667 · 2.785963) = 0.215483 → σ·c2 = 0.215483 bps
    // half = 1.21975 + 0.215483/2 = 1.32750 bps; + fee 1.5 = 2.82750 bps.
    const d = new QuoteEngine().decide(input());
    expect(d.fault).toBeNull();
    const t = d.trace!;
    expect(t.glftBaseBps).toBeCloseTo(1.3275, 4);
    expect(t.feeBps).toBe(1.5);
    expect(t.halfSpreadBps).toBeCloseTo(2.8275, 4);
    expect(t.skewPerLotBps).toBeCloseTo(0.21548, 4);
    expect(t.floorBound).toBe(false);
    expect(t.totalAtTouchBps).toBeCloseTo(5.655, 3);
    // Mid 60000: bid 60000·(1 − 2.8275e-4) = 59983.04 → 59983 (down); ask 60016.97 → 60017 (up).
    // L1 at 1.2× depth = 3.393 bps: 59979.64 → 59979, 60020.36 → 60021; L2 at 4.0716 bps → 59975, 60025.
    expect(d.ladder.bids.map((q) => q.price)).toEqual([59_983, 59_979, 59_975]);
    expect(d.ladder.asks.map((q) => q.price)).toEqual([60_017, 60_021, 60_025]);
    expect(d.ladder.bids.every((q) => q.size === 0.001)).toBe(true);
    expect(d.effective).toEqual({
      gamma: DEFAULT_GAMMA,
      kappaPerFrac: 8000,
      aPerSec: 1.5,
      sigmaPerSqrtSec: 1e-4,
    });
    expect(d.mid).toBe(60_000);
    expect(d.warnings).toContain("intensity fit not usable: κ and A from priors");
  });

  it("default γ makes inventory matter: a full position moves the quotes by 0.5×–2× the half-spread", () => {
    const engine = new QuoteEngine();
    const maxBase = engine.config.maxPositionLots * engine.config.orderSizeBase;
    const flat = engine.decide(input()).trace!;
    const full = engine.decide(input({ inventoryBase: maxBase })).trace!;
    const shiftBps = full.touchAskBps - flat.touchAskBps; // ask moves toward fair by skew·q_max
    expect(-shiftBps).toBeCloseTo(full.inventorySkewBps, 9);
    const ratio = full.inventorySkewBps / flat.halfSpreadBps; // 2.1548 / 2.8275 ≈ 0.762
    expect(ratio).toBeGreaterThanOrEqual(0.5);
    expect(ratio).toBeLessThanOrEqual(2);
    // Also against the fee-less GLFT half-spread (2.1548 / 1.3275 ≈ 1.62).
    expect(full.inventorySkewBps / flat.glftBaseBps).toBeLessThanOrEqual(2);
    const report = validateRiskBudget({}, DEFAULT_MARKET);
    expect(report.fullPositionShiftRatio).toBeCloseTo(ratio, 9);
    expect(report.warning).toBeNull();
  });

  it("the skew at the position limit scales with skewMult (2.15483 bps → 4.30966 bps at 2×)", () => {
    // σ·c2 per lot = 0.215483 bps (see above) × 10 lots = 2.15483 bps; skewMult 2 doubles it
    expect(validateRiskBudget({}, DEFAULT_MARKET).skewAtMaxBps).toBeCloseTo(2.15483, 4);
    expect(validateRiskBudget({ skewMult: 2 }, DEFAULT_MARKET).skewAtMaxBps).toBeCloseTo(4.30966, 4);
  });

  it("γ = 0.07 gets a start-up warning that names the numbers", () => {
    // σ = 2e-4: half-spread 1.2528 bps + fee, skew 0.0056 bps/lot → 0.056 bps at 10 lots < 0.1.
    const r = validateRiskBudget({ gamma: 0.07 }, { ...DEFAULT_MARKET, sigmaPerSqrtSec: 2e-4 });
    expect(r.halfSpreadBps - 1.5).toBeCloseTo(1.2528, 4);
    expect(r.skewPerLotBps).toBeCloseTo(0.0056, 4);
    expect(r.warning).toMatch(/skew at max position is 0\.0563 bps \(< 0\.1 bps\) with γ=0\.07/);
    expect(r.warning).toMatch(/max position 10 lots/);
  });

  it("the trace names σ, A and the κ cap it used, so each phase can be recomputed from it", () => {
    const engine = new QuoteEngine({ kappaCapPerFrac: 20_000 });
    const d = engine.decide(input({ intensity: { fit: strongFit(50_000), confidence: 1 } }));
    const lines = formatSpreadTrace(d.trace!, d.cycleId);
    expect(lines[0]).toMatch(/kappa_used=20000\.0 cap=20000\.0 cap_bound=true$/);
    expect(lines[2]).toMatch(/ sigma_per_sqrt_s=\S+ a_per_sec=\d+\.\d{4}$/);
    expect(d.trace!.sigmaPerSqrtSec).toBe(d.effective.sigmaPerSqrtSec);
    expect(d.trace!.aPerSec).toBe(d.effective.aPerSec);
  });

  it("reports what quoting will use: γ inside its clamp (with a warning) and the half-spread floor", () => {
    const clamped = validateRiskBudget({ gamma: 5e6 }, DEFAULT_MARKET);
    expect(clamped.gamma).toBe(1e6);
    expect(clamped.warning).toMatch(/γ=5000000 is outside \[0\.000001, 1000000\]: quoting uses γ=1000000/);
    expect(clamped.halfSpreadBps).toBe(validateRiskBudget({ gamma: 1e6 }, DEFAULT_MARKET).halfSpreadBps);
    const floor = validateRiskBudget({ gamma: 50, minHalfSpreadBps: 30 }, DEFAULT_MARKET);
    expect(floor.halfSpreadBps).toBe(30);
    expect(floor.floorBound).toBe(true);
    expect(validateRiskBudget({}, DEFAULT_MARKET).floorBound).toBe(false);
  });
});

describe("QuoteEngine.decide — pipeline order, floors, states", () => {
  it("keeps κ at the 8000 floor when the regime blend would pull it to 6200 (the original bug)", () => {
    const engine = new QuoteEngine({ kappaFloorPerFrac: 8000 });
    const signals: SignalEffect = {
      ...NEUTRAL_SIGNAL_EFFECT,
      regime: { state: 2, probs: [0, 0, 1], kappaMult: 0.25, gammaMult: 1 },
    };
    const d = engine.decide(input({ intensity: { fit: strongFit(8000), confidence: 1 }, signals }));
    expect(d.trace!.kappa.blended).toBeCloseTo(6200, 3);
    expect(d.trace!.kappa.floorBound).toBe(true);
    expect(d.effective.kappaPerFrac).toBe(8000);
    // The regime would have widened the spread, but the floor removes the effect entirely.
    expect(d.trace!.regimeEffectBps).toBeCloseTo(0, 12);
  });

  it("attributes a regime widening when the floor does not bind", () => {
    const engine = new QuoteEngine({ kappaFloorPerFrac: 1000 });
    const signals: SignalEffect = {
      ...NEUTRAL_SIGNAL_EFFECT,
      regime: { state: 2, probs: [0, 0, 1], kappaMult: 0.25, gammaMult: 1 },
      kappaMult: 0.9,
    };
    const t = engine.decide(input({ intensity: { fit: strongFit(8000), confidence: 1 }, signals })).trace!;
    expect(t.kappa.effective).toBeCloseTo(6200 * 0.9, 6);
    expect(t.regimeEffectBps).toBeGreaterThan(0); // lower κ → wider
    expect(t.signalParamEffectBps).toBeGreaterThan(0);
    expect(t.glftNoRegimeBps + t.regimeEffectBps + t.signalParamEffectBps).toBeCloseTo(t.glftBaseBps, 12);
    // Each part recomputed from the closed form (σ 1e-4, A 1.5, γ 400; half = c1 + σ·c2/2, in bps):
    // κ 8000 (no regime, no signals) 1.327495 bps; κ 6200 (regime only) 1.685823; κ 5580 (both) 1.860475.
    expect(t.glftNoRegimeBps).toBeCloseTo(1.3274953565953636, 9);
    expect(t.regimeEffectBps).toBeCloseTo(1.685823400007698 - 1.3274953565953636, 9);
    expect(t.signalParamEffectBps).toBeCloseTo(1.860474784630379 - 1.685823400007698, 9);
  });

  it("applies the min half-spread floor last (after a negative signal spread adjustment)", () => {
    const d = new QuoteEngine({ minHalfSpreadBps: 2 }).decide(
      input({ signals: { ...NEUTRAL_SIGNAL_EFFECT, spreadAdjBps: -2.5 } }),
    );
    // 1.3275 + 1.5 − 2.5 = 0.3275 < 2 → 2.
    expect(d.trace!.preFloorHalfSpreadBps).toBeCloseTo(0.3275, 4);
    expect(d.trace!.halfSpreadBps).toBe(2);
    expect(d.trace!.floorBound).toBe(true);
  });

  it("a zero floor with a maker rebate still quotes a bid below the ask (no fault, no halt)", () => {
    // 1.3275 − 3 < 0: with minHalfSpreadBps 0 the total spread would be ≤ 0 and the ladder throws.
    for (const makerFeeBps of [-1.3275, -3]) {
      const d = new QuoteEngine({ minHalfSpreadBps: 0, makerFeeBps }).decide(input());
      expect(d.fault).toBeNull();
      expect(d.trace!.halfSpreadBps).toBe(MIN_QUOTED_HALF_SPREAD_BPS);
      expect(d.trace!.floorBound).toBe(true);
      expect(d.ladder.bids[0]!.price).toBeLessThan(d.ladder.asks[0]!.price);
    }
    // a mid on the tick grid: the bid and ask are one tick either side
    const onGrid = new QuoteEngine({ minHalfSpreadBps: 0, makerFeeBps: -3 }).decide(
      input({ book: book(59_999, 60_001) }),
    );
    expect(onGrid.ladder.bids[0]!.price).toBeLessThan(60_000);
    expect(onGrid.ladder.asks[0]!.price).toBeGreaterThan(60_000);
  });

  it("halted → empty ladder (trace still explains); reduceOnly → reducing side only", () => {
    const engine = new QuoteEngine();
    const h = engine.decide(input({ riskState: "halted", inventoryBase: 0.003 }));
    expect(h.ladder).toEqual({ bids: [], asks: [] });
    expect(h.trace).not.toBeNull();
    expect(h.warnings).toContain("risk state halted: no quotes");
    const r = engine.decide(input({ riskState: "reduceOnly", inventoryBase: 0.0025 }));
    expect(r.ladder.bids).toEqual([]);
    // Long 0.0025: asks 0.001 + 0.001 + the remaining 0.0005 (0.0005 × 60025 ≈ $30 ≥ $10 min notional).
    expect(r.ladder.asks.map((q) => q.size)).toEqual([0.001, 0.001, 0.0005]);
    // Long 0.00001 (one HL lot): 0.00001 × 60017 ≈ $0.60 < $10 → nothing to quote.
    const tiny = engine.decide(input({ riskState: "reduceOnly", inventoryBase: 0.00001 }));
    expect(tiny.ladder).toEqual({ bids: [], asks: [] });
    expect(r.riskState).toBe("reduceOnly");
  });

  it("NaN inputs → empty ladder, a fault and a warning; the caller's kill switch halts", () => {
    const engine = new QuoteEngine();
    const ks = new KillSwitch({ maxPositionBase: 0.01 });
    for (const bad of [
      input({ sigma: { sigmaPerSqrtSec: Number.NaN, confidence: 1 } }),
      input({ inventoryBase: Number.POSITIVE_INFINITY }),
      input({ book: new L2Book() }),
      input({ signals: { ...NEUTRAL_SIGNAL_EFFECT, kappaMult: Number.NaN } }),
      input({ signals: { ...NEUTRAL_SIGNAL_EFFECT, kappaMult: -1 } }),
    ]) {
      const d = engine.decide(bad);
      expect(d.ladder).toEqual({ bids: [], asks: [] });
      expect(d.fault).not.toBeNull();
      expect(d.warnings[0]).toMatch(/^fault: /);
      expect(d.trace).toBeNull();
    }
    const d = engine.decide(input({ sigma: { sigmaPerSqrtSec: Number.NaN, confidence: 1 } }));
    expect(d.fault).toBe("non-finite input sigma.sigmaPerSqrtSec=NaN");
    if (d.fault !== null) ks.halt(d.tsMs, d.fault);
    expect(ks.state()).toBe("halted");
  });

  it.each(["bogus", "", "Active", undefined, null])(
    "an unknown riskState %j fails closed: no quotes, a fault, reported as halted",
    (rs) => {
      // A JS caller's typo used to quote as if active.
      const d = new QuoteEngine().decide(input({ riskState: rs as unknown as QuoteInput["riskState"] }));
      expect(d.ladder).toEqual({ bids: [], asks: [] });
      expect(d.fault).toBe(`riskState must be "active", "reduceOnly" or "halted", got ${JSON.stringify(rs)}`);
      expect(d.riskState).toBe("halted");
      expect(d.warnings[0]).toMatch(/^fault: riskState must be/);
    },
  );

  it("uses the micro-price as fair when configured", () => {
    // Bid 59999 × 3, ask 60001 × 1: micro = (59999·1 + 60001·3)/4 = 60000.5.
    const d = new QuoteEngine({ fairPrice: "micro" }).decide(input({ book: book(59_999, 60_001, 3, 1) }));
    expect(d.fairPrice).toBe(60_000.5);
    expect(d.mid).toBe(60_000);
  });

  it("accepts a bare BBO and shrinks a low-confidence σ toward the prior", () => {
    const engine = new QuoteEngine({}, { priorSigmaPerSqrtSec: 1e-4 });
    const d = engine.decide(
      input({
        book: { bidPrice: 59_999, bidSize: 1, askPrice: 60_001, askSize: 1 },
        sigma: { sigmaPerSqrtSec: 5e-4, confidence: 0.25 },
      }),
    );
    expect(d.effective.sigmaPerSqrtSec).toBeCloseTo(0.25 * 5e-4 + 0.75 * 1e-4, 15); // 2e-4
    expect(d.ladder.bids.length).toBe(3);
  });

  it("formats [SPREAD TRACE] lines in the original shape", () => {
    const d = new QuoteEngine().decide(input());
    const lines = formatSpreadTrace(d.trace!, d.cycleId);
    expect(
      lines.some((l) =>
        /^\[SPREAD TRACE\] cycle=7 phase=floor glft_optimal_bps=2\.8275 effective_floor_bps=1\.0000/.test(l),
      ),
    ).toBe(true);
    expect(
      lines.some((l) =>
        /phase=glft_depths touch_bid_bps=2\.8275 touch_ask_bps=2\.8275 total_at_touch_bps=5\.6550/.test(l),
      ),
    ).toBe(true);
    expect(lines.some((l) => /kappa_used=8000\.0/.test(l))).toBe(true);
    // a side without an order reads "none", never NaN
    const oneSided = formatSpreadTrace({ ...d.trace!, placedTouchBidBps: Number.NaN }, d.cycleId);
    const depths = oneSided.find((l) => l.includes("phase=glft_depths"))!;
    expect(depths).toMatch(/placed_bid_bps=none placed_ask_bps=\d/);
    expect(oneSided.join(" ")).not.toContain("NaN");
  });
});

describe("QuoteEngine.decide — properties (fast-check, seeded)", () => {
  it("trace identities hold and the ladder is never NaN, crossed or over-limit", () => {
    const engine = new QuoteEngine();
    const maxBase = engine.config.maxPositionLots * engine.config.orderSizeBase;
    fc.assert(
      fc.property(
        fc.double({ min: 1000, max: 200_000, noNaN: true }),
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 1e-6, max: 1e-3, noNaN: true }),
        fc.double({ min: -0.02, max: 0.02, noNaN: true }),
        fc.record({
          spreadAdjBps: fc.double({ min: -3, max: 5, noNaN: true }),
          skewAdjBps: fc.double({ min: -3, max: 3, noNaN: true }),
          kappaMult: fc.double({ min: 0.2, max: 5, noNaN: true }),
          gammaMult: fc.double({ min: 0.2, max: 5, noNaN: true }),
          bidExtraBps: fc.double({ min: 0, max: 5, noNaN: true }),
          askExtraBps: fc.double({ min: 0, max: 5, noNaN: true }),
          pullBid: fc.boolean(),
          pullAsk: fc.boolean(),
        }),
        fc.constantFrom("active", "reduceOnly") as fc.Arbitrary<"active" | "reduceOnly">,
        (mid, spreadTicks, sigma, inv, sig, riskState) => {
          const bid = Math.round(mid) - Math.floor(spreadTicks / 2);
          const ask = bid + spreadTicks;
          const inventoryBase = Math.round(inv * 1e5) / 1e5;
          const d = engine.decide(
            input({
              book: book(bid, ask),
              sigma: { sigmaPerSqrtSec: sigma, confidence: 1 },
              signals: sig,
              inventoryBase,
              riskState,
            }),
          );
          if (d.fault !== null || d.trace === null) return false;
          const t = d.trace;
          const okTrace =
            Math.abs(
              t.touchBidBps - (t.halfSpreadBps + t.inventorySkewBps - t.signalSkewAdjBps + t.bidExtraBps),
            ) < 1e-9 &&
            Math.abs(
              t.touchAskBps - (t.halfSpreadBps - t.inventorySkewBps + t.signalSkewAdjBps + t.askExtraBps),
            ) < 1e-9 &&
            Math.abs(t.glftNoRegimeBps + t.regimeEffectBps + t.signalParamEffectBps - t.glftBaseBps) < 1e-9 &&
            t.halfSpreadBps >= t.effectiveFloorBps;
          const { bids, asks } = d.ladder;
          const all = [...bids, ...asks];
          const noNaN = all.every((q) => Number.isFinite(q.price) && Number.isFinite(q.size) && q.size > 0);
          const notCrossed = bids.every((b) => asks.every((a) => b.price < a.price) && b.price < ask);
          const buy = bids.reduce((s, q) => s + q.size, 0);
          const sell = asks.reduce((s, q) => s + q.size, 0);
          const withinLimit =
            (buy === 0 || inventoryBase + buy <= maxBase + 1e-12) &&
            (sell === 0 || inventoryBase - sell >= -maxBase - 1e-12);
          return okTrace && noNaN && notCrossed && asks.every((a) => a.price > bid) && withinLimit;
        },
      ),
      { seed: 42, numRuns: 400 },
    );
  });
});

describe("QuoteEngine.decide — real Hyperliquid book", () => {
  it("quotes a valid ladder on the first recorded BTC l2Book snapshot", () => {
    const url = new URL("../../../data/samples/hyperliquid-btc-20250126.gz", import.meta.url);
    const lines = gunzipSync(readFileSync(url)).toString("utf8").split("\n");
    const first = lines.find((l) => l.includes('"l2Book"'))!;
    const frame = JSON.parse(first.slice(first.indexOf(" ") + 1)) as {
      data: { time: number; levels: { px: string; sz: string; n: number }[][] };
    };
    const toLevels = (ls: { px: string; sz: string; n: number }[]): PriceLevel[] =>
      ls.map((l) => ({ price: Number(l.px), size: Number(l.sz), count: l.n }));
    const b = new L2Book();
    b.applySnapshot(
      toLevels(frame.data.levels[0]!),
      toLevels(frame.data.levels[1]!),
      frame.data.time,
      frame.data.time,
    );
    const d = new QuoteEngine().decide(input({ book: b, tsMs: frame.data.time, inventoryBase: 0.004 }));
    expect(d.fault).toBeNull();
    expect(d.ladder.bids.length).toBe(3);
    expect(d.ladder.asks.length).toBe(3);
    for (const q of [...d.ladder.bids, ...d.ladder.asks]) expect(Number.isInteger(q.price)).toBe(true); // BTC: whole dollars
    expect(d.ladder.bids[0]!.price).toBeLessThan(b.bestAsk());
    expect(d.ladder.asks[0]!.price).toBeGreaterThan(b.bestBid());
    // Long 4 lots: the bid sits deeper than the ask by 2 × 4 × 0.2155 ≈ 1.72 bps (before rounding).
    expect(d.trace!.touchBidBps - d.trace!.touchAskBps).toBeCloseTo(2 * 4 * d.trace!.skewPerLotBps, 9);
  });
});
