/**
 * Distribution functions pinned to independent references (scipy 1.17 `scipy.stats.t` / `norm`,
 * cross-checked with mpmath at 30–40 digits: `mp.betainc(df/2, 1/2, 0, df/(df+t²), regularized=True)/2`
 * for the t tail, `mp.ncdf(z)` for Φ). jstat, used before, missed these by 2e−9…100% relative.
 */
import { describe, expect, it } from "vitest";
import {
  incompleteBetaRegularized,
  logBeta,
  normalCdf,
  studentTCdf,
  studentTQuantile,
  studentTSf,
} from "./distributions.js";
import { oneSampleTTest, welchTTest } from "./stats.js";

/** |a − b| ≤ rel·|b| (b ≠ 0). */
function expectRel(a: number, b: number, rel = 1e-12): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.abs(b));
}

describe("Student t CDF / survival / quantile (vs scipy.stats.t)", () => {
  it("cdf", () => {
    expect(studentTCdf(0, 7)).toBe(0.5); // jstat: 0.49999999703
    expectRel(studentTCdf(-1, 7), 0.1753083314101037); // t.cdf(-1, 7); jstat 0.17530833180
    expectRel(studentTCdf(0.3, 1.7), 0.601598540801275); // t.cdf(0.3, 1.7); jstat 0.60159854901
    // t.cdf(-2.5, 1e8) = 0.006209666120027275 (mpmath 0.0062096661200272706…): large df, x ≈ 1
    expectRel(studentTCdf(-2.5, 1e8), 0.006209666120027275);
  });

  it("upper tail keeps its digits (was 1 − cdf = 0)", () => {
    expectRel(studentTSf(16, 2445), 3.53831167819431e-55); // t.sf(16, 2445)
    expectRel(studentTSf(8, 30), 3.1329112378503795e-9); // t.sf(8, 30)
    expect(studentTSf(-3, 5) + studentTCdf(-3, 5)).toBeCloseTo(1, 15);
  });

  it("quantile", () => {
    expectRel(studentTQuantile(0.975, 2445), 1.960934710942553); // t.ppf(.975, 2445); jstat 1.96093465969
    expectRel(studentTQuantile(0.975, 30), 2.0422724563012378); // t.ppf(.975, 30); jstat 2.04227242115
    expectRel(studentTQuantile(0.975, 4), 2.7764451051977934); // t.ppf(.975, 4)
    expectRel(studentTQuantile(0.975, 1e8), 1.9599640082627663); // t.ppf(.975, 1e8)
    expectRel(studentTQuantile(0.025, 30), -2.0422724563012378);
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(studentTQuantile(0, 3)).toBe(Number.NEGATIVE_INFINITY);
    expect(Number.isNaN(studentTQuantile(1.5, 3))).toBe(true);
  });
});

describe("normal CDF (vs scipy.stats.norm.cdf)", () => {
  it("is accurate in the far lower tail (jstat: 0 and 2% off)", () => {
    expectRel(normalCdf(-10), 7.61985302416047e-24);
    expectRel(normalCdf(-8), 6.22096057427174e-16);
    expectRel(normalCdf(-3), 0.0013498980316300933);
    expectRel(normalCdf(2.5), 0.9937903346742238);
    expect(normalCdf(0)).toBe(0.5);
  });
});

describe("incomplete beta / log beta", () => {
  it("log B(5e5, 1/2) without cancellation (mpmath: −5.98881649577746431…)", () => {
    // scipy.special.betaln(5e5, .5) is itself off by 3e−11 here; mpmath is the reference.
    expectRel(logBeta(5e5, 0.5), -5.988816495777464, 1e-14);
  });
  it("I_x(a, b) symmetry I_x(a, b) = 1 − I_{1−x}(b, a)", () => {
    const x = 0.3;
    expect(incompleteBetaRegularized(x, 2.5, 7) + incompleteBetaRegularized(1 - x, 7, 2.5)).toBeCloseTo(
      1,
      14,
    );
  });
});

describe("t-tests use the accurate distribution", () => {
  it("one-sample, H1 mean > 0, tiny p (scipy.stats.ttest_1samp)", () => {
    // ttest_1samp([5.1,4.9,5.0,5.2,4.95,5.05,5.0,4.98], 0, alternative='greater')
    //   → t = 151.7423045045948, p = 7.121767353808544e-14 (old code: 1 − cdf = 7.1e−14 ± 1e−16)
    const xs = [5.1, 4.9, 5.0, 5.2, 4.95, 5.05, 5.0, 4.98];
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
    const r = oneSampleTTest(xs.length, mean, std, 0, "greater")!;
    expectRel(r.t, 151.7423045045948, 1e-12);
    expectRel(r.p, 7.121767353808544e-14, 1e-9);
  });

  it("Welch with non-integer df (scipy.stats.ttest_ind_from_stats(..., equal_var=False))", () => {
    // ttest_ind_from_stats(1.0, 0.8, 5, 1.4, 1.3, 2440, equal_var=False)
    //   → t = -1.1150213034937904, p = 0.32668867937866797; df (Welch–Satterthwaite) = 4.043405861002181;
    //   95% CI = −0.4 ∓ t.ppf(.975, df)·se = [-1.391812436256119, 0.5918124362561191]
    const r = welchTTest(5, 1.0, 0.8 ** 2, 2440, 1.4, 1.3 ** 2, "two-sided")!;
    expectRel(r.t, -1.1150213034937904);
    expectRel(r.df, 4.043405861002181);
    expectRel(r.p, 0.32668867937866797);
    expectRel(r.ci95[0], -1.391812436256119);
    expectRel(r.ci95[1], 0.5918124362561191);
  });
});
