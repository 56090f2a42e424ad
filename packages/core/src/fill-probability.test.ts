import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ArrivalCurve,
  arrivalCurveProblem,
  arrivalRateOnCurve,
  fillOutcomeDiffusingOnCurve,
  fillProbabilityDiffusingOnCurve,
} from "./arrival-curve.js";
import {
  effectiveArrivalRatePerSec,
  fillLatticeSteps,
  fillOutcomeDiffusing,
  fillProbabilityDiffusing,
} from "./fill-probability.js";
import { fillProbabilityWithin } from "./intensity.js";
import { Rng } from "./rng.js";

/**
 * Independent oracle: Monte Carlo of the continuous model with arrival rate `rate(δ)`. Each path
 * is a Brownian motion on a fine grid (400 steps); the fill probability given the path is
 * 1 − exp(−∫λ dt) exactly, so the estimator is 1 − mean(exp(−Λ)) with a standard error below
 * 0.003 at 20,000 paths.
 */
function monteCarloOf(
  rate: (depth: number) => number,
  depth: number,
  sigma: number,
  h: number,
  paths: number,
  seed: number,
): number {
  const rng = new Rng(seed);
  const steps = 400;
  const dt = h / steps;
  const sd = sigma * Math.sqrt(dt);
  let survive = 0;
  for (let p = 0; p < paths; p++) {
    let d = depth;
    let integral = 0.5 * rate(d) * dt;
    for (let s = 1; s <= steps; s++) {
      d += sd * rng.normal();
      const w = s === steps ? 0.5 : 1;
      integral += w * rate(d) * dt;
    }
    survive += Math.exp(-integral);
  }
  return 1 - survive / paths;
}

