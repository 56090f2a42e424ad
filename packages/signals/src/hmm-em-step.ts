/** One Baum–Welch iteration: the E-step passes, then the M-step re-estimation into the other parameter buffer. */
import type { FlatParams, Work } from "./hmm-fit-workspace.js";
import { accumulate, backward, forward, prepare } from "./hmm-forward-backward.js";

/**
 * One EM iteration: returns the log-likelihood of `cur` (the input parameters) and writes the
 * re-estimated parameters to `next`.
 */
export function emStep(cur: FlatParams, next: FlatParams, w: Work, varFloor: number[]): number {
  const { k, dim, gammaSum, xSum, x2Sum, xiSum, init } = w;
  prepare(cur, w);
  const logLik = forward(cur, w);
  backward(w);
  accumulate(w, logLik);
  let initSum = 0;
  for (let j = 0; j < k; j++) initSum += init[j]!;
  for (let j = 0; j < k; j++) next.initial[j] = init[j]! / initSum;
  for (let i = 0; i < k; i++) {
    const ao = i * k;
    let rs = 0;
    for (let j = 0; j < k; j++) rs += xiSum[ao + j]!;
    if (rs > 1e-12) for (let j = 0; j < k; j++) next.transition[ao + j] = xiSum[ao + j]! / rs;
    else for (let j = 0; j < k; j++) next.transition[ao + j] = cur.transition[ao + j]!;
    const g = gammaSum[i]!;
    const po = i * dim;
    if (g < 1e-9) {
      // A dead state keeps its emission parameters (re-estimation would divide by ~0).
      for (let d = 0; d < dim; d++) {
        next.means[po + d] = cur.means[po + d]!;
        next.variances[po + d] = cur.variances[po + d]!;
      }
      continue;
    }
    for (let d = 0; d < dim; d++) {
      const mu = xSum[po + d]! / g;
      next.means[po + d] = mu;
      next.variances[po + d] = Math.max(varFloor[d]!, x2Sum[po + d]! / g - mu * mu);
    }
  }
  return logLik;
}
