import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bootstrapMeanCi, quantileSorted } from "./bootstrap.js";
import { addPredictionOutcome, BrierCalibration } from "./calibration.js";
import { SeededRandom } from "./prng.js";

describe("BrierCalibration", () => {
  it("hand example: Murphy decomposition, log loss, skill", () => {
    // f=0.25 with outcomes 1,0; f=0.75 with outcomes 1,1 (bin-constant forecasts)
    // BS = (0.75² + 0.25² + 0.25² + 0.25²)/4 = 0.75/4 = 0.1875; ō = 0.75 → UNC = 0.1875
    // bin 2: f̄ .25, ō .5 → REL 2·.0625, RES 2·.0625; bin 7: f̄ .75, ō 1 → REL 2·.0625, RES 2·.0625
    // REL = RES = 0.25/4 = 0.0625 → REL − RES + UNC = 0.1875 = BS; BSS = 1 − .1875/.1875 = 0
    // log loss = (−ln .25 − ln .75 − 2 ln .75)/4 = (1.3862944 + 3·0.2876821)/4 = 0.5623351
    const c = new BrierCalibration({ minBinCount: 2 });
    c.update(0.25, 1);
    c.update(0.25, 0);
    c.update(0.75, true);
    c.update(0.75, true);
    const r = c.report()!;
    expect(r.brier).toBeCloseTo(0.1875, 12);
    expect(r.uncertainty).toBeCloseTo(0.1875, 12);
    expect(r.reliability).toBeCloseTo(0.0625, 12);
    expect(r.resolution).toBeCloseTo(0.0625, 12);
    expect(r.withinBinVariance).toBeCloseTo(0, 12);
    expect(r.withinBinCovariance).toBeCloseTo(0, 12);
    expect(r.brierSkill).toBeCloseTo(0, 12);
    expect(r.logLoss).toBeCloseTo(0.5623351, 6);
    const b2 = r.table[2]!;
    expect(b2).toMatchObject({ n: 2, meanForecast: 0.25, observedFreq: 0.5, lowCount: false });
    expect(r.table[0]!.lowCount).toBe(true);
    expect(r.table[0]!.observedFreq).toBeNull();
  });

  it("prediction records: censored horizons are skipped, not counted as misses", () => {
    const c = new BrierCalibration();
    const rec = {
      ...{ schema_version: 1, ts_ms: 0, timestamp_ns: 0, cycle_id: 1, level: 0, side: "buy" as const },
      ...{ price: 100, size: 1, depth_from_mid_bps: 1, fill_model: "m", censored: true },
      horizons: [
        { horizon_ms: 1000, p_fill: 0.4, filled: true, censored: false },
        { horizon_ms: 10_000, p_fill: 0.8, filled: null, censored: true },
      ],
    };
    expect(addPredictionOutcome(c, rec, 1000)).toBe(true);
    expect(addPredictionOutcome(c, rec, 10_000)).toBe(false);
    expect(addPredictionOutcome(c, rec, 5)).toBe(false);
    expect(c.report()!.brier).toBeCloseTo(0.36, 12); // (0.4 − 1)²
  });

  it("an empty tracker reports nothing (null), never a perfect 0", () => {
    expect(new BrierCalibration().report()).toBeNull();
  });

  it("BS = REL − RES + UNC exactly for bin-constant forecasts, and with WBV − WBC in general (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.boolean()), { minLength: 1, maxLength: 300 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), {
          minLength: 1,
          maxLength: 300,
        }),
        (binned, free) => {
          const c = new BrierCalibration();
          for (const [k, o] of binned) c.update((k + 0.5) / 10, o);
          const r = c.report()!;
          expect(r.brier).toBeCloseTo(r.reliability - r.resolution + r.uncertainty, 12);
          const g = new BrierCalibration();
          let bs = 0;
          for (const [f, o] of free) {
            g.update(f, o);
            bs += (f - (o ? 1 : 0)) ** 2;
          }
          const q = g.report()!;
          expect(q.brier).toBeCloseTo(bs / free.length, 12);
          expect(q.brier).toBeCloseTo(
            q.reliability - q.resolution + q.uncertainty + q.withinBinVariance - q.withinBinCovariance,
            10,
          );
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it("rejects a forecast outside [0, 1]", () => {
    expect(() => new BrierCalibration().update(1.2, 1)).toThrow(/forecast/);
  });

  it("bootstrap CI covers the true Brier ~95% of the time (simulated, seeded)", () => {
    // f ~ U(0,1), o ~ Bernoulli(f) → E[(f − o)²] = E[f(1 − f)] = 1/2 − 1/3 = 1/6
    const rng = new SeededRandom(2024);
    const reps = 200;
    let covered = 0;
    for (let rep = 0; rep < reps; rep++) {
      const c = new BrierCalibration({ seed: rep + 1 });
      for (let i = 0; i < 200; i++) {
        const f = rng.next();
        c.update(f, rng.next() < f ? 1 : 0);
      }
      const ci = c.report({ nBoot: 400, seed: rep + 1 })!.brierCi!;
      if (ci.lo <= 1 / 6 && 1 / 6 <= ci.hi) covered++;
    }
    const coverage = covered / reps;
    console.log(
      `bootstrap 95% CI coverage over ${reps} simulated data sets: ${(coverage * 100).toFixed(1)}%`,
    );
    expect(coverage).toBeGreaterThan(0.9);
    expect(coverage).toBeLessThan(0.99);
  });

  it("bootstrap CI = np.percentile of the same seeded resampled means (type-7 interpolation)", () => {
    // Python: mulberry32(5) replica drawing x[floor(u·n)], 200 resamples of the mean, then
    //   np.percentile(means, [2.5, 97.5]) = [0.17142857142857146, 0.6289285714285716]
    // (the old nearest-rank rounding gave hi = 0.6285714285714287)
    const ci = bootstrapMeanCi([0.1, 0.5, 0.2, 0.9, 0.3, 0.05, 0.7], { nBoot: 200, seed: 5 })!;
    expect(ci.lo).toBeCloseTo(0.17142857142857146, 14);
    expect(ci.hi).toBeCloseTo(0.6289285714285716, 14);
    expect(quantileSorted([1, 2, 3, 10], 0.3)).toBeCloseTo(1.9, 14); // np.quantile([3,1,2,10], .3)
  });

  it("bootstrapMeanCi is deterministic per seed and null on < 2 values", () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(bootstrapMeanCi(xs, { seed: 5 })).toEqual(bootstrapMeanCi(xs, { seed: 5 }));
    expect(bootstrapMeanCi([1])).toBeNull();
  });
});