/** The oracle for A·e^{−κδ} arrivals (with the fill model's at-price blend). */
function monteCarlo(
  aPerSec: number,
  kappa: number,
  depth: number,
  sigma: number,
  h: number,
  factor = 1,
  tickFrac = 0,
  paths = 20_000,
): number {
  const rate = (d: number): number => effectiveArrivalRatePerSec(aPerSec, kappa, d, factor, tickFrac);
  return monteCarloOf(rate, depth, sigma, h, paths, 12345);
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
function normCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf =
    1 -
    t *
      (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
      Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

describe("fillProbabilityDiffusing", () => {
  it("σ = 0 is exactly the static formula 1 − exp(−A·e^{−κδ}·h)", () => {
    for (const [a, k, d, h] of [
      [1.5, 8000, 2.8e-4, 1],
      [0.3, 30_000, 1e-4, 30],
      [2, 5000, 0, 5],
    ] as const) {
      expect(fillProbabilityDiffusing(a, k, d, 0, h)).toBe(fillProbabilityWithin(a, k, d, h));
    }
  });

  it("κ = 0 (rate independent of depth) is exactly 1 − exp(−A·h) whatever σ", () => {
    // Every lattice step multiplies the surviving mass by exp(−A·dt): N steps give exp(−A·h).
    expect(fillProbabilityDiffusing(0.7, 0, 3e-4, 2e-4, 5)).toBeCloseTo(1 - Math.exp(-3.5), 12);
  });

  it("matches a Monte Carlo of the continuous model (A, κ, σ as the paper trader sees them)", () => {
    const cases: [number, number, number, number, number][] = [
      // A /s, κ per frac, δ, σ per √s, h s  — κσ√h from 0.8 (synthetic, 1 s) to 9.5 (real BTC, 30 s)
      [1.5, 8000, 2.8e-4, 1e-4, 1],
      [1.5, 8000, 2.8e-4, 1e-4, 5],
      [1.5, 8000, 2.8e-4, 1e-4, 30],
      [0.4, 30_000, 0.5e-4, 0.6e-4, 5],
      [0.4, 30_000, 0.5e-4, 0.6e-4, 30],
      [2, 5000, 8e-4, 2e-4, 30],
    ];
    for (const [a, k, d, s, h] of cases) {
      const lattice = fillProbabilityDiffusing(a, k, d, s, h);
      const mc = monteCarlo(a, k, d, s, h, 1, 0, 8000);
      expect(
        Math.abs(lattice - mc),
        `A=${a} κ=${k} δ=${d} σ=${s} h=${h}: ${lattice} vs MC ${mc}`,
      ).toBeLessThan(0.015);
    }
  });

  it("long horizons fill far more often than the static formula says (the mid comes to the order)", () => {
    // Synthetic-market values: static 30 s ≈ 0.85 at the touch level, but at 2 levels deep
    // the static model all but rules out a fill that a moving mid makes likely.
    const deep = 8e-4;
    const stat = fillProbabilityWithin(1.5, 8000, deep, 30);
    const moving = fillProbabilityDiffusing(1.5, 8000, deep, 1e-4, 30);
    expect(stat).toBeLessThan(0.1);
    expect(moving).toBeGreaterThan(0.3);
  });

  it("with a huge A and κ it is the first-passage probability 2Φ(−δ/(σ√h)), to one lattice step", () => {
    // λ = A beyond the mid, 0 behind it: a fill happens iff the mid reaches our price. The lattice
    // resolves the barrier to one step dx = σ√(h/N), so the result lies between the continuous
    // first-passage probabilities of barriers δ and δ + dx.
    const d = 2e-4;
    const s = 1e-4;
    const h = 10;
    const n = fillLatticeSteps(1e9, s, h);
    expect(n).toBe(64);
    const dx = s * Math.sqrt(h / n);
    const p = fillProbabilityDiffusing(1e6, 1e9, d, s, h);
    expect(p).toBeLessThanOrEqual(2 * normCdf(-d / (s * Math.sqrt(h))));
    expect(p).toBeGreaterThanOrEqual(2 * normCdf(-(d + dx) / (s * Math.sqrt(h))));
  });

  it("prints at our price count with the fill model's factor (through < queue), as in the static case", () => {
    const tickFrac = 1e-5;
    const through = fillProbabilityDiffusing(1.5, 8000, 2e-4, 1e-4, 5, 0, tickFrac);
    const queue = fillProbabilityDiffusing(1.5, 8000, 2e-4, 1e-4, 5, 1, tickFrac);
    expect(through).toBeLessThan(queue);
    expect(Math.abs(through - monteCarlo(1.5, 8000, 2e-4, 1e-4, 5, 0, tickFrac, 8000))).toBeLessThan(0.015);
  });

  it("is a probability, no NaN, non-increasing in depth and non-decreasing in the horizon (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        fc.double({ min: -1e-3, max: 5e-3, noNaN: true }),
        fc.double({ min: 0, max: 2e-3, noNaN: true }),
        fc.double({ min: 0, max: 60, noNaN: true }),
        fc.double({ min: 0, max: 1e-3, noNaN: true }),
        (a, k, d, s, h, dd) => {
          const p = fillProbabilityDiffusing(a, k, d, s, h);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
          // Same lattice (N depends on κ, σ, h only): a deeper order fills less, node by node.
          expect(fillProbabilityDiffusing(a, k, d + dd, s, h)).toBeLessThanOrEqual(p + 1e-12);
          // A longer horizon changes N; allow the lattice's discretisation error.
          expect(fillProbabilityDiffusing(a, k, d, s, h * 1.5)).toBeGreaterThanOrEqual(p - 0.02);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it("rejects non-finite or negative inputs with a RangeError naming them", () => {
    expect(() => fillProbabilityDiffusing(Number.NaN, 1, 0, 0, 1)).toThrow(/A=NaN/);
    expect(() => fillProbabilityDiffusing(1, 1, 0, -1e-4, 1)).toThrow(RangeError);
    expect(() => fillProbabilityDiffusing(1, 1, Number.POSITIVE_INFINITY, 1e-4, 1)).toThrow(/δ=Infinity/);
  });
});

/** The exponential A·e^{−κ·max(δ,0)} sampled on an even grid over [0, maxBps]. */
function sampledExponential(a: number, kappa: number, maxBps: number, points: number): ArrivalCurve {
  const depthFrac = Array.from({ length: points }, (_, i) => ((i / (points - 1)) * maxBps) / 1e4);
  return { depthFrac, ratePerSec: depthFrac.map((d) => a * Math.exp(-kappa * d)) };
}

/** The oracle for arrivals from a curve. */
function monteCarloOnCurve(
  curve: ArrivalCurve,
  depth: number,
  sigma: number,
  h: number,
  paths = 20_000,
): number {
  return monteCarloOf((d) => arrivalRateOnCurve(curve, d), depth, sigma, h, paths, 777);
}

describe("fillProbabilityDiffusingOnCurve (empirical arrival curve)", () => {
  it("interpolates linearly, flat outside the points", () => {
    const c: ArrivalCurve = { depthFrac: [0, 1e-4, 3e-4], ratePerSec: [4, 2, 0] };
    expect(arrivalRateOnCurve(c, -1e-4)).toBe(4);
    expect(arrivalRateOnCurve(c, 0.5e-4)).toBeCloseTo(3, 12);
    expect(arrivalRateOnCurve(c, 2e-4)).toBeCloseTo(1, 12);
    expect(arrivalRateOnCurve(c, 1e-3)).toBe(0);
  });

  it("is the static formula at σ = 0 and exact for a flat curve at any σ", () => {
    const c: ArrivalCurve = { depthFrac: [0, 1e-4, 3e-4], ratePerSec: [4, 2, 0] };
    expect(fillProbabilityDiffusingOnCurve(c, 2e-4, 0, 5)).toBeCloseTo(1 - Math.exp(-5), 12);
    const flat: ArrivalCurve = { depthFrac: [0, 1e-3], ratePerSec: [0.3, 0.3] };
    expect(fillProbabilityDiffusingOnCurve(flat, 2e-4, 3e-4, 7)).toBeCloseTo(1 - Math.exp(-2.1), 12);
    const none: ArrivalCurve = { depthFrac: [0, 1e-3], ratePerSec: [0, 0] };
    expect(fillProbabilityDiffusingOnCurve(none, 1e-4, 1e-4, 30)).toBe(0);
  });

  it("agrees with the exponential lattice on a finely sampled exponential", () => {
    const curve = sampledExponential(1.5, 8000, 40, 801);
    for (const [d, s, h] of [
      [2e-4, 1e-4, 1],
      [2e-4, 1e-4, 5],
      [3e-4, 1e-4, 30],
      [1e-4, 2e-4, 30],
      [5e-4, 5e-5, 5],
    ] as const) {
      expect(fillProbabilityDiffusingOnCurve(curve, d, s, h)).toBeCloseTo(
        fillProbabilityDiffusing(1.5, 8000, d, s, h),
        2,
      );
    }
  });

  it("matches a Monte Carlo of the continuous model on a steep, non-exponential curve", () => {
    // most trades at the touch, a thin tail (the shape of a deep BTC book's tape)
    const c: ArrivalCurve = { depthFrac: [0, 0.5e-4, 1e-4, 3e-4, 1e-3], ratePerSec: [7, 0.2, 0.05, 0.01, 0] };
    for (const [d, s, h] of [
      [2.7e-4, 1e-4, 5],
      [2.7e-4, 1e-4, 30],
      [1e-4, 5e-5, 1],
    ] as const) {
      const mc = monteCarloOnCurve(c, d, s, h, 8000);
      expect(Math.abs(fillProbabilityDiffusingOnCurve(c, d, s, h) - mc)).toBeLessThan(0.015);
    }
  });

  it("tick and at-price factor: prints exactly at our price count with the factor", () => {
    const c: ArrivalCurve = { depthFrac: [0, 1e-4, 2e-4, 3e-4], ratePerSec: [1, 0.5, 0.25, 0.1] };
    const tickFrac = 1e-4;
    const through = fillProbabilityDiffusingOnCurve(c, 1e-4, 0, 10, 0, tickFrac);
    const queue = fillProbabilityDiffusingOnCurve(c, 1e-4, 0, 10, 1, tickFrac);
    const half = fillProbabilityDiffusingOnCurve(c, 1e-4, 0, 10, 0.5, tickFrac);
    expect(through).toBeCloseTo(1 - Math.exp(-0.25 * 10), 12);
    expect(queue).toBeCloseTo(1 - Math.exp(-0.5 * 10), 12);
    expect(half).toBeCloseTo(1 - Math.exp(-0.375 * 10), 12);
  });

  it("is a probability, non-increasing in depth and non-decreasing in the rates (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 2, maxLength: 12 }),
        fc.double({ min: 0, max: 1e-3, noNaN: true }),
        fc.double({ min: 0, max: 3e-4, noNaN: true }),
        fc.constantFrom(1, 5, 30),
        (raw, d, s, h) => {
          const rates = [...raw].sort((a, b) => b - a); // non-increasing in depth, like a survival curve
          const c: ArrivalCurve = { depthFrac: rates.map((_, i) => i * 1e-4), ratePerSec: rates };
          const p = fillProbabilityDiffusingOnCurve(c, d, s, h);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
          expect(fillProbabilityDiffusingOnCurve(c, d + 1e-4, s, h)).toBeLessThanOrEqual(p + 1e-12);
          const more: ArrivalCurve = { depthFrac: c.depthFrac, ratePerSec: rates.map((r) => r * 1.5) };
          expect(fillProbabilityDiffusingOnCurve(more, d, s, h)).toBeGreaterThanOrEqual(p - 1e-12);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it("rejects an invalid curve or inputs with a message naming the problem", () => {
    expect(arrivalCurveProblem({ depthFrac: [0], ratePerSec: [1] })).toMatch(/length >= 2/);
    expect(arrivalCurveProblem({ depthFrac: [0, 0], ratePerSec: [1, 1] })).toMatch(/strictly increasing/);
    expect(arrivalCurveProblem({ depthFrac: [0, 1], ratePerSec: [1, -1] })).toMatch(/>= 0 \(index 1/);
    expect(arrivalCurveProblem({ depthFrac: [0, 1], ratePerSec: [1, 0] })).toBeNull();
    const c: ArrivalCurve = { depthFrac: [0, 1e-4], ratePerSec: [1, 0] };
    expect(() => fillProbabilityDiffusingOnCurve(c, 0, -1, 1)).toThrow(RangeError);
    expect(() =>
      fillProbabilityDiffusingOnCurve({ depthFrac: [0, 1e-4], ratePerSec: [1, Number.NaN] }, 0, 0, 1),
    ).toThrow(/ratePerSec/);
  });
});

/**
 * Monte Carlo of E[depth at the fill | a fill within h]: along each path the fill time has
 * density λ(d_t)·e^{−Λ_t}, so E[d_τ; τ ≤ h] = E[∫ d_t λ(d_t) e^{−Λ_t} dt] and the conditional
 * mean divides by P(τ ≤ h) = 1 − E[e^{−Λ_h}].
 */
function monteCarloDepthAtFill(rate: (d: number) => number, depth: number, sigma: number, h: number): number {
  const rng = new Rng(4242);
  const steps = 400;
  const dt = h / steps;
  const sd = sigma * Math.sqrt(dt);
  let filledDepth = 0;
  let filled = 0;
  for (let p = 0; p < 20_000; p++) {
    let d = depth;
    let lam = 0;
    for (let s = 0; s < steps; s++) {
      const l = rate(d);
      const survivedBefore = Math.exp(-lam);
      lam += l * dt;
      filledDepth += d * (survivedBefore - Math.exp(-lam));
      d += sd * rng.normal();
    }
    filled += 1 - Math.exp(-lam);
  }
  return filledDepth / filled;
}

describe("fillOutcomeDiffusing (where the order stood when it filled)", () => {
  it("gives the same P(fill) as fillProbabilityDiffusing, bit for bit, and the placement depth when the depth cannot move", () => {
    for (const [a, k, d, s, h] of [
      [1.5, 8000, 3e-4, 1e-4, 30],
      [1.5, 8000, 2e-4, 5e-5, 5],
      [0.7, 20000, 1e-4, 2e-4, 1],
    ] as const) {
      expect(fillOutcomeDiffusing(a, k, d, s, h).pFill).toBe(fillProbabilityDiffusing(a, k, d, s, h));
      expect(fillOutcomeDiffusing(a, k, d, s, h, 0.5, 1e-5).pFill).toBe(
        fillProbabilityDiffusing(a, k, d, s, h, 0.5, 1e-5),
      );
    }
    const still = fillOutcomeDiffusing(1.5, 8000, 3e-4, 0, 30);
    expect(still.pFill).toBeCloseTo(1 - Math.exp(-1.5 * Math.exp(-2.4) * 30), 12);
    expect(still.expectedDepthAtFillFrac).toBe(3e-4);
    expect(fillOutcomeDiffusing(0, 8000, 3e-4, 1e-4, 30).expectedDepthAtFillFrac).toBeNaN();
  });

  it("matches a Monte Carlo of the continuous model: fills come when the mid has moved toward the order", () => {
    for (const [a, k, d, s, h] of [
      [1.5, 8000, 3e-4, 1e-4, 30],
      [1.5, 8000, 2e-4, 1e-4, 5],
    ] as const) {
      const mc = monteCarloDepthAtFill((x) => effectiveArrivalRatePerSec(a, k, x), d, s, h);
      const lat = fillOutcomeDiffusing(a, k, d, s, h).expectedDepthAtFillFrac;
      expect(lat).toBeLessThan(d); // below the placement depth
      expect(Math.abs(lat - mc) * 1e4).toBeLessThan(0.06); // bps
    }
  });

  it("curve version: same P(fill) as fillProbabilityDiffusingOnCurve, and agrees with the exponential on a sampled exponential", () => {
    const curve = sampledExponential(1.5, 8000, 40, 801);
    for (const [d, s, h] of [
      [3e-4, 1e-4, 30],
      [2e-4, 1e-4, 5],
    ] as const) {
      const o = fillOutcomeDiffusingOnCurve(curve, d, s, h);
      expect(o.pFill).toBe(fillProbabilityDiffusingOnCurve(curve, d, s, h));
      expect(
        Math.abs(
          o.expectedDepthAtFillFrac - fillOutcomeDiffusing(1.5, 8000, d, s, h).expectedDepthAtFillFrac,
        ) * 1e4,
      ).toBeLessThan(0.05);
    }
  });

  it("the expected depth at a fill never exceeds the placement depth for arrivals that fall with depth (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.double({ min: 100, max: 50_000, noNaN: true }),
        fc.double({ min: 0, max: 1e-3, noNaN: true }),
        fc.double({ min: 1e-6, max: 3e-4, noNaN: true }),
        fc.constantFrom(1, 5, 30),
        (a, k, d, s, h) => {
          const o = fillOutcomeDiffusing(a, k, d, s, h);
          if (o.pFill > 1e-12) expect(o.expectedDepthAtFillFrac).toBeLessThanOrEqual(d + 1e-15);
          expect(Number.isFinite(o.expectedDepthAtFillFrac) || o.pFill === 0).toBe(true);
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });
});

describe("fillProbabilityDiffusing with an at-price fill factor (mutation audit)", () => {
  it("a nearly still mid gives the static formula with λ_eff = λ(δ)·(e^(−κ·tick) + f·(1 − e^(−κ·tick)))", () => {
    // A 1.5, κ 8000, δ 1e-4, tick 1e-5, f 0.5, h 5 s: g = e^(−0.08) + 0.5·(1 − e^(−0.08)) = 0.961558;
    // λ_eff = 1.5·e^(−0.8)·g = 0.648084/s; P = 1 − e^(−5·0.648084) = 0.960853
    const g = Math.exp(-0.08) + 0.5 * -Math.expm1(-0.08);
    const expected = -Math.expm1(-5 * 1.5 * Math.exp(-0.8) * g);
    expect(expected).toBeCloseTo(0.960853, 6);
    expect(fillProbabilityDiffusing(1.5, 8000, 1e-4, 1e-12, 5, 0.5, 1e-5)).toBeCloseTo(expected, 9);
  });
});
