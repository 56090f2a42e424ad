/** Flat typed-array working set of the HMM fit: observations, log messages, E-step sums and parameter buffers. */
import type { GaussianHmmParams } from "./hmm.js";

/**
 * Flat, typed-array working set of one fit: observations (T×D, row-major), log emissions, forward
 * and backward log messages (T×K), ln of the current transition matrix and variances, and the
 * E-step sums. Parameters live in two `FlatParams` buffers (current / re-estimated) that EM swaps
 * instead of allocating new parameter objects every iteration.
 *
 * Every formula keeps the operation order of the straightforward nested-array version (kept in
 * the tests as the reference), so results are bit-identical to it. The only calls left out are
 * those whose result is known exactly: in each logSumExp the max term's exp(0) is 1.
 */
export interface Work {
  t: number;
  k: number;
  dim: number;
  obs: Float64Array;
  logB: Float64Array;
  logAlpha: Float64Array;
  logBeta: Float64Array;
  logA: Float64Array;
  logVar: Float64Array;
  gammaSum: Float64Array;
  xSum: Float64Array;
  x2Sum: Float64Array;
  xiSum: Float64Array;
  init: Float64Array;
  /** Scratch of K log terms (generic K). */
  tmp: Float64Array;
}

/** Parameters as flat typed arrays (initial K, transition K×K, means and variances K×D). */
export interface FlatParams {
  initial: Float64Array;
  transition: Float64Array;
  means: Float64Array;
  variances: Float64Array;
}

export function allocFlat(k: number, dim: number): FlatParams {
  return {
    initial: new Float64Array(k),
    transition: new Float64Array(k * k),
    means: new Float64Array(k * dim),
    variances: new Float64Array(k * dim),
  };
}

export function allocWork(obs: readonly (readonly number[])[], k: number, dim: number): Work {
  const t = obs.length;
  const flat = new Float64Array(t * dim);
  for (let s = 0; s < t; s++) {
    const x = obs[s]!;
    for (let d = 0; d < dim; d++) flat[s * dim + d] = x[d]!;
  }
  return {
    t,
    k,
    dim,
    obs: flat,
    logB: new Float64Array(t * k),
    logAlpha: new Float64Array(t * k),
    logBeta: new Float64Array(t * k),
    logA: new Float64Array(k * k),
    logVar: new Float64Array(k * dim),
    gammaSum: new Float64Array(k),
    xSum: new Float64Array(k * dim),
    x2Sum: new Float64Array(k * dim),
    xiSum: new Float64Array(k * k),
    init: new Float64Array(k),
    tmp: new Float64Array(k),
  };
}

export function toFlat(params: GaussianHmmParams, k: number, dim: number, out: FlatParams): void {
  for (let i = 0; i < k; i++) {
    out.initial[i] = params.initial[i]!;
    for (let j = 0; j < k; j++) out.transition[i * k + j] = params.transition[i]![j]!;
    for (let d = 0; d < dim; d++) {
      out.means[i * dim + d] = params.means[i]![d]!;
      out.variances[i * dim + d] = params.variances[i]![d]!;
    }
  }
}

export function fromFlat(p: FlatParams, k: number, dim: number): GaussianHmmParams {
  const res: GaussianHmmParams = { initial: Array.from(p.initial), transition: [], means: [], variances: [] };
  for (let i = 0; i < k; i++) {
    res.transition.push(Array.from(p.transition.subarray(i * k, (i + 1) * k)));
    res.means.push(Array.from(p.means.subarray(i * dim, (i + 1) * dim)));
    res.variances.push(Array.from(p.variances.subarray(i * dim, (i + 1) * dim)));
  }
  return res;
}
