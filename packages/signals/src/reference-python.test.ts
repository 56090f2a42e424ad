/**
 * Values pinned to independent numpy / scipy references written from the literature and the docs
 * (Rabiner 1989 forward algorithm and Baum–Welch in log space, scipy.stats.norm.logpdf emissions,
 * scipy.special.logsumexp), not from this code.
 */
import { describe, expect, it } from "vitest";
import { AlphaKappaFeedback } from "./alpha-kappa.js";
import { type GaussianHmmParams, filterSequence } from "./hmm.js";
import { fitGaussianHmm, hmmLogLikelihood } from "./hmm-fit.js";

function expectRel(actual: number, expected: number, tol = 1e-12): void {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(tol);
}

describe("Gaussian HMM vs numpy/scipy", () => {
  const params: GaussianHmmParams = {
    initial: [0.6, 0.4],
    transition: [
      [0.9, 0.1],
      [0.2, 0.8],
    ],
    means: [
      [0, 1],
      [2, -1],
    ],
    variances: [
      [1, 0.5],
      [0.5, 2],
    ],
  };
  const xs = [
    [0.1, 0.9],
    [1.9, -0.5],
    [2.2, -1.4],
    [0.3, 1.2],
    [-0.4, 0.7],
    [1.1, 0.0],
  ];

  it("log-likelihood = logsumexp of the last forward message", () => {
    // a[0] = log π + Σ_d norm.logpdf(x, μ, √v); a[t] = logsumexp(a[t−1][:,None] + log A, 0) + logB[t]
    expectRel(hmmLogLikelihood(params, xs), -16.316429013564107, 1e-13);
  });

  it("causal filter posteriors p(s_t | x_1..x_t) = softmax(a[t])", () => {
    const ref = [
      [0.9947774782775473, 0.005222521722452526],
      [0.18562728253501323, 0.8143727174649866],
      [0.0002113281789963577, 0.9997886718210028],
      [0.9514874298766784, 0.04851257012332083],
      [0.9998016886171079, 0.0001983113828920985],
      [0.880508747684719, 0.11949125231527963],
    ];
    const f = filterSequence(params, xs);
    for (let t = 0; t < ref.length; t++)
      for (let k = 0; k < 2; k++) expect(f[t]![k]!).toBeCloseTo(ref[t]![k]!, 13);
  });

  it("Baum–Welch from the restart-0 quantile initialisation: 3 EM iterations", () => {
    // init: centres = means of the volatility-feature tertiles, transition diag 0.9, variances = var(x)/K,
    // initial uniform, variance floor max(1e-9, 1e-3·var(x)); numpy E-step (γ, ξ) and M-step.
    const ys = [0.1, 0.3, -0.2, 2.1, 1.8, 2.4, 0.0, 2.2, 1.9, -0.1, 0.2, 2.0].map((v) => [v]);
    const r = fitGaussianHmm(ys, { numStates: 2, restarts: 1, maxIter: 3, tolPerObs: -Infinity });
    const hist = [-19.141905750300072, -12.769403521284547, -5.848255192483421];
    for (let i = 0; i < 3; i++) expectRel(r.logLikelihoodHistory[i]!, hist[i]!, 1e-12);
    expectRel(r.logLikelihood, -4.205877506816385, 1e-12);
    expectRel(r.params.means[0]![0]!, 0.049999229334319245, 1e-10);
    expectRel(r.params.means[1]![0]!, 2.066660578846186, 1e-10);
    expectRel(r.params.variances[0]![0]!, 0.029166581099210366, 1e-9);
    expectRel(r.params.variances[1]![0]!, 0.03889966429322378, 1e-9);
    expectRel(r.params.transition[0]![1]!, 0.5000043824244161, 1e-10);
    expectRel(r.params.transition[1]![0]!, 0.400001585903091, 1e-10);
  });
});

describe("alpha→κ vs its documented formula", () => {
  it("120 markouts x_i = (7i mod 11) − 3 bps → T = 2.0414638274908974, κ mult = 0.7126721923815125", () => {
    // a_n = max(1 − 2^(−1/50), 1/n); T ← T + a_n(x_n − T); w = 120/(120 + 20);
    // mult = clamp(1 + w·(exp(−T/5) − 1), 0.4, 1.1)
    const f = new AlphaKappaFeedback();
    for (let i = 1; i <= 120; i++) f.onAdverseSelection(((i * 7) % 11) - 3);
    expectRel(f.toxicityBps, 2.0414638274908974, 1e-12);
    expectRel(f.kappaMult(), 0.7126721923815125, 1e-12);
  });
});
