import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalDraw } from "./fixtures/markout-market.js";
import { SeededRandom } from "./prng.js";
import { windowRecord } from "./sharpe-window.js";
import {
  autocorrelations,
  confidenceInterval,
  longRunVarianceFactor,
  loEta,
  momentsOf,
  normalCdf,
  oneSampleTTest,
  probabilisticSharpe,
  RunningMoments,
  RunningRegression,
  sharpeStdError,
  studentTCdf,
  tTestFromSe,
  welchTTest,
} from "./stats.js";

/** Closed-form Student t CDF for ν = 4: F(t) = 1/2 + (3/8)·x·(1 − x²/12) with x = t/√(1 + t²/4). */
function tCdf4(t: number): number {
  const x = t / Math.sqrt(1 + (t * t) / 4);
  return 0.5 + (3 / 8) * x * (1 - (x * x) / 12);
}

/** Closed-form Student t CDF for ν = 2: F(t) = 1/2 + t / (2√(2 + t²)). */
function tCdf2(t: number): number {
  return 0.5 + t / (2 * Math.sqrt(2 + t * t));
}

/** Two-sided p-value by Simpson integration of the (unnormalized) t density, any real df. */
function tTwoSidedNumeric(t: number, df: number): number {
  const f = (x: number): number => (1 + (x * x) / df) ** (-(df + 1) / 2);
  const simpson = (a: number, b: number, n: number): number => {
    const h = (b - a) / n;
    let s = f(a) + f(b);
    for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
    return (s * h) / 3;
  };
  const upper = 5000;
  const total = simpson(0, upper, 2_000_000);
  const tail = total - simpson(0, Math.abs(t), 20_000);
  return tail / total;
}

