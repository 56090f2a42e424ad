import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gammaForSkew, skewAtMaxBps } from "./gamma-for-skew.js";
import { glftQuote } from "./glft.js";

describe("skewAtMaxBps", () => {
  it("equals glftQuote's skew per lot × max position", () => {
    // γ=κ=1000, A=2, σ=1e-3: c2 = 1 → skew 10 bps/lot; × 3 lots = 30 bps
    expect(skewAtMaxBps(1000, 1e-3, 2, 1000, 3)).toBeCloseTo(30, 10);
    const r = glftQuote({
      gamma: 0.07,
      kappaPerFrac: 8000,
      aPerSec: 1.5,
      sigmaPerSqrtSec: 2e-4,
      inventoryLots: 0,
    });
    expect(skewAtMaxBps(0.07, 2e-4, 1.5, 8000, 10)).toBeCloseTo(r.skewPerLotBps * 10, 12);
  });
});

describe("gammaForSkew", () => {
  it("finds the hand-computed γ: 30 bps at 3 lots with κ=1000, A=2, σ=1e-3 → γ=1000", () => {
    expect(gammaForSkew(30, 1e-3, 2, 1000, 3)).toBeCloseTo(1000, 6);
  });

  it("round-trips γ → skew at max → γ", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-8, max: 1e8, noNaN: true }),
        fc.double({ min: 1e-5, max: 1e-2, noNaN: true }),
        fc.double({ min: 0.05, max: 50, noNaN: true }),
        fc.double({ min: 100, max: 1e5, noNaN: true }),
        fc.integer({ min: 1, max: 100 }),
        (gamma, sigma, a, kappa, maxPos) => {
          const skew = skewAtMaxBps(gamma, sigma, a, kappa, maxPos);
          const back = gammaForSkew(skew, sigma, a, kappa, maxPos);
          expect(back / gamma).toBeCloseTo(1, 8);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it("returns 0 for a zero target", () => {
    expect(gammaForSkew(0, 2e-4, 1.5, 8000, 10)).toBe(0);
  });

  it("throws a clear error for unreachable or invalid targets", () => {
    expect(() => gammaForSkew(5, 0, 1.5, 8000, 10)).toThrow(/unreachable/);
    expect(() => gammaForSkew(5, 2e-4, 1.5, 8000, 0)).toThrow(/unreachable/);
    expect(() => gammaForSkew(1e30, 2e-4, 1.5, 8000, 10)).toThrow(/unreachable.*above/);
    expect(() => gammaForSkew(1e-30, 2e-4, 1.5, 8000, 10)).toThrow(/unreachable.*below/);
    expect(() => gammaForSkew(-1, 2e-4, 1.5, 8000, 10)).toThrow(/targetSkewBpsAtMax/);
    expect(() => gammaForSkew(5, 2e-4, 0, 8000, 10)).toThrow(/aPerSec/);
    expect(() => gammaForSkew(5, 2e-4, 1.5, Number.NaN, 10)).toThrow(/kappaPerFrac/);
  });
});
