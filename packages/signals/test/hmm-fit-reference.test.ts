import { Rng } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { type GaussianHmmParams, logSumExp, sampleHmm } from "../src/hmm.js";
import { fitGaussianHmm, hmmLogLikelihood } from "../src/hmm-fit.js";
import {
  logSumExp as referenceLogSumExp,
  referenceFit,
  referenceLogLikelihood,
} from "./hmm-fit-reference.js";

/** Random K-state, D-feature HMM; `sep` spreads the means (0.1 = heavily overlapping states). */
function randomParams(rng: Rng, k: number, d: number, sep: number): GaussianHmmParams {
  const transition = Array.from({ length: k }, (_, i) => {
    const row = Array.from({ length: k }, (_, j) => (i === j ? 5 + 50 * rng.next() : rng.next()));
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / s);
  });
  return {
    initial: Array.from({ length: k }, () => 1 / k),
    transition,
    means: Array.from({ length: k }, (_, i) => Array.from({ length: d }, () => i * sep + rng.normal())),
    variances: Array.from({ length: k }, () => Array.from({ length: d }, () => 0.01 + rng.next())),
  };
}

describe("optimized HMM fit vs the nested-array reference", () => {
  it("fits are bit-identical (every parameter, log-likelihood and history), K = 1..4, D = 1..4", () => {
    const rng = new Rng(2024);
    let compared = 0;
    for (let trial = 0; trial < 120; trial++) {
      const d = 1 + ((trial >> 2) % 4);
      const p = randomParams(rng, 1 + (trial % 5), d, [0.1, 1, 5, 30][trial % 4]!);
      let obs = sampleHmm(p, [8, 30, 100, 250][(trial >> 1) % 4]!, rng).obs;
      if (trial % 7 === 0) obs = obs.map((x, i) => (i % 3 === 0 ? x.map(() => 1) : x)); // repeated rows
      if (trial % 11 === 0) obs = obs.map((x) => x.map((v) => Math.round(v))); // ties
      const k = 1 + ((trial >> 1) % 4);
      if (obs.length < 2 * k) continue;
      const options = {
        numStates: k,
        restarts: 1 + (trial % 3),
        maxIter: 5 + (trial % 40),
        seed: trial,
        volFeature: trial % d,
      };
      expect(JSON.stringify(fitGaussianHmm(obs, options))).toBe(JSON.stringify(referenceFit(obs, options)));
      expect(Object.is(hmmLogLikelihood(p, obs), referenceLogLikelihood(p, obs))).toBe(true);
      compared++;
    }
    expect(compared).toBeGreaterThan(80);
  });

  it("log-likelihoods agree with zero probabilities (−∞ logs) in the parameters", () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 60; trial++) {
      const k = 2 + (trial % 3);
      const transition: number[][] = Array.from({ length: k }, (_, i) =>
        Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)),
      );
      if (trial % 2 === 1) {
        for (const row of transition) {
          row[(trial >> 1) % k] = 0.5;
          const s = row.reduce((a, b) => a + b, 0);
          for (let j = 0; j < k; j++) row[j]! /= s;
        }
      }
      const p: GaussianHmmParams = {
        initial: Array.from({ length: k }, (_, i) => (i === trial % k ? 1 : 0)),
        transition,
        means: Array.from({ length: k }, (_, i) => [i * 3 * rng.next(), rng.normal() * 100]),
        variances: Array.from({ length: k }, () => [1e-6 + rng.next() * 1e-3, 1e-8 + rng.next()]),
      };
      const obs = Array.from({ length: 50 }, () => [rng.normal() * 5, rng.normal() * 1000]);
      expect(Object.is(hmmLogLikelihood(p, obs), referenceLogLikelihood(p, obs))).toBe(true);
    }
  });

  it("logSumExp (max term's exp(0) taken as 1) matches the plain formula", () => {
    const rng = new Rng(3);
    for (let n = 0; n < 2000; n++) {
      const xs = Array.from({ length: 1 + (n % 5) }, () =>
        rng.next() < 0.1 ? Number.NEGATIVE_INFINITY : (rng.next() - 0.5) * 10 ** (n % 4),
      );
      if (n % 13 === 0) xs.push(xs[0]!); // a tie for the max
      expect(Object.is(logSumExp(xs), referenceLogSumExp(xs))).toBe(true);
    }
    expect(
      Object.is(logSumExp([Number.POSITIVE_INFINITY, 1]), referenceLogSumExp([Number.POSITIVE_INFINITY, 1])),
    ).toBe(true);
  });
});