describe("bootstrapMeanCi input checks", () => {
  it("throws naming a non-finite value (it returned {lo: 1, hi: NaN})", () => {
    expect(() => bootstrapMeanCi([1, Number.NaN, 2])).toThrow(
      "bootstrapMeanCi: values[1] must be finite, got NaN",
    );
    expect(() => bootstrapMeanCi(new Float64Array([1, 2, Number.POSITIVE_INFINITY]))).toThrow(/values\[2\]/);
  });
});

describe("BrierCalibration.update outcome checks", () => {
  it("skips a censored (null) outcome instead of counting it as 0", () => {
    const c = new BrierCalibration();
    c.update(0.3, null);
    expect(c.count()).toBe(0);
    c.update(0.3, 1);
    c.update(0.3, null);
    expect(c.count()).toBe(1);
  });

  it.each([2, "yes", undefined, Number.NaN])(
    "rejects outcome %j (it counted as 0) with nothing counted",
    (bad) => {
      const c = new BrierCalibration();
      expect(() => c.update(0.3, bad as unknown as 0)).toThrow(
        /BrierCalibration\.update: outcome must be true, false, 1, 0 or null \(censored\), got /,
      );
      expect(c.count()).toBe(0);
    },
  );

  it("rejects a NaN tsMs before counting (the block CI threw after the bins were updated)", () => {
    const c = new BrierCalibration({ blockMs: 60_000 });
    expect(() => c.update(0.3, 1, Number.NaN)).toThrow(
      "BrierCalibration.update: tsMs must be finite when given, got NaN",
    );
    expect(c.count()).toBe(0);
    expect(JSON.stringify(c.getState())).toBe(
      JSON.stringify(new BrierCalibration({ blockMs: 60_000 }).getState()),
    );
  });
});

describe("BrierCalibration edges (mutation audit)", () => {
  it("log loss clips certain forecasts to [ε, 1 − ε] (a miss at 0 or 1 costs −ln ε, not ∞); 1 is a valid forecast", () => {
    const c = new BrierCalibration(); // ε = 1e-6
    c.update(0, true);
    c.update(1, false);
    const r = c.report()!;
    expect(r.logLoss).toBeCloseTo(-Math.log(1e-6), 9); // 13.8155…, each of the two
    expect(r.brier).toBe(1);
    const sure = new BrierCalibration({ bins: 10 });
    expect(() => sure.update(1, true)).not.toThrow();
    expect(sure.binOf(1)).toBe(9);
    expect(sure.report()!.brier).toBe(0);
  });

  it("the bootstrap reservoir keeps sampling after it is full (not only the first forecasts)", () => {
    // 10 perfect forecasts fill a reservoir of 10; then 2 000 forecasts each off by 1. A uniform sample
    // of the 2 010 squared errors is ~99.5 % ones: the bootstrap CI must lie near 1, not at 0.
    const c = new BrierCalibration({ reservoirSize: 10, seed: 5 });
    for (let i = 0; i < 10; i++) c.update(1, true);
    for (let i = 0; i < 2000; i++) c.update(0, true);
    const ci = c.report({ nBoot: 200, seed: 1 })!.brierCi!;
    expect(ci.hi).toBeGreaterThan(0.5);
  });
});
