import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BPS_PER_FRAC, bpsToFrac, fracToBps, msToSec, secToMs } from "./units.js";

describe("units", () => {
  it("converts bps and fractions by hand-checked values", () => {
    expect(BPS_PER_FRAC).toBe(10_000);
    // 1 bp = 1/10,000 = 0.0001
    expect(bpsToFrac(1)).toBeCloseTo(0.0001, 15);
    // 0.0025 × 10,000 = 25 bps
    expect(fracToBps(0.0025)).toBeCloseTo(25, 12);
    expect(msToSec(1500)).toBe(1.5);
    expect(secToMs(2.5)).toBe(2500);
  });

  it("round-trips bps ↔ fraction", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (bps) => {
        expect(fracToBps(bpsToFrac(bps))).toBeCloseTo(bps, 6);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
