import { type SignalAdjustment, inactiveAdjustment } from "@mmkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SignalIntegrator } from "./integrator.js";

function adj(name: string, p: Partial<SignalAdjustment>): SignalAdjustment {
  return { ...inactiveAdjustment(name), active: true, confidence: 1, ...p };
}

const adjArb = fc.record({
  name: fc.constantFrom("A", "B", "C", "RegimeDetection", "D"),
  spreadAdjBps: fc.double({ min: -100, max: 100, noNaN: true }),
  skewAdjBps: fc.double({ min: -50, max: 50, noNaN: true }),
  kappaMult: fc.double({ min: 0.1, max: 5, noNaN: true }),
  gammaMult: fc.double({ min: 0.1, max: 5, noNaN: true }),
  bidExtraBps: fc.double({ min: 0, max: 40, noNaN: true }),
  askExtraBps: fc.double({ min: 0, max: 40, noNaN: true }),
  pullBid: fc.boolean(),
  pullAsk: fc.boolean(),
  active: fc.boolean(),
  confidence: fc.double({ min: 0, max: 1, noNaN: true }),
  rawValue: fc.double({ min: -10, max: 10, noNaN: true }),
});

describe("SignalIntegrator", () => {
  it("an active signal that asks for (almost) nothing is not recorded as active", () => {
    const integ = new SignalIntegrator();
    const quiet: SignalAdjustment = {
      ...inactiveAdjustment("Quiet"),
      active: true,
      confidence: 1,
      spreadAdjBps: 0.01,
    };
    const loud: SignalAdjustment = {
      ...inactiveAdjustment("Loud"),
      active: true,
      confidence: 1,
      skewAdjBps: 0.3,
    };
    const toxic: SignalAdjustment = {
      ...inactiveAdjustment("Toxic"),
      active: true,
      confidence: 1,
      kappaMult: 0.9,
    };
    const { record } = integ.integrate([quiet, loud, toxic], { cycleId: 1, tsMs: 0 });
    expect(record.contributions.map((c) => [c.signal_name, c.was_active])).toEqual([
      ["Quiet", false],
      ["Loud", true],
      ["Toxic", true],
    ]);
    // Its (immaterial) part is still applied and still sums into the total.
    expect(record.total_spread_adj_bps).toBeCloseTo(0.01, 12);
  });

  it("contributions sum to the applied adjustment, clamped or not (property)", () => {
    const integ = new SignalIntegrator({ minSpreadAdjBps: -5, maxSpreadAdjBps: 30, maxAbsSkewBps: 8 });
    fc.assert(
      fc.property(fc.array(adjArb, { maxLength: 8 }), (adjs) => {
        const { effect, record } = integ.integrate(adjs, { cycleId: 1, tsMs: 0 });
        const sSpread = record.contributions.reduce((s, c) => s + c.applied_spread_bps, 0);
        const sSkew = record.contributions.reduce((s, c) => s + c.applied_skew_bps, 0);
        const tol = 1e-9 * (1 + Math.abs(sSpread));
        expect(Math.abs(sSpread - record.total_spread_adj_bps)).toBeLessThanOrEqual(tol);
        expect(Math.abs(sSkew - record.combined_skew_bps)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(sSkew)));
        expect(effect.spreadAdjBps).toBe(record.total_spread_adj_bps);
        expect(record.total_spread_adj_bps).toBeGreaterThanOrEqual(-5 - 1e-9);
        expect(record.total_spread_adj_bps).toBeLessThanOrEqual(30 + 1e-9);
        expect(Math.abs(record.combined_skew_bps)).toBeLessThanOrEqual(8 + 1e-9);
        expect(effect.kappaMult).toBeGreaterThanOrEqual(0.3);
        expect(effect.kappaMult).toBeLessThanOrEqual(2);
        // A signal with zero weight contributes nothing; one not recorded as active contributes
        // less than the materiality threshold (0.05 bps) to spread and skew.
        for (const c of record.contributions) {
          if (c.gating_weight === 0) {
            expect(c.applied_spread_bps).toBe(0);
            expect(c.applied_skew_bps).toBe(0);
          }
          if (!c.was_active) {
            expect(Math.abs(c.applied_spread_bps)).toBeLessThan(0.05);
            expect(Math.abs(c.applied_skew_bps)).toBeLessThan(0.05);
          }
        }
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it("blends with confidence weights and clamps proportionally (hand-computed)", () => {
    const integ = new SignalIntegrator({ maxSpreadAdjBps: 10 });
    const { effect, record } = integ.integrate(
      [
        adj("A", { spreadAdjBps: 8, confidence: 1, kappaMult: 0.5 }),
        adj("B", { spreadAdjBps: 12, confidence: 0.5, kappaMult: 4, gammaMult: 2 }),
        adj("C", { spreadAdjBps: 100, active: false }),
      ],
      { cycleId: 7, tsMs: 123, baseHalfSpreadBps: 5 },
    );
    // raw = 1·8 + 0.5·12 = 14 → clamped to 10, scale 10/14: A = 8·10/14 = 5.714285…, B = 6·10/14 = 4.285714…
    expect(record.clamped).toBe(true);
    expect(record.contributions[0]!.applied_spread_bps).toBeCloseTo(80 / 14, 12);
    expect(record.contributions[1]!.applied_spread_bps).toBeCloseTo(60 / 14, 12);
    expect(record.contributions[2]!.applied_spread_bps).toBe(0);
    expect(effect.spreadAdjBps).toBeCloseTo(10, 12);
    // κ = 0.5^1 · 4^0.5 = 1; γ = 2^0.5
    expect(effect.kappaMult).toBeCloseTo(1, 12);
    expect(effect.gammaMult).toBeCloseTo(Math.SQRT2, 12);
    // total_spread_mult = (5 + 10)/5 = 3
    expect(record.total_spread_mult).toBeCloseTo(3, 12);
    expect(record.cycleId).toBe(7);
    expect(record.contributions[1]!.spread_adjustment_bps).toBe(12);
    expect(record.contributions[1]!.gating_weight).toBe(0.5);
  });

  it("routes the regime κ/γ to effect.regime instead of the multiplier product", () => {
    const integ = new SignalIntegrator();
    const regime = { state: 2, probs: [0, 0.1, 0.9], kappaMult: 0.64, gammaMult: 1.45 };
    const { effect, record } = integ.integrate(
      [adj("RegimeDetection", { kappaMult: 0.64, gammaMult: 1.45, confidence: 0.9 })],
      { cycleId: 1, tsMs: 0, regime },
    );
    expect(effect.kappaMult).toBe(1);
    expect(effect.regime).toEqual(regime);
    expect(record.regime_state).toBe(2);
    const off = integ.integrate([inactiveAdjustment("RegimeDetection", "warmup 10%")], {
      cycleId: 2,
      tsMs: 0,
      regime,
    });
    expect(off.effect.regime).toBeUndefined();
  });

  it("fails closed on NaN input, naming the signal and field", () => {
    const integ = new SignalIntegrator();
    expect(() =>
      integ.integrate([adj("Bad", { spreadAdjBps: Number.NaN })], { cycleId: 1, tsMs: 0 }),
    ).toThrow(/"Bad" has non-finite spreadAdjBps/);
    expect(() => new SignalIntegrator({ minSpreadAdjBps: 1 })).toThrow(/minSpreadAdjBps/);
  });

  it("pulls a side when an active signal asks for it", () => {
    const integ = new SignalIntegrator();
    const { effect } = integ.integrate([adj("FallingKnife", { pullBid: true, bidExtraBps: 20 })], {
      cycleId: 1,
      tsMs: 0,
    });
    expect(effect.pullBid).toBe(true);
    expect(effect.pullAsk).toBe(false);
    expect(effect.bidExtraBps).toBe(20);
  });
});

describe("SignalIntegrator by hand (mutation audit)", () => {
  // A: confidence 1.5 → weight 1 (clamped); B: weight 0.5
  const a = adj("A", {
    confidence: 1.5,
    spreadAdjBps: 2,
    skewAdjBps: -3,
    bidExtraBps: 4,
    gammaMult: 2,
    pullAsk: true,
  });
  const b = adj("B", { confidence: 0.5, skewAdjBps: -1, bidExtraBps: 2, askExtraBps: 6, gammaMult: 2 });

  it("weights, a negative skew, weighted side extras, the γ product and the pulls", () => {
    const { effect, record } = new SignalIntegrator().integrate([a, b], { cycleId: 1, tsMs: 0 });
    expect(record.contributions.map((c) => c.gating_weight)).toEqual([1, 0.5]);
    expect(effect.spreadAdjBps).toBeCloseTo(2, 12); // 1·2 + 0.5·0
    expect(effect.skewAdjBps).toBeCloseTo(-3.5, 12); // 1·(−3) + 0.5·(−1): inside ±10, kept negative
    expect(effect.bidExtraBps).toBeCloseTo(5, 12); // 1·4 + 0.5·2
    expect(effect.askExtraBps).toBeCloseTo(3, 12); // 0.5·6
    expect(effect.gammaMult).toBeCloseTo(2 ** 1.5, 12); // 2^1 · 2^0.5 inside [0.5, 3]
    expect(effect.pullAsk).toBe(true);
    expect(effect.pullBid).toBe(false);
    expect(record.clamped).toBe(false);
  });

  it("clamps γ and each side extra to its bound, and says so for each alone", () => {
    const gammaOnly = new SignalIntegrator({ maxGammaMult: 1.5 }).integrate([a, b], { cycleId: 1, tsMs: 0 });
    expect(gammaOnly.effect.gammaMult).toBe(1.5);
    expect(gammaOnly.record.clamped).toBe(true);
    const bidOnly = new SignalIntegrator({ maxSideExtraBps: 3.5 }).integrate([a, b], { cycleId: 1, tsMs: 0 });
    expect(bidOnly.effect.bidExtraBps).toBe(3.5); // 5 → 3.5
    expect(bidOnly.effect.askExtraBps).toBeCloseTo(3, 12); // under the bound
    expect(bidOnly.record.clamped).toBe(true);
    const askOnly = new SignalIntegrator({ maxSideExtraBps: 3.5 }).integrate([adj("C", { askExtraBps: 5 })], {
      cycleId: 1,
      tsMs: 0,
    });
    expect(askOnly.effect.askExtraBps).toBe(3.5);
    expect(askOnly.record.clamped).toBe(true);
  });
});
