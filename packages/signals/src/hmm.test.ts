import { Rng } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import {
  type GaussianHmmParams,
  filterSequence,
  hmmFromJson,
  HmmForwardFilter,
  hmmToJson,
  logSumExp,
  orderStatesByVolatility,
  sampleHmm,
} from "./hmm.js";
import { fitGaussianHmm, hmmLogLikelihood } from "./hmm-fit.js";

/** A known 3-state HMM over (log |return|, log spread): calm / normal / volatile. */
const TRUE: GaussianHmmParams = {
  initial: [1 / 3, 1 / 3, 1 / 3],
  transition: [
    [0.97, 0.02, 0.01],
    [0.03, 0.94, 0.03],
    [0.02, 0.04, 0.94],
  ],
  means: [
    [-2, 0],
    [-0.5, 0.6],
    [1.2, 1.3],
  ],
  variances: [
    [0.25, 0.09],
    [0.3, 0.09],
    [0.35, 0.12],
  ],
};

describe("logSumExp", () => {
  it("matches the naive sum and survives large magnitudes", () => {
    // log(e^1 + e^2) = 2 + log(1 + e^-1) = 2.3132616875...
    expect(logSumExp([1, 2])).toBeCloseTo(2.3132616875182226, 12);
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.LN2, 9);
    expect(logSumExp([Number.NEGATIVE_INFINITY])).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe("Gaussian HMM Baum–Welch on a known 3-state HMM", () => {
  const rng = new Rng(7);
  const train = sampleHmm(TRUE, 4000, rng);
  const test = sampleHmm(TRUE, 2000, rng);
  const fit = fitGaussianHmm(train.obs, { numStates: 3, restarts: 3, seed: 11, maxIter: 80 });

  it("recovers means within 0.15 and transition probabilities within 0.03", () => {
    for (let k = 0; k < 3; k++) {
      for (let d = 0; d < 2; d++)
        expect(Math.abs(fit.params.means[k]![d]! - TRUE.means[k]![d]!)).toBeLessThan(0.15);
      for (let j = 0; j < 3; j++) {
        expect(Math.abs(fit.params.transition[k]![j]! - TRUE.transition[k]![j]!)).toBeLessThan(0.03);
      }
    }
    console.log(
      `[hmm] fit LL=${fit.logLikelihood.toFixed(1)} iters=${fit.iterations} restarts=${fit.restartLogLikelihoods
        .map((l) => l.toFixed(1))
        .join(",")} means=${JSON.stringify(fit.params.means.map((m) => m.map((v) => +v.toFixed(3))))}`,
    );
  });

  it("log-likelihood is non-decreasing across EM iterations", () => {
    const h = fit.logLikelihoodHistory;
    expect(h.length).toBeGreaterThan(2);
    for (let i = 1; i < h.length; i++)
      expect(h[i]!).toBeGreaterThanOrEqual(h[i - 1]! - 1e-7 * Math.abs(h[i - 1]!));
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(h[h.length - 1]! - 1e-6);
  });

  it("states are ordered by volatility (feature 0 means ascending)", () => {
    const m = fit.params.means.map((r) => r[0]!);
    expect(m[0]!).toBeLessThan(m[1]!);
    expect(m[1]!).toBeLessThan(m[2]!);
  });

  it("causal filter argmax matches the true state >= 85% on held-out data", () => {
    const probs = filterSequence(fit.params, test.obs);
    let hit = 0;
    probs.forEach((p, t) => {
      const am = p.indexOf(Math.max(...p));
      if (am === test.states[t]) hit++;
    });
    const acc = hit / probs.length;
    console.log(`[hmm] held-out causal filter accuracy=${(acc * 100).toFixed(1)}%`);
    expect(acc).toBeGreaterThanOrEqual(0.85);
  });

  it("causality: appending future observations never changes earlier filtered output", () => {
    const prefix = test.obs.slice(0, 300);
    const a = filterSequence(fit.params, prefix);
    const b = filterSequence(fit.params, [...prefix, ...test.obs.slice(300, 600), [50, 50], [-50, -50]]);
    for (let t = 0; t < a.length; t++) expect(b[t]).toEqual(a[t]);
  });

  it("persists to JSON and back with identical likelihood", () => {
    const json = hmmToJson(fit.params, {
      featureNames: ["logAbsRet", "logSpread"],
      logLikelihood: fit.logLikelihood,
    });
    const back = hmmFromJson(json);
    expect(back).toEqual(fit.params);
    expect(hmmLogLikelihood(back, test.obs)).toBe(hmmLogLikelihood(fit.params, test.obs));
  });

  it("rejects malformed JSON parameters with a clear error", () => {
    expect(() => hmmFromJson("{")).toThrow(/not valid JSON/);
    expect(() =>
      hmmFromJson(
        JSON.stringify({
          version: 1,
          params: { initial: [1], transition: [[1]], means: [[0]], variances: [[-1]] },
        }),
      ),
    ).toThrow(/invalid parameters/);
    const bad = { ...TRUE, transition: [[0.5, 0.5, 0.5], TRUE.transition[1], TRUE.transition[2]] };
    expect(() => hmmFromJson(JSON.stringify({ version: 1, params: bad }))).toThrow(/row 0/);
  });
});

describe("HMM input checks", () => {
  const p1: GaussianHmmParams = {
    initial: [0.6, 0.4],
    transition: [
      [0.9, 0.1],
      [0.2, 0.8],
    ],
    means: [[0], [2]],
    variances: [[1], [4]],
  };
  const { obs } = sampleHmm(TRUE, 60, new Rng(3));

  it.each([
    [{ restarts: 0 }, "hmm fit: restarts must be a positive integer, got 0"], // was a TypeError on `best!`
    [{ restarts: 1.5 }, "restarts must be a positive integer, got 1.5"],
    [{ restarts: Number.NaN }, "restarts must be a positive integer, got NaN"],
    [{ maxIter: 0 }, "hmm fit: maxIter must be a positive integer, got 0"],
    [{ maxIter: -1 }, "maxIter must be a positive integer, got -1"],
    [{ tolPerObs: Number.NaN }, "hmm fit: tolPerObs must be a number, got NaN"],
    [{ seed: 0.5 }, "hmm fit: seed must be an integer, got 0.5"],
    [{ volFeature: 0.5 }, "volFeature 0.5 out of range"],
  ])("fitGaussianHmm(obs, %j) throws a clear Error", (opts, message) => {
    expect(() => fitGaussianHmm(obs, opts)).toThrow(message);
  });

  it("HmmForwardFilter.update rejects a wrong-sized or non-finite observation, belief unchanged", () => {
    const f = new HmmForwardFilter(p1);
    const first = f.update([0.5]);
    expect(() => f.update([1, 2])).toThrow("hmm filter: observation must have D=1 features, got 2");
    expect(() => f.update([])).toThrow("hmm filter: observation must have D=1 features, got 0");
    expect(() => f.update([Number.NaN])).toThrow("hmm filter: observation[0] must be finite, got NaN");
    expect(() => f.update([Number.NEGATIVE_INFINITY])).toThrow(/observation\[0\] must be finite/);
    expect(f.count).toBe(1);
    expect(f.probs()).toEqual(first);
  });

  it("hmmLogLikelihood rejects non-finite or wrong-sized observations instead of returning −∞", () => {
    expect(() => hmmLogLikelihood(p1, [[Number.NaN]])).toThrow(
      "hmm loglik: observation 0 has a non-finite value",
    );
    expect(() => hmmLogLikelihood(p1, [[1], [1, 2]])).toThrow(
      "hmm loglik: observation 1 has 2 features, expected 1",
    );
    expect(() => hmmLogLikelihood(p1, [])).toThrow("hmm loglik: need at least one observation");
    expect(() => hmmLogLikelihood({ ...p1, variances: [[-1], [4]] }, [[1]])).toThrow(/variances row 0/);
    expect(Number.isFinite(hmmLogLikelihood(p1, [[0.5], [2.5]]))).toBe(true);
  });

  it("orderStatesByVolatility rejects a feature index the means do not have (it returned them unsorted)", () => {
    const unsorted = { ...p1, means: [[2], [0]] };
    expect(() => orderStatesByVolatility(unsorted, 3)).toThrow(
      "hmm: volFeature 3 out of range (the means have 1 features)",
    );
    expect(() => orderStatesByVolatility(unsorted, -1)).toThrow(/volFeature -1 out of range/);
    expect(orderStatesByVolatility(unsorted, 0).means).toEqual([[0], [2]]);
  });
});

describe("HmmForwardFilter.argmax (mutation audit)", () => {
  it("names the most probable state, by hand", () => {
    // 3 states at 0, 5 and 10 (variance 1): an observation at 10 gives state 2 by far (relative
    // log-likelihoods −50, −12.5, 0); then at 5, state 1's 0.01 · e^0 beats state 2's 0.98 · e^(−12.5)
    const f = new HmmForwardFilter({
      initial: [1 / 3, 1 / 3, 1 / 3],
      transition: [
        [0.98, 0.01, 0.01],
        [0.01, 0.98, 0.01],
        [0.01, 0.01, 0.98],
      ],
      means: [[0], [5], [10]],
      variances: [[1], [1], [1]],
    });
    f.update([10]);
    expect(f.argmax()).toBe(2);
    f.update([5]);
    f.update([5]);
    expect(f.argmax()).toBe(1);
  });
});
