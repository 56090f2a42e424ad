import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseQuoteEngineConfig } from "./config.js";
import {
  computeEffectiveParams,
  type IntensityObservation,
  r2Ramp,
  shrinkageWeight,
} from "./effective-params.js";
import { NEUTRAL_SIGNAL_EFFECT, type SignalEffect } from "./signal.js";

const base = parseQuoteEngineConfig({
  kappaFloorPerFrac: 8000,
  priorKappaPerFrac: 8000,
  priorSampleCount: 100,
});
const neutral: SignalEffect = { ...NEUTRAL_SIGNAL_EFFECT };
const fit = (kappaPerFrac: number, sampleCount: number, aPerSec = 1.5): IntensityObservation => ({
  kappaPerFrac,
  aPerSec,
  sampleCount,
  fitOk: true,
  usedFallback: false,
});
const regime = (kappaMult: number, gammaMult = 1): SignalEffect => ({
  ...neutral,
  regime: { state: 1, probs: [0, 1], kappaMult, gammaMult },
});

describe("computeEffectiveParams", () => {
  it("reproduces the original bug scenario: floor 8000, 0.7·8000 + 0.3·2000 = 6200 → stays at 8000", () => {
    // Estimate κ = 8000 with overwhelming samples (weight ≈ 1), regime κ = 8000 × 0.25 = 2000.
    const r = computeEffectiveParams(base, fit(8000, 1e12), regime(0.25));
    expect(r.steps.kappaRegimePerFrac).toBeCloseTo(2000, 6);
    expect(r.steps.kappaBlendedPerFrac).toBeCloseTo(6200, 3); // the value the original quoted with
    expect(r.steps.kappaFloorBound).toBe(true);
    expect(r.kappaPerFrac).toBe(8000);
  });

  it("applies the signal multiplier after the blend and before the floor", () => {
    const cfg = parseQuoteEngineConfig({ kappaFloorPerFrac: 1000, priorKappaPerFrac: 8000 });
    // No fit → prior 8000; regime 0.5 → blend 0.7·8000 + 0.3·4000 = 6800; × 0.5 = 3400 (> floor 1000).
    const r = computeEffectiveParams(cfg, null, { ...regime(0.5), kappaMult: 0.5 });
    expect(r.steps.kappaBlendedPerFrac).toBeCloseTo(6800, 9);
    expect(r.kappaPerFrac).toBeCloseTo(3400, 9);
    expect(r.steps.kappaFloorBound).toBe(false);
    // × 0.1 = 680 < 1000 → floor.
    const f = computeEffectiveParams(cfg, null, { ...regime(0.5), kappaMult: 0.1 });
    expect(f.kappaPerFrac).toBe(1000);
  });

  it("shrinks κ toward the prior with weight m/(m+n0), m = samples past the estimator's gate", () => {
    // n = 200, gate 100 → m = 100, n0 = 100 → w = 0.5 → 0.5·4000 + 0.5·8000 = 6000 (floor 1000 not binding).
    const cfg = parseQuoteEngineConfig({
      kappaFloorPerFrac: 1000,
      priorKappaPerFrac: 8000,
      priorSampleCount: 100,
    });
    const r = computeEffectiveParams(cfg, fit(4000, 200, 3), neutral);
    expect(r.steps.estimateWeight).toBe(0.5);
    expect(r.kappaPerFrac).toBe(6000);
    expect(r.aPerSec).toBeCloseTo(0.5 * 3 + 0.5 * 1.5, 12); // 2.25
  });

  it("has no cliff at the estimator's gates: weight 0 at the minimum samples and at the minimum R²", () => {
    const cfg = parseQuoteEngineConfig({
      kappaFloorPerFrac: 1000,
      intensityMinSamples: 100,
      intensityMinR2: 0.8,
    });
    // Just past the sample gate (fitOk turns true at n = 100): m = 1 → w = 1/201, κ moves by < 0.5%.
    const atGate = computeEffectiveParams(cfg, fit(4000, 101), neutral);
    expect(atGate.steps.estimateWeight).toBeCloseTo(1 / 201, 12);
    expect(Math.abs(atGate.kappaPerFrac - 8000)).toBeLessThan(20);
    // R² ramp: r2 = 0.8 → 0; r2 = 0.9 → half weight (n = 300 → m = 200 → 0.5 × 0.5 = 0.25).
    expect(computeEffectiveParams(cfg, { ...fit(4000, 300), r2: 0.8 }, neutral).steps.estimateWeight).toBe(0);
    expect(
      computeEffectiveParams(cfg, { ...fit(4000, 300), r2: 0.9 }, neutral).steps.estimateWeight,
    ).toBeCloseTo(0.25, 12);
  });

  it("uses the prior when the fit is missing, failed or a fallback", () => {
    expect(computeEffectiveParams(base, null, neutral).kappaPerFrac).toBe(8000);
    const failed = { ...fit(20_000, 5000), fitOk: false };
    expect(computeEffectiveParams(base, failed, neutral).steps.estimateUsable).toBe(false);
    const fb = { ...fit(20_000, 5000), usedFallback: true };
    expect(computeEffectiveParams(base, fb, neutral).kappaPerFrac).toBe(8000);
    const nan = fit(Number.NaN, 5000);
    expect(computeEffectiveParams(base, nan, neutral).kappaPerFrac).toBe(8000);
  });

  it("blends γ with the regime γ multiplier and clamps it last", () => {
    const cfg = parseQuoteEngineConfig({ gamma: 100, gammaMax: 500 });
    // 100 × (0.7 + 0.3·2) = 130; × signal 2 = 260.
    const r = computeEffectiveParams(cfg, null, { ...regime(1, 2), gammaMult: 2 });
    expect(r.steps.gammaBlended).toBeCloseTo(130, 9);
    expect(r.gamma).toBeCloseTo(260, 9);
    const c = computeEffectiveParams(cfg, null, { ...regime(1, 2), gammaMult: 10 });
    expect(c.gamma).toBe(500);
    expect(c.steps.gammaClampBound).toBe(true);
  });

  it("rejects non-positive or non-finite multipliers with a named error", () => {
    expect(() => computeEffectiveParams(base, null, { ...neutral, kappaMult: Number.NaN })).toThrow(
      /signals.kappaMult/,
    );
    expect(() => computeEffectiveParams(base, null, { ...neutral, gammaMult: 0 })).toThrow(
      /signals.gammaMult/,
    );
    expect(() => computeEffectiveParams(base, null, regime(-1))).toThrow(/regime.kappaMult/);
  });

  it("property: effective κ ≥ floor (and ≤ cap) for any estimate, regime and signal", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 50_000, noNaN: true }),
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (floor, kEst, n, regimeMult, sigMult, regimeWeight, withRegime) => {
          const cfg = parseQuoteEngineConfig({
            kappaFloorPerFrac: floor,
            kappaCapPerFrac: 1e6,
            regimeBlend: { currentWeight: 1 - regimeWeight, regimeWeight },
          });
          const sig: SignalEffect = withRegime
            ? { ...regime(regimeMult), kappaMult: sigMult }
            : { ...neutral, kappaMult: sigMult };
          const r = computeEffectiveParams(cfg, fit(kEst, n), sig);
          return (
            r.kappaPerFrac >= floor && r.kappaPerFrac <= 1e6 && Number.isFinite(r.gamma) && r.aPerSec > 0
          );
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });

  it("property: gated κ moves monotonically from the prior to the estimate as samples grow (no cliff)", () => {
    const cfg = parseQuoteEngineConfig({
      kappaFloorPerFrac: 100,
      priorKappaPerFrac: 8000,
      priorSampleCount: 50,
      intensityMinSamples: 0,
    });
    fc.assert(
      fc.property(
        fc.double({ min: 200, max: 50_000, noNaN: true }),
        fc.nat(10_000),
        fc.nat(10_000),
        (kEst, n1, n2) => {
          const [lo, hi] = n1 <= n2 ? [n1, n2] : [n2, n1];
          const kLo = computeEffectiveParams(cfg, fit(kEst, lo), neutral).kappaPerFrac;
          const kHi = computeEffectiveParams(cfg, fit(kEst, hi), neutral).kappaPerFrac;
          // |κ − estimate| never grows with more samples; one extra sample changes the weight by < 1/n0.
          const stepOne = Math.abs(
            computeEffectiveParams(cfg, fit(kEst, lo + 1), neutral).kappaPerFrac - kLo,
          );
          return (
            Math.abs(kHi - kEst) <= Math.abs(kLo - kEst) + 1e-9 &&
            stepOne <= Math.abs(kEst - 8000) / 50 + 1e-9
          );
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it("shrinkageWeight is n/(n+n0), 0 at n = 0, and rejects n0 ≤ 0", () => {
    expect(shrinkageWeight(0, 10)).toBe(0);
    expect(shrinkageWeight(30, 10)).toBe(0.75);
    expect(shrinkageWeight(Number.POSITIVE_INFINITY, 10)).toBe(1);
    expect(() => shrinkageWeight(5, 0)).toThrow(/priorSampleCount/);
  });
});

describe("r2Ramp", () => {
  it("ramps between minR2 and 1; with minR2 >= 1 only a perfect fit counts", () => {
    expect(r2Ramp(0.9, 0.5)).toBeCloseTo(0.8, 12);
    expect(r2Ramp(undefined, 0.5)).toBe(1);
    expect(r2Ramp(Number.NaN, 0.5)).toBe(1);
    expect(r2Ramp(0.99, 1)).toBe(0);
    expect(r2Ramp(1, 1)).toBe(1);
  });

  it("rejects a NaN or −∞ minR2 (r2Ramp(0.9, NaN) returned NaN)", () => {
    expect(() => r2Ramp(0.9, Number.NaN)).toThrow(
      new RangeError("r2Ramp: minR2 must be a number > -Infinity, got NaN"),
    );
    expect(() => r2Ramp(0.9, Number.NEGATIVE_INFINITY)).toThrow(RangeError);
  });
});
