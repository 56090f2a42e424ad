import { describe, expect, it } from "vitest";
import { fitSurvivalCurve } from "./intensity-fit.js";

describe("fitSurvivalCurve", () => {
  it("exact exponential: counts 800, 400, 200, 100 at 0, 1, 2, 3 bps over 100 s pooled", () => {
    // ln(S/(2·100)) = ln 4 − (ln 2 per bp)·δ → A = 800/200 = 4 /s per side, κ = ln2 × 10,000 = 6931.47, R² = 1
    const fit = fitSurvivalCurve([0, 1e-4, 2e-4, 3e-4], [800, 400, 200, 100], 100, 2, 10);
    expect(fit).not.toBeNull();
    expect(fit!.aPerSec).toBeCloseTo(4, 10);
    expect(fit!.kappaPerFrac).toBeCloseTo(Math.LN2 * 1e4, 6);
    expect(fit!.r2).toBeCloseTo(1, 12);
    expect(fit!.pointsUsed).toBe(4);
  });

  it("per side (sides = 1) doubles A and skips points under minPointCount", () => {
    // the last point (5 < 10) is dropped; A = 800/100 = 8 /s
    const fit = fitSurvivalCurve([0, 1e-4, 2e-4, 3e-4, 4e-4], [800, 400, 200, 100, 5], 100, 1, 10);
    expect(fit!.aPerSec).toBeCloseTo(8, 10);
    expect(fit!.pointsUsed).toBe(4);
  });

  it("hand-computed weighted fit of a non-exponential curve", () => {
    // x = 0, 1, 2 bps; counts e³, e², e² over 1 s, sides 1 → y = ln count = 3, 2, 2; weights ∝ (e, 1, 1)·e²
    // x̄ = (0·e + 1 + 2)/(e + 2) = 3/4.718282 = 0.635825 bp
    // ȳ = (3e + 2 + 2)/(e + 2) = 12.154845/4.718282 = 2.576117
    // Sxx = e²·(0 + 1 + 4) − e²(e+2)·x̄² = e²·(5 − 9/(e+2)) = 7.389056 × 3.092534 = 22.850848
    // Sxy = e²·(0 + 2 + 4) − e²(e+2)·x̄·ȳ = e²·(6 − 3ȳ) = 7.389056 × (−1.728350) = −12.770880
    // slope = −12.770880/22.850848 = −0.558880 per bp → κ = 5588.80 per fraction of mid
    // intercept = ȳ − slope·x̄ = 2.576117 + 0.558880 × 0.635825 = 2.931467 → A = e^2.931467 = 18.7551 /s
    // Syy = e²·(9e + 4 + 4) − e²(e+2)·ȳ² = 7.389056 × 1.152243 = 8.513920; R² = slope·Sxy/Syy = 7.137433/8.513920 = 0.838320
    const e = Math.E;
    const fit = fitSurvivalCurve([0, 1e-4, 2e-4], [e ** 3, e ** 2, e ** 2], 1, 1, 1);
    expect(fit!.kappaPerFrac).toBeCloseTo(5588.8, 1);
    expect(fit!.aPerSec).toBeCloseTo(18.7551, 3);
    expect(fit!.r2).toBeCloseTo(0.83832, 5);
  });

  it("returns null for too few points or zero span, throws on length mismatch", () => {
    expect(fitSurvivalCurve([0, 1e-4], [100, 50], 10, 2, 1)).toBeNull();
    expect(fitSurvivalCurve([0, 1e-4, 2e-4], [100, 50, 25], 0, 2, 1)).toBeNull();
    expect(() => fitSurvivalCurve([0], [1, 2], 1, 1, 1)).toThrow(/lengths/);
  });
});

describe("fitSurvivalCurve with no depth spread (mutation audit)", () => {
  it("returns null, not a NaN κ, when every point is at the same depth", () => {
    // x̄ = 1e-4 and every dx = 0: S_xx = 0, the slope is undefined
    expect(fitSurvivalCurve([1e-4, 1e-4, 1e-4], [10, 20, 30], 60, 2, 1)).toBeNull();
  });
});
