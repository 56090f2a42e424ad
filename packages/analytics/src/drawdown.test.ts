import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DrawdownTracker, maxDrawdown, underwaterCurve } from "./drawdown.js";

describe("drawdown helpers", () => {
  it("hand example", () => {
    // path 100, 120, 90, 110, 80, 130: peak 120 → trough 80 = 40 abs, 40/120 = 1/3
    // longest run below the peak: indices 2..5? no — 130 is a new high at 5, so run = 3 (90, 110, 80)
    const r = maxDrawdown([100, 120, 90, 110, 80, 130])!;
    expect(r.maxDrawdownAbs).toBe(40);
    expect(r.maxDrawdownFrac).toBeCloseTo(1 / 3, 12);
    expect(r.peakIndex).toBe(1);
    expect(r.troughIndex).toBe(4);
    expect(r.maxDurationSamples).toBe(3);
    const uw = underwaterCurve([100, 120, 90, 110, 80, 130]);
    expect(Array.from(uw)).toEqual([0, 0, 0.25, 10 / 120, 40 / 120, 0]);
    expect(maxDrawdown([])).toBeNull();
  });

  it("streaming tracker: duration in ms and fractions", () => {
    const t = new DrawdownTracker();
    expect(t.state()).toBeNull();
    t.update(0, 100);
    t.update(1000, 120);
    t.update(2000, 90);
    t.update(5000, 100);
    const s = t.state()!;
    expect(s.peak).toBe(120);
    expect(s.drawdownAbs).toBe(20);
    expect(s.drawdownFrac).toBeCloseTo(20 / 120, 12);
    expect(s.maxDrawdownAbs).toBe(30);
    expect(s.durationMs).toBe(4000); // under water since the 120 peak at t=1000
    expect(s.maxDurationMs).toBe(4000);
  });

  it("matches an O(n²) brute force (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 80 }),
        (xs) => {
          let best = 0;
          let bestFrac = 0;
          for (let i = 0; i < xs.length; i++)
            for (let j = i; j < xs.length; j++) {
              best = Math.max(best, xs[i]! - xs[j]!);
              bestFrac = Math.max(bestFrac, (xs[i]! - xs[j]!) / xs[i]!);
            }
          const r = maxDrawdown(xs)!;
          expect(r.maxDrawdownAbs).toBeCloseTo(best, 9);
          expect(r.maxDrawdownFrac!).toBeCloseTo(bestFrac, 12);
          const t = new DrawdownTracker();
          for (let i = 0; i < xs.length; i++) t.update(i, xs[i]!);
          expect(t.state()!.maxDrawdownAbs).toBeCloseTo(best, 9);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe("underwaterCurve input checks", () => {
  it("throws on a non-finite sample, like maxDrawdown (it returned NaN)", () => {
    expect(() => underwaterCurve([100, Number.NaN, 90])).toThrow(
      "underwaterCurve: equity[1] is not finite (NaN)",
    );
    expect(() => maxDrawdown([100, Number.NaN, 90])).toThrow(/equity\[1\] is not finite/);
    expect(Array.from(underwaterCurve([100, 110, 99]))).toEqual([0, 0, 0.1]);
  });
});

describe("drawdown at the peak's edges (mutation audit)", () => {
  it("regaining the peak exactly ends the underwater run (batch and tracker agree)", () => {
    // 100, 90, 100, 90: two runs of one sample each, the second measured from the peak at index 2
    const r = maxDrawdown([100, 90, 100, 90])!;
    expect(r.maxDurationSamples).toBe(1);
    expect([r.peakIndex, r.troughIndex]).toEqual([0, 1]); // the first 10-point drawdown is kept
    const t = new DrawdownTracker();
    t.update(0, 100);
    t.update(1000, 90);
    t.update(2000, 100);
    t.update(3000, 100);
    expect(t.state()).toMatchObject({ peakTsMs: 3000, durationMs: 0, maxDurationMs: 1000 });
    t.update(4000, 95);
    expect(t.state()).toMatchObject({ peakTsMs: 3000, durationMs: 1000, maxDurationMs: 1000 });
  });

  it("a peak at or below 0 has no fractional drawdown (null / NaN), only an absolute one", () => {
    const zero = maxDrawdown([0, -5])!;
    expect(zero.maxDrawdownAbs).toBe(5);
    expect(zero.maxDrawdownFrac).toBeNull();
    expect(maxDrawdown([-10, -20])!.maxDrawdownFrac).toBeNull();
    expect(Array.from(underwaterCurve([0, -5]))).toEqual([Number.NaN, Number.NaN]);
    expect(Array.from(underwaterCurve([-10, -20]))).toEqual([Number.NaN, Number.NaN]);
    expect(Array.from(underwaterCurve([10, 5]))).toEqual([0, 0.5]);
    const t = new DrawdownTracker();
    t.update(0, 0);
    t.update(1000, -5);
    expect(t.state()).toMatchObject({ drawdownAbs: 5, drawdownFrac: null, maxDrawdownFrac: null });
  });
});
