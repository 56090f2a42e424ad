/**
 * Values pinned to independent Python references (written from the papers/docs, not from this code):
 * GLFT in 50-digit mpmath from Guéant (2017) "Optimal market making" (closed-form approximations,
 * ξ = γ, Δ = 1 lot); σ, the A/κ fit and γ-for-skew with numpy / scipy. Scripts: see each comment.
 */
import { describe, expect, it } from "vitest";
import { gammaForSkew } from "./gamma-for-skew.js";
import { glftQuote } from "./glft.js";
import { fitSurvivalCurve } from "./intensity-fit.js";
import { EwmaVolatility } from "./volatility.js";

function expectRel(actual: number, expected: number, tol = 1e-12): void {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(tol);
}

describe("GLFT vs mpmath (Guéant 2017, dps = 50)", () => {
  // c1 = log1p(γ/κ)/γ;  c2 = sqrt(γ/(2Aκ) · exp((κ/γ + 1)·log1p(γ/κ)));
  // half = (c1 + σc2/2)·spreadMult + fee;  bid = half + σc2·skewMult·q;  ask = half − σc2·skewMult·q
  const cases: Array<{
    p: [number, number, number, number, number, number, number, number];
    ref: [number, number, number, number, number, number]; // c1, c2, half bps, skew bps, bid bps, ask bps
  }> = [
    {
      p: [1e-12, 8000, 1.5, 2e-4, 3, 0, 1, 1], // γ → 0
      ref: [
        0.000125, 1.0642450039932544e-8, 1.25000001064245, 2.128490007986509e-8, 1.2500000744971502,
        1.2499999467877496,
      ],
    },
    {
      p: [1e9, 8000, 1.5, 2e-4, 3, 0, 1, 1], // γ ≫ κ
      ref: [
        1.1736077016252438e-8, 72172.46032994757, 72172.46044730835, 144344.92065989514, 505207.2224269938,
        -360862.3015323771,
      ],
    },
    {
      p: [0.07, 1e12, 1.5, 2e-4, -5, 0.15, 1, 1], // huge κ
      ref: [
        9.99999999999965e-13, 2.518463340955749e-7, 0.15000026184633408, 5.036926681911498e-7,
        0.14999774338299313, 0.15000278030967504,
      ],
    },
    {
      p: [5000, 2e5, 0.3, 5e-4, -7, 0.15, 1.3, 0.8],
      ref: [
        4.9385225180743e-6, 0.33863638527370094, 1.314769044874494, 1.354545541094804, -8.167049742789134,
        10.79658783253812,
      ],
    },
    {
      p: [123.4, 8282.3, 1.517, 0.00020418772463113894, 10, -0.2, 1, 1],
      ref: [
        0.00011984878079824829, 0.11596615129463742, 1.116882130817895, 0.23678864567082422,
        3.484768587526137, -1.2510043258903472,
      ],
    },
  ];
  for (const { p, ref } of cases) {
    it(`γ=${p[0]}, κ=${p[1]}, A=${p[2]}, σ=${p[3]}, q=${p[4]}`, () => {
      const [
        gamma,
        kappaPerFrac,
        aPerSec,
        sigmaPerSqrtSec,
        inventoryLots,
        makerFeeBps,
        spreadMult,
        skewMult,
      ] = p;
      const q = glftQuote({
        gamma,
        kappaPerFrac,
        aPerSec,
        sigmaPerSqrtSec,
        inventoryLots,
        makerFeeBps,
        spreadMult,
        skewMult,
      });
      expectRel(q.c1, ref[0]);
      expectRel(q.c2, ref[1]);
      expectRel(q.halfSpreadBps, ref[2]);
      expectRel(q.skewPerLotBps, ref[3]);
      expectRel(q.bidDepthBps, ref[4]);
      expectRel(q.askDepthBps, ref[5]);
    });
  }
});

describe("estimators vs numpy / scipy", () => {
  it("EwmaVolatility = sqrt(Σ w_i r_i² / Σ w_i Δt_i), w_i = 2^(−(t_N − t_i)/H), gaps > H dropped", () => {
    // numpy: r = diff(log m); dt = diff(t)/1000; keep = dt <= 30; w = 2**(-(t[-1]-t[1:])/1000/30)
    //        sqrt(sum((w*r*r)[keep]) / sum((w*dt)[keep])) = 0.00045336769322458986
    const t = [0, 400, 1400, 1400, 2900, 3000, 65000, 65600, 66100];
    const m = [100, 100.02, 99.99, 100.01, 100.05, 100.04, 100.3, 100.28, 100.33];
    const v = new EwmaVolatility({ halfLifeSec: 30 });
    for (let i = 0; i < t.length; i++) v.update(t[i]!, m[i]!);
    expectRel(v.value(), 0.00045336769322458986, 1e-12);
  });

  it("fitSurvivalCurve = weighted least squares of np.polyfit(x, ln(c/(2T)), 1, w=sqrt(c))", () => {
    // numpy: sl, ic = polyfit(x, y, 1, w=sqrt(c)) → A = exp(ic) = 1.5805995396593, κ = −sl = 7779.868455040249,
    //        weighted R² = 1 − Σc(y−ŷ)²/Σc(y−ȳ_c)² = 0.9928540237309963
    const x = [0, 1e-4, 2e-4, 3e-4, 4e-4, 5e-4];
    const c = [950, 410, 230, 90, 41, 12];
    const f = fitSurvivalCurve(x, c, 300, 2, 1);
    expect(f).not.toBeNull();
    expectRel(f!.aPerSec, 1.5805995396593, 1e-12);
    expectRel(f!.kappaPerFrac, 7779.868455040249, 1e-12);
    expectRel(f!.r2, 0.9928540237309963, 1e-12);
  });

  it("gammaForSkew = scipy brentq root of σ·c2(γ)·maxPos·1e4 = target", () => {
    // brentq(lambda lg: skew(exp(lg), 3e-4, 0.8, 15000, 20) − 6.5, ln 1e-30, ln 1e15) → γ = 103.26412979846758
    expectRel(gammaForSkew(6.5, 3e-4, 0.8, 15000, 20), 103.26412979846758, 1e-12);
  });
});
