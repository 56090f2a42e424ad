/** Log-space passes of the HMM fit for any K: log emissions, forward, backward and the E-step sums. */
import type { FlatParams, Work } from "./hmm-fit-workspace.js";
import { accumulate3, backward3, forward3 } from "./hmm-forward-backward-k3.js";
import { logSumExpAt } from "./hmm-log-sum-exp.js";

/** ln of the transition matrix and the log emissions of every observation under `p`, into `w`. */
export function prepare(p: FlatParams, w: Work): void {
  const { t, k, dim, obs, logA, logB, logVar } = w;
  for (let q = 0; q < k * k; q++) logA[q] = Math.log(p.transition[q]!);
  const means = p.means;
  const vars = p.variances;
  for (let q = 0; q < k * dim; q++) logVar[q] = Math.log(vars[q]!);
  const c = -0.5 * dim * Math.log(2 * Math.PI);
  for (let s = 0; s < t; s++) {
    const xo = s * dim;
    for (let j = 0; j < k; j++) {
      const po = j * dim;
      let lp = c;
      for (let d = 0; d < dim; d++) {
        const diff = obs[xo + d]! - means[po + d]!;
        lp -= 0.5 * (logVar[po + d]! + (diff * diff) / vars[po + d]!);
      }
      logB[s * k + j] = lp;
    }
  }
}

/** Forward pass in log space (after `prepare`); returns the log-likelihood. */
export function forward(p: FlatParams, w: Work): number {
  const { t, k, logA, logB, logAlpha, tmp } = w;
  if (k === 3) return forward3(p, w);
  for (let j = 0; j < k; j++) logAlpha[j] = Math.log(p.initial[j]!) + logB[j]!;
  for (let s = 1; s < t; s++) {
    const prev = (s - 1) * k;
    const row = s * k;
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < k; i++) tmp[i] = logAlpha[prev + i]! + logA[i * k + j]!;
      logAlpha[row + j] = logSumExpAt(tmp, 0, k) + logB[row + j]!;
    }
  }
  return logSumExpAt(logAlpha, (t - 1) * k, k);
}

/** Backward pass in log space (after `prepare`). */
export function backward(w: Work): void {
  const { t, k, logA, logB, logBeta, tmp } = w;
  if (k === 3) {
    backward3(w);
    return;
  }
  for (let j = 0; j < k; j++) logBeta[(t - 1) * k + j] = 0;
  for (let s = t - 2; s >= 0; s--) {
    const nx = (s + 1) * k;
    for (let i = 0; i < k; i++) {
      const ao = i * k;
      for (let j = 0; j < k; j++) tmp[j] = logA[ao + j]! + logB[nx + j]! + logBeta[nx + j]!;
      logBeta[s * k + i] = logSumExpAt(tmp, 0, k);
    }
  }
}

/** E-step sums (γ, Σγx, Σγx², ξ and the initial γ) into `w` (after `forward` and `backward`). */
export function accumulate(w: Work, logLik: number): void {
  const { t, k, dim, obs, logA, logB, logAlpha, logBeta, gammaSum, xSum, x2Sum, xiSum, init } = w;
  if (k === 3) {
    accumulate3(w, logLik);
    return;
  }
  gammaSum.fill(0);
  xSum.fill(0);
  x2Sum.fill(0);
  xiSum.fill(0);
  for (let s = 0; s < t; s++) {
    const xo = s * dim;
    const row = s * k;
    for (let j = 0; j < k; j++) {
      const g = Math.exp(logAlpha[row + j]! + logBeta[row + j]! - logLik);
      if (s === 0) init[j] = g;
      gammaSum[j]! += g;
      const po = j * dim;
      for (let d = 0; d < dim; d++) {
        const x = obs[xo + d]!;
        xSum[po + d]! += g * x;
        x2Sum[po + d]! += g * x * x;
      }
    }
    if (s < t - 1) {
      const nx = row + k;
      for (let i = 0; i < k; i++) {
        const a = logAlpha[row + i]! - logLik;
        const ao = i * k;
        for (let j = 0; j < k; j++) {
          xiSum[ao + j]! += Math.exp(a + logA[ao + j]! + logB[nx + j]! + logBeta[nx + j]!);
        }
      }
    }
  }
}