describe("RunningMoments", () => {
  it("matches hand-computed mean, std, skew, raw kurtosis of [1,2,3,4,5]", () => {
    // mean = 3; deviations −2,−1,0,1,2; Σd² = 10 → var(n−1) = 2.5, std = 1.5811388
    // population m2 = 2, m4 = (16+1+0+1+16)/5 = 6.8 → raw kurtosis = 6.8/4 = 1.7; symmetric → skew 0
    const m = momentsOf([1, 2, 3, 4, 5]);
    expect(m.mean()).toBeCloseTo(3, 12);
    expect(m.variance()).toBeCloseTo(2.5, 12);
    expect(m.std()).toBeCloseTo(1.5811388300841898, 12);
    expect(m.skew()).toBeCloseTo(0, 12);
    expect(m.kurtosisRaw()).toBeCloseTo(1.7, 12);
  });

  it("matches hand-computed skew/kurtosis of [0,0,0,1]", () => {
    // mean .25; m2 = (3·.0625 + .5625)/4 = .1875; m3 = (3·(−.015625) + .421875)/4 = .09375
    // skew = .09375 / .1875^1.5 = 2/√3 = 1.1547005; m4 = (3·.00390625 + .31640625)/4 = .08203125
    // raw kurtosis = .08203125 / .1875² = 2.3333333
    const m = momentsOf([0, 0, 0, 1]);
    expect(m.skew()).toBeCloseTo(2 / Math.sqrt(3), 12);
    expect(m.kurtosisRaw()).toBeCloseTo(7 / 3, 12);
  });

  it("returns null, not 0, when there is too little data", () => {
    const m = new RunningMoments();
    expect(m.mean()).toBeNull();
    m.push(1);
    expect(m.std()).toBeNull();
    expect(m.skew()).toBeNull();
  });

  it("agrees with two-pass formulas on random data (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 5, maxLength: 60 }),
        (xs) => {
          const n = xs.length;
          const mean = xs.reduce((a, b) => a + b, 0) / n;
          const m2 = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / n;
          const m3 = xs.reduce((a, x) => a + (x - mean) ** 3, 0) / n;
          const m4 = xs.reduce((a, x) => a + (x - mean) ** 4, 0) / n;
          const m = momentsOf(xs);
          expect(m.mean()!).toBeCloseTo(mean, 6);
          expect(m.variance()!).toBeCloseTo((m2 * n) / (n - 1), 4);
          if (m2 > 1e-6) {
            expect(m.skew()!).toBeCloseTo(m3 / m2 ** 1.5, 5);
            expect(m.kurtosisRaw()!).toBeCloseTo(m4 / (m2 * m2), 5);
          }
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe("t-tests", () => {
  it("jstat Student t CDF equals closed forms for ν = 2 and ν = 4", () => {
    for (const t of [-3, -1, 0, 0.5, 1.5, 2.776445, 4]) {
      expect(studentTCdf(t, 4)).toBeCloseTo(tCdf4(t), 10);
      expect(studentTCdf(t, 2)).toBeCloseTo(tCdf2(t), 10);
    }
  });

  it("one-sample: [1,2,3,4,5] vs μ0 = 2", () => {
    // se = 1.5811388/√5 = 0.7071068; t = (3 − 2)/0.7071068 = √2 = 1.4142136; df = 4
    // two-sided p = 2·(1 − F4(√2)) with the closed-form F4 above
    const r = oneSampleTTest(5, 3, Math.sqrt(2.5), 2)!;
    expect(r.t).toBeCloseTo(Math.SQRT2, 12);
    expect(r.df).toBe(4);
    expect(r.p).toBeCloseTo(2 * (1 - tCdf4(Math.SQRT2)), 10);
    expect(r.p).toBeCloseTo(0.2302, 3);
    // 95% CI = 3 ± t_{.975,4}·se = 3 ± 2.776445·0.7071068
    expect(r.ci95[0]).toBeCloseTo(3 - 2.776445 * Math.SQRT1_2, 5);
    expect(r.ci95[1]).toBeCloseTo(3 + 2.776445 * Math.SQRT1_2, 5);
    const g = oneSampleTTest(5, 3, Math.sqrt(2.5), 2, "greater")!;
    expect(g.p).toBeCloseTo(1 - tCdf4(Math.SQRT2), 10);
  });

  it("Welch: a=[1..5], b=[2,4,6,8]", () => {
    // a: mean 3, var 2.5, n 5; b: mean 5, var 20/3, n 4
    // se² = 2.5/5 + (20/3)/4 = 0.5 + 1.6666667 = 2.1666667; t = −2/√2.1666667 = −1.3587324
    // df = 2.1666667² / (0.5²/4 + 1.6666667²/3) = 4.6944444 / 0.9884259 = 4.7494145
    const r = welchTTest(5, 3, 2.5, 4, 5, 20 / 3)!;
    expect(r.t).toBeCloseTo(-1.3587324, 6);
    expect(r.df).toBeCloseTo(4.7494145, 6);
    expect(r.p).toBeCloseTo(tTwoSidedNumeric(r.t, r.df), 5);
  });

  it("refuses degenerate input", () => {
    expect(oneSampleTTest(1, 3, 1)).toBeNull();
    expect(oneSampleTTest(10, 3, 0)).toBeNull();
    expect(welchTTest(1, 0, 1, 5, 0, 1)).toBeNull();
  });
});

describe("confidenceInterval", () => {
  it("is estimate ± t quantile · se (scipy t.ppf), and its 95% is the test's ci95", () => {
    const t = oneSampleTTest(31, 2, 3)!; // se = 3/√31, df 30
    const se = 3 / Math.sqrt(31);
    const [lo, hi] = confidenceInterval(t, 0.9);
    expect(lo).toBeCloseTo(2 - 1.697260886593957 * se, 10); // t.ppf(0.95, 30)
    expect(hi).toBeCloseTo(2 + 1.697260886593957 * se, 10);
    expect(confidenceInterval(t, 0.95)[0]).toBeCloseTo(t.ci95[0], 10);
    expect(confidenceInterval(t, 0.95)[1]).toBeCloseTo(t.ci95[1], 10);
    expect(() => confidenceInterval(t, 1)).toThrow("level must be in (0,1), got 1");
    expect(() => confidenceInterval(t, Number.NaN)).toThrow("level must be in (0,1)");
  });
});

describe("Lo (2002) η(q)", () => {
  it("hand example q=4, ρ1=0.2, ρ2=0.1, ρ3=0", () => {
    // η = 4/√(4 + 2·(3·0.2 + 2·0.1 + 1·0)) = 4/√5.6 = 1.6903085
    expect(loEta(4, [0.2, 0.1, 0])).toBeCloseTo(4 / Math.sqrt(5.6), 12);
    expect(loEta(4, [0.2, 0.1, 0])).toBeCloseTo(1.6903085, 7);
  });

  it("iid (all ρ = 0) gives √q", () => {
    expect(loEta(525_600, [0, 0, 0])).toBeCloseTo(Math.sqrt(525_600), 9);
  });

  it("null when the variance radicand is not positive", () => {
    // q = 4, ρ1 = −0.7: radicand = 4 + 2·(3·(−0.7)) = 4 − 4.2 = −0.2 < 0 → no η (null, not a number)
    expect(loEta(4, [-0.7])).toBeNull();
  });

  it("autocorrelations match hand values", () => {
    // x = [0,1,−1,2]: mean .5, d = [−.5,.5,−1.5,1.5], c0 = 5, c1 = −.25 −.75 −2.25 = −3.25 → ρ1 = −0.65
    expect(autocorrelations([0, 1, -1, 2], 1)[0]).toBeCloseTo(-0.65, 12);
  });
});

describe("Sharpe SE and PSR", () => {
  it("PSR hand-worked: SR=0.1, n=101, skew=−0.5, raw kurtosis=4", () => {
    // V = 1 − (−0.5)(0.1) + (4−1)/4·0.01 = 1.0575; z = 0.1·√100/√1.0575 = 0.9724333
    // Φ(0.9724) ≈ 0.83458 (table: Φ(0.97)=0.83398, Φ(0.98)=0.83646, linear interpolation)
    const psr = probabilisticSharpe(0.1, 101, -0.5, 4)!;
    expect(psr).toBeCloseTo(normalCdf(1 / Math.sqrt(1.0575)), 12);
    expect(psr).toBeCloseTo(0.83458, 3);
  });

  it("uses RAW kurtosis: normal returns (γ4 = 3) give V = 1 + SR²/2", () => {
    // the quantstats trap would treat 3 as excess and get V = 1 + SR²·(3−1+... ) ≠ 1 + SR²/2
    const se = sharpeStdError(0.2, 100, 0, 3)!;
    expect(se).toBeCloseTo(Math.sqrt((1 + 0.02) / 100), 12);
  });

  it("null on degenerate variance factor", () => {
    expect(probabilisticSharpe(2, 10, 3, 1)).toBeNull(); // V = 1 − 6 + 0 < 0
  });

  it("long-run variance factor: hand example and the i.i.d. limit", () => {
    // L = 2, ρ = [0.5, 0.25]: f = 1 + 2·((2/3)·0.5 + (1/3)·0.25) = 1 + 2·(5/12) = 11/6
    expect(longRunVarianceFactor([0.5, 0.25])).toBeCloseTo(11 / 6, 12);
    expect(longRunVarianceFactor([0, 0, 0])).toBe(1);
    expect(longRunVarianceFactor([])).toBeNull();
    expect(longRunVarianceFactor([-0.9])).toBeCloseTo(0.1, 12); // 1 + 2·(1/2)·(−0.9)
    expect(longRunVarianceFactor([-0.9, -0.9])).toBeNull(); // 1 + 2·(−0.9) < 0
  });

  it("on AR(1) returns the HAC (Lo GMM) SE covers the true Sharpe; the i.i.d. SE does not", () => {
    // r_t = μ + φ(r_{t−1} − μ) + e_t, φ = 0.5: Var(mean) is (1+φ)/(1−φ) = 3× the i.i.d. one.
    const rng = new SeededRandom(17);
    const phi = 0.5;
    const sdE = 1;
    const sdR = sdE / Math.sqrt(1 - phi * phi);
    const mu = 0.1 * sdR; // true per-period Sharpe 0.1
    let iid = 0;
    let hac = 0;
    const runs = 300;
    for (let run = 0; run < runs; run++) {
      const xs: number[] = [];
      let x = mu + sdR * normalDraw(rng);
      for (let t = 0; t < 800; t++) {
        x = mu + phi * (x - mu) + sdE * normalDraw(rng);
        xs.push(x);
      }
      const rec = windowRecord(
        "w",
        null,
        {
          returns: xs,
          rhos: autocorrelations(xs, 10),
          moments: momentsOf(xs),
          maxDrawdownAbs: null,
          maxDrawdownFrac: null,
        },
        1,
      );
      const err = Math.abs(rec.sharpe_per_period! - 0.1);
      if (err <= 1.96 * rec.sharpe_se_annualized!) iid++;
      if (err <= 1.96 * rec.sharpe_se_hac_annualized!) hac++;
      // more variance, less certainty: the PSR moves toward 1/2
      expect(Math.abs(rec.psr_hac! - 0.5)).toBeLessThanOrEqual(Math.abs(rec.psr! - 0.5) + 1e-12);
    }
    // measured 0.73 and 0.94 (Lo's GMM SE; the first-order one it replaced also gave 0.94: at a
    // per-period SR of 0.1 the SR² terms where they differ are negligible)
    expect(iid / runs).toBeLessThan(0.82);
    expect(hac / runs).toBeGreaterThanOrEqual(0.92);
  });
});

describe("RunningRegression", () => {
  it("recovers an exact line and a hand example", () => {
    const r = new RunningRegression();
    for (let x = 0; x < 10; x++) r.push(x, 2 * x + 1);
    expect(r.slope()!.slope).toBeCloseTo(2, 12);
    expect(r.slope()!.se).toBeCloseTo(0, 9);
    // (0,0),(1,1),(2,1): x̄=1, ȳ=2/3, Sxy = (−1)(−2/3)+0+(1)(1/3) = 1, Sxx = 2 → b = 0.5
    const h = new RunningRegression();
    h.push(0, 0);
    h.push(1, 1);
    h.push(2, 1);
    expect(h.slope()!.slope).toBeCloseTo(0.5, 12);
  });
});

describe("non-finite and malformed inputs", () => {
  it("RunningMoments.push and momentsOf reject NaN/±Infinity instead of poisoning every moment", () => {
    const m = new RunningMoments();
    m.push(1);
    expect(() => m.push(Number.POSITIVE_INFINITY)).toThrow(
      "RunningMoments.push: x must be finite, got Infinity",
    );
    expect(() => m.push(Number.NaN)).toThrow(/got NaN/);
    m.push(2);
    expect([m.n, m.mean(), m.variance()]).toEqual([2, 1.5, 0.5]);
    expect(() => momentsOf([Number.NaN, 1, 2])).toThrow("momentsOf: xs[0] must be finite, got NaN");
  });

  it("welchTTest returns null for input that is not a testable summary, like oneSampleTTest", () => {
    for (const args of [
      [10, Number.NaN, 1, 10, 0, 1], // was all NaN
      [10, 1, Number.POSITIVE_INFINITY, 10, 0, 1], // was NaN
      [Number.POSITIVE_INFINITY, 1, 1, 10, 0, 1], // gave a p-value
      [2.5, 1, 1, 10, 0, 1], // was accepted
      [10, 1, -1, 10, 0, 1],
      [10, 1, 1, 10, 0, Number.NaN],
    ] as [number, number, number, number, number, number][]) {
      expect(welchTTest(...args)).toBeNull();
    }
    expect(oneSampleTTest(10, Number.NaN, 1)).toBeNull();
    expect(oneSampleTTest(Number.POSITIVE_INFINITY, 1, 1)).toBeNull();
    expect(oneSampleTTest(2.5, 1, 1)).toBeNull();
    expect(oneSampleTTest(10, 1, Number.POSITIVE_INFINITY)).toBeNull();
    expect(welchTTest(10, 1, 1, 10, 0, 1)).not.toBeNull();
  });

  it("a zero standard error is no test (null), not t = ±∞ with p = 0", () => {
    // se = 0: t = (1 − 0)/0 = +∞ would give p = 0 — a certainty from no variance estimate
    expect(tTestFromSe(1, 0, 10, 0, "greater")).toBeNull();
    expect(tTestFromSe(1, 0, 10)).toBeNull();
    expect(tTestFromSe(-1, 0, 10, 0, "less")).toBeNull();
    expect(tTestFromSe(1, -0.5, 10)).toBeNull();
    expect(tTestFromSe(1, 0.5, 0)).toBeNull(); // df 0
    // the same with se > 0 is a test: t = 1/0.5 = 2
    expect(tTestFromSe(1, 0.5, 10)!.t).toBe(2);
    // Welch with both variances 0: se² = 0/5 + 0/4 = 0, no test
    expect(welchTTest(5, 3, 0, 4, 5, 0)).toBeNull();
    expect(welchTTest(5, 3, 0, 4, 5, 0, "less")).toBeNull();
    expect(welchTTest(5, 3, 0, 4, 3, 0)).toBeNull(); // equal means too (would be 0/0)
    // one variance 0 is still a test: se² = 0 + 4/4 = 1, t = (3 − 5)/1 = −2, df = 1²/(1²/3) = 3
    const one = welchTTest(5, 3, 0, 4, 5, 4)!;
    expect(one.t).toBe(-2);
    expect(one.df).toBeCloseTo(3, 12);
  });

  it("autocorrelations rejects a non-finite entry or a bad maxLag (it returned [0] for [1, NaN, 3, 4])", () => {
    expect(() => autocorrelations([1, Number.NaN, 3, 4], 1)).toThrow(
      "autocorrelations: xs[1] must be finite, got NaN",
    );
    expect(() => autocorrelations([1, 2, 3], Number.NaN)).toThrow("maxLag must be an integer >= 0, got NaN");
    expect(() => autocorrelations([1, 2, 3], -1)).toThrow(/maxLag must be an integer >= 0/);
    expect(autocorrelations([1, 1, 1, 1], 2)).toEqual([0, 0]);
    expect(autocorrelations([1, 2, 3], 10)).toHaveLength(2);
  });

  it("Sharpe helpers throw on non-finite input and keep null for V ≤ 0 or n < 2", () => {
    expect(() => sharpeStdError(0.1, Number.NaN, 0, 3)).toThrow("sharpeStdError: n must be finite, got NaN");
    expect(() => sharpeStdError(Number.NaN, 100, 0, 3)).toThrow("sharpeStdError: srPerPeriod must be finite");
    expect(() => sharpeStdError(0.1, Number.POSITIVE_INFINITY, 0, 3)).toThrow(
      /n must be finite, got Infinity/,
    );
    expect(sharpeStdError(0.1, 1, 0, 3)).toBeNull();
    expect(sharpeStdError(2, 100, 5, 1)).toBeNull(); // V = 1 − 10 + 0 < 0
    expect(() => probabilisticSharpe(0.1, 100, Number.NaN, 3)).toThrow(
      "probabilisticSharpe: skew must be finite",
    );
    expect(() => probabilisticSharpe(0.1, 100, 0, 3, 0, Number.NaN)).toThrow(
      /varianceMultiplier must be finite/,
    );
    expect(() => loEta(10, [Number.NaN])).toThrow("loEta: rhos[0] must be finite, got NaN");
    expect(() => loEta(Number.POSITIVE_INFINITY, [0.1])).toThrow(/q must be finite and >= 1/);
    expect(() => longRunVarianceFactor([Number.NaN])).toThrow(
      "longRunVarianceFactor: rhos[0] must be finite",
    );
  });
});
