import { describe, expect, it } from "vitest";
import { BrierCalibration } from "./calibration.js";
import { normalDraw } from "./fixtures/markout-market.js";
import { SeededRandom } from "./prng.js";
import { studentTQuantile } from "./stats.js";
import { TimeBlockMean } from "./time-block-mean.js";

describe("TimeBlockMean", () => {
  it("hand example: three blocks", () => {
    // blocks of 60 s: [1, 3] (S 4, n 2), [2] (S 2, n 1), [6, 2, 4] (S 12, n 3); x̄ = 18/6 = 3;
    // Σ(S − x̄n)² = 4 + 1 + 9 = 14; Var = 3/2 · 14/36; CI = 3 ± t_{2,0.975}·√Var
    const tb = new TimeBlockMean(60_000);
    for (const [t, x] of [
      [0, 1],
      [59_999, 3],
      [60_000, 2],
      [130_000, 6],
      [150_000, 2],
      [179_000, 4],
    ] as const)
      tb.push(t, x);
    const ci = tb.ci()!;
    const se = Math.sqrt((1.5 * 14) / 36);
    expect(ci.blocks).toBe(3);
    expect(ci.se).toBeCloseTo(se, 12);
    expect(ci.lo).toBeCloseTo(3 - studentTQuantile(0.975, 2) * se, 10);
    expect(ci.hi).toBeCloseTo(3 + studentTQuantile(0.975, 2) * se, 10);
    // clipped to a range the values live in: the unclipped lower end is 3 − 4.30·0.764 = −0.29
    expect(ci.lo).toBeLessThan(0);
    const clipped = tb.ci(0.95, { min: 0, max: 5 })!;
    expect(clipped.lo).toBe(0);
    expect(clipped.hi).toBe(5);
    expect(clipped.se).toBe(ci.se);
  });

  it("covers the mean ~95 % of the time when values share 30 s shocks (the i.i.d. CI does not)", () => {
    const rng = new SeededRandom(4);
    const runs = 400;
    let blockCover = 0;
    let iidCover = 0;
    for (let run = 0; run < runs; run++) {
      const tb = new TimeBlockMean(120_000);
      const xs: number[] = [];
      const phase = rng.next() * 30_000;
      let shock = 0;
      let lastEpoch = -1;
      for (let t = 0; t < 3_600_000; t += 1000) {
        const epoch = Math.floor((t + phase) / 30_000);
        if (epoch !== lastEpoch) {
          shock = normalDraw(rng);
          lastEpoch = epoch;
        }
        const x = shock + 0.5 * normalDraw(rng); // true mean 0
        xs.push(x);
        tb.push(t, x);
      }
      const ci = tb.ci()!;
      if (ci.lo <= 0 && 0 <= ci.hi) blockCover++;
      const m = xs.reduce((a, x) => a + x, 0) / xs.length;
      const s = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) / xs.length);
      if (Math.abs(m) <= 1.96 * s) iidCover++;
    }
    expect(blockCover / runs).toBeGreaterThan(0.9);
    expect(blockCover / runs).toBeLessThan(0.99);
    expect(iidCover / runs).toBeLessThan(0.5);
  });

  it("checkpoints; counts values that arrive after their block closed", () => {
    const a = new TimeBlockMean(1000);
    for (let i = 0; i < 50; i++) a.push(i * 300, Math.sin(i));
    a.push(100, 1); // block 0 closed long ago
    expect(a.lateCount()).toBe(1);
    const b = new TimeBlockMean(1000);
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    a.push(20_000, 2);
    b.push(20_000, 2);
    expect(b.ci()).toEqual(a.ci());
    expect(() => new TimeBlockMean(500).setState(a.getState())).toThrow(/blockMs/);
  });
});

describe("BrierCalibration block CI", () => {
  it("is given when every forecast has its time, survives a checkpoint, and is absent otherwise", () => {
    const cal = new BrierCalibration({ blockMs: 60_000 });
    const rng = new SeededRandom(9);
    for (let i = 0; i < 600; i++) {
      const p = rng.next();
      cal.update(p, rng.next() < p, i * 1000);
    }
    const rep = cal.report()!;
    expect(rep.brierBlockCi!.blocks).toBe(10);
    expect(rep.brierBlockCi!.lo).toBeLessThan(rep.brier);
    expect(rep.brierBlockCi!.hi).toBeGreaterThan(rep.brier);
    const restored = BrierCalibration.fromState(JSON.parse(JSON.stringify(cal.getState())));
    expect(restored.report()!.brierBlockCi).toEqual(rep.brierBlockCi);
    cal.update(0.5, true); // no time: the block CI no longer covers every forecast
    expect(cal.report()!.brierBlockCi).toBeNull();
    expect(new BrierCalibration().report()).toBeNull();
  });

  it("stays inside [0, 1] with two blocks (t with 1 df is 12.7)", () => {
    const cal = new BrierCalibration({ blockMs: 60_000 });
    for (const [p, o, t] of [
      [0.9, true, 0],
      [0.8, false, 1000],
      [0.1, false, 61_000],
      [0.5, true, 62_000],
    ] as const)
      cal.update(p, o, t);
    const ci = cal.report()!.brierBlockCi!;
    expect(ci.blocks).toBe(2);
    expect(ci.lo).toBe(0);
    expect(ci.hi).toBeLessThanOrEqual(1);
  });
});

describe("TimeBlockMean without spread between blocks (mutation audit)", () => {
  it("no CI when every block has the same mean (zero variance: no interval of width 0)", () => {
    const m = new TimeBlockMean(1000);
    m.push(0, 1);
    m.push(500, 3); // block 0: mean 2
    m.push(1000, 2); // block 1: mean 2
    expect(m.ci()).toBeNull();
    m.push(2000, 5); // block 2 differs: now a CI
    expect(m.ci()).not.toBeNull();
  });
});
