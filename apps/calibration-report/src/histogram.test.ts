import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FixedHistogram } from "./histogram.js";

describe("FixedHistogram", () => {
  it("counts by hand: grid [-2,2) with 4 bins", () => {
    const h = new FixedHistogram(-2, 2, 4);
    for (const x of [-3, -1.5, -0.5, -0.5, 0, 1.99, 2, Number.NaN]) h.add(x);
    // -3 below; -1.5 in [-2,-1); -0.5 x2 in [-1,0); 0 in [0,1); 1.99 in [1,2); 2 above; NaN ignored
    expect(h.total).toBe(7);
    const v = h.view(4, 0);
    expect(v.bins.map((b) => b.count)).toEqual([1, 2, 1, 1]);
    expect(v.below).toBe(1);
    expect(v.above).toBe(1);
  });

  it("property: view conserves the count and respects the bar limit", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -500, max: 500, noNaN: true }), { minLength: 1, maxLength: 500 }),
        fc.integer({ min: 1, max: 50 }),
        (xs, bars) => {
          const h = new FixedHistogram();
          for (const x of xs) h.add(x);
          const v = h.view(bars);
          const inBars = v.bins.reduce((a, b) => a + b.count, 0);
          return inBars + v.below + v.above === xs.length && v.bins.length <= bars;
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it("empty view", () => {
    expect(new FixedHistogram().view()).toEqual({ bins: [], below: 0, above: 0, total: 0 });
  });
});
