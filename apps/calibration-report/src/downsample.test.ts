import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MinMaxDownsampler } from "./downsample.js";

describe("MinMaxDownsampler", () => {
  it("keeps everything while under the cap", () => {
    const d = new MinMaxDownsampler(10);
    for (let i = 0; i < 5; i++) d.push(i * 1000, i);
    expect(d.result().map((p) => p.value)).toEqual([0, 1, 2, 3, 4]);
  });

  it("halves by merging pairs: 10 samples into a cap of 4", () => {
    // values 0..9; cap 4: after 4 points -> merged to 2 (stride 2): [0,1],[2,3]; then [4,5] -> 3 points,
    // [6,7] -> 4 points -> merged to 2 (stride 4): [0..3],[4..7]; then 8,9 pending (2 of 4).
    const d = new MinMaxDownsampler(4);
    for (let i = 0; i < 10; i++) d.push(i, i);
    const r = d.result();
    expect(r).toEqual([
      { tsMs: 0, value: 3, min: 0, max: 3 },
      { tsMs: 4, value: 7, min: 4, max: 7 },
      { tsMs: 8, value: 9, min: 8, max: 9 },
    ]);
    expect(d.count).toBe(10);
  });

  it("property: bounded size, global extremes and last value preserved", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 3000 }),
        fc.integer({ min: 4, max: 64 }),
        (xs, cap) => {
          const d = new MinMaxDownsampler(cap);
          for (let i = 0; i < xs.length; i++) d.push(i, xs[i]!);
          const r = d.result();
          return (
            r.length <= cap &&
            Math.min(...r.map((p) => p.min)) === Math.min(...xs) &&
            Math.max(...r.map((p) => p.max)) === Math.max(...xs) &&
            r[r.length - 1]!.value === xs[xs.length - 1] &&
            r[0]!.tsMs === 0
          );
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it("rejects a silly cap", () => {
    expect(() => new MinMaxDownsampler(2)).toThrow(/maxPoints/);
  });
});
