import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  effectiveArrivalRatePerSec,
  fillLatticeSteps,
  fillProbabilityDiffusing,
} from "./fill-probability.js";
import { fillProbabilityWithin } from "./intensity.js";
import { Rng } from "./rng.js";

/**
 * Independent oracle: Monte Carlo of the continuous model. Each path is a Brownian motion on a
 * fine grid (400 steps); the fill probability given the path is 1 − exp(−∫λ dt) exactly, so the
 * estimator is 1 − mean(exp(−Λ)) with a standard error below 0.003 at 20,000 paths.
 */
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
  const rng = new Rng(12345);
  const steps = 400;
  const dt = h / steps;
  const sd = sigma * Math.sqrt(dt);
  let survive = 0;
  for (let p = 0; p < paths; p++) {
    let d = depth;
    let integral = 0.5 * effectiveArrivalRatePerSec(aPerSec, kappa, d, factor, tickFrac) * dt;
    for (let s = 1; s <= steps; s++) {
      d += sd * rng.normal();
      const w = s === steps ? 0.5 : 1;
      integral += w * effectiveArrivalRatePerSec(aPerSec, kappa, d, factor, tickFrac) * dt;
    }
    survive += Math.exp(-integral);
  }
  return 1 - survive / paths;
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
