/**
 * Reference for the optimized HMM fit: the straightforward nested-array Baum–Welch that
 * `src/hmm-fit.ts` replaced (kept verbatim apart from this header and the imports), with its own
 * plain `logSumExp`. The optimized fit must reproduce it bit for bit (see hmm-fit-reference.test.ts).
 */
import { Rng } from "@mmkit/core";
import { type GaussianHmmParams, orderStatesByVolatility } from "../src/hmm.js";
import type { HmmFitOptions, HmmFitResult } from "../src/hmm-fit.js";

/** log(Σ exp(xs)) computed stably; −∞ for an empty or all −∞ input. */
export function logSumExp(xs: ArrayLike<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < xs.length; i++) if (xs[i]! > m) m = xs[i]!;
  if (m === Number.NEGATIVE_INFINITY) return m;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += Math.exp(xs[i]! - m);
  return m + Math.log(s);
}

interface Work {
  logB: Float64Array;
  logAlpha: Float64Array;
  logBeta: Float64Array;
  tmp: Float64Array;
}

/** Log-likelihood of a sequence under `params` (forward algorithm in log space). */
export function referenceLogLikelihood(
  params: GaussianHmmParams,
  obs: readonly (readonly number[])[],
): number {
  const k = params.initial.length;
  const w = allocWork(obs.length, k);
  emissions(params, obs, w.logB);
  return forward(params, obs.length, w);
}

/** Fit a Gaussian HMM to `obs` (T×D) by Baum–Welch with seeded restarts. */
export function referenceFit(obs: readonly (readonly number[])[], options: HmmFitOptions = {}): HmmFitResult {
  const k = options.numStates ?? 3;
  const restarts = options.restarts ?? 4;
  const maxIter = options.maxIter ?? 100;
  const tolPerObs = options.tolPerObs ?? 1e-7;
  const volFeature = options.volFeature ?? 0;
  const t = obs.length;
  if (!(k >= 1 && Number.isInteger(k)))
    throw new Error(`hmm fit: numStates must be a positive integer, got ${k}`);
  if (t < 2 * k) throw new Error(`hmm fit: need at least ${2 * k} observations, got ${t}`);
  const dim = obs[0]!.length;
  if (dim < 1) throw new Error("hmm fit: observations must have at least one feature");
  for (let i = 0; i < t; i++) {
    const x = obs[i]!;
    if (x.length !== dim)
      throw new Error(`hmm fit: observation ${i} has ${x.length} features, expected ${dim}`);
    for (const v of x)
      if (!Number.isFinite(v)) throw new Error(`hmm fit: observation ${i} has a non-finite value`);
  }
  if (volFeature < 0 || volFeature >= dim) throw new Error(`hmm fit: volFeature ${volFeature} out of range`);

  const globalMean = new Array<number>(dim).fill(0);
  const globalVar = new Array<number>(dim).fill(0);
  for (const x of obs) for (let d = 0; d < dim; d++) globalMean[d]! += x[d]! / t;
  for (const x of obs) for (let d = 0; d < dim; d++) globalVar[d]! += (x[d]! - globalMean[d]!) ** 2 / t;
  const varFloor = globalVar.map((v) =>
    Math.max(options.absVarFloor ?? 1e-9, (options.relVarFloor ?? 1e-3) * v),
  );

  const rng = new Rng(options.seed ?? 1);
  const w = allocWork(t, k);
  let best: HmmFitResult | null = null;
  const restartLls: number[] = [];
  for (let r = 0; r < restarts; r++) {
    let params = initialParams(obs, k, r, rng, globalVar, varFloor, volFeature);
    const history: number[] = [];
    let ll = Number.NEGATIVE_INFINITY;
    let iter = 0;
    for (; iter < maxIter; iter++) {
      const res = emStep(params, obs, w, varFloor);
      history.push(res.logLik);
      const gain = res.logLik - ll;
      ll = res.logLik;
      params = res.params;
      if (iter > 0 && gain < tolPerObs * t) break;
    }
    const finalLl = referenceLogLikelihood(params, obs);
    restartLls.push(finalLl);
    if (best === null || finalLl > best.logLikelihood) {
      best = {
        params,
        logLikelihood: finalLl,
        logLikelihoodHistory: history,
        iterations: history.length,
        restartLogLikelihoods: [],
      };
    }
  }
  const result = best!;
  result.restartLogLikelihoods = restartLls;
  result.params = orderStatesByVolatility(result.params, volFeature);
  return result;
}

function allocWork(t: number, k: number): Work {
  return {
    logB: new Float64Array(t * k),
    logAlpha: new Float64Array(t * k),
    logBeta: new Float64Array(t * k),
    tmp: new Float64Array(k),
  };
}

function emissions(params: GaussianHmmParams, obs: readonly (readonly number[])[], logB: Float64Array): void {
  const k = params.initial.length;
  const dim = params.means[0]!.length;
  const logVar = params.variances.map((v) => v.map((x) => Math.log(x)));
  const c = -0.5 * dim * Math.log(2 * Math.PI);
  for (let t = 0; t < obs.length; t++) {
    const x = obs[t]!;
    for (let j = 0; j < k; j++) {
      const mu = params.means[j]!;
      const v = params.variances[j]!;
      const lv = logVar[j]!;
      let lp = c;
      for (let d = 0; d < dim; d++) {
        const diff = x[d]! - mu[d]!;
        lp -= 0.5 * (lv[d]! + (diff * diff) / v[d]!);
      }
      logB[t * k + j] = lp;
    }
  }
}

function forward(params: GaussianHmmParams, t: number, w: Work): number {
  const k = params.initial.length;
  const logA = params.transition.map((r) => r.map((p) => Math.log(p)));
  for (let j = 0; j < k; j++) w.logAlpha[j] = Math.log(params.initial[j]!) + w.logB[j]!;
  for (let s = 1; s < t; s++) {
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < k; i++) w.tmp[i] = w.logAlpha[(s - 1) * k + i]! + logA[i]![j]!;
      w.logAlpha[s * k + j] = logSumExp(w.tmp) + w.logB[s * k + j]!;
    }
  }
  return logSumExp(w.logAlpha.subarray((t - 1) * k, t * k));
}

function backward(params: GaussianHmmParams, t: number, w: Work): void {
  const k = params.initial.length;
  const logA = params.transition.map((r) => r.map((p) => Math.log(p)));
  for (let j = 0; j < k; j++) w.logBeta[(t - 1) * k + j] = 0;
  for (let s = t - 2; s >= 0; s--) {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++)
        w.tmp[j] = logA[i]![j]! + w.logB[(s + 1) * k + j]! + w.logBeta[(s + 1) * k + j]!;
      w.logBeta[s * k + i] = logSumExp(w.tmp);
    }
  }
}

/** One EM iteration: returns the log-likelihood of the INPUT params and the re-estimated params. */
function emStep(
  params: GaussianHmmParams,
  obs: readonly (readonly number[])[],
  w: Work,
  varFloor: number[],
): { logLik: number; params: GaussianHmmParams } {
  const k = params.initial.length;
  const dim = params.means[0]!.length;
  const t = obs.length;
  emissions(params, obs, w.logB);
  const logLik = forward(params, t, w);
  backward(params, t, w);
  const logA = params.transition.map((r) => r.map((p) => Math.log(p)));

  const gammaSum = new Float64Array(k);
  const xSum = Array.from({ length: k }, () => new Float64Array(dim));
  const x2Sum = Array.from({ length: k }, () => new Float64Array(dim));
  const xiSum = Array.from({ length: k }, () => new Float64Array(k));
  const initial = new Array<number>(k).fill(0);
  for (let s = 0; s < t; s++) {
    const x = obs[s]!;
    for (let j = 0; j < k; j++) {
      const g = Math.exp(w.logAlpha[s * k + j]! + w.logBeta[s * k + j]! - logLik);
      if (s === 0) initial[j] = g;
      gammaSum[j]! += g;
      const xs = xSum[j]!;
      const x2 = x2Sum[j]!;
      for (let d = 0; d < dim; d++) {
        xs[d]! += g * x[d]!;
        x2[d]! += g * x[d]! * x[d]!;
      }
    }
    if (s < t - 1) {
      for (let i = 0; i < k; i++) {
        const a = w.logAlpha[s * k + i]! - logLik;
        const row = xiSum[i]!;
        for (let j = 0; j < k; j++) {
          row[j]! += Math.exp(a + logA[i]![j]! + w.logB[(s + 1) * k + j]! + w.logBeta[(s + 1) * k + j]!);
        }
      }
    }
  }
  const initSum = initial.reduce((a, b) => a + b, 0);
  const next: GaussianHmmParams = {
    initial: initial.map((g) => g / initSum),
    transition: [],
    means: [],
    variances: [],
  };
  for (let i = 0; i < k; i++) {
    const row = xiSum[i]!;
    let rs = 0;
    for (let j = 0; j < k; j++) rs += row[j]!;
    next.transition.push(rs > 1e-12 ? Array.from(row, (v) => v / rs) : [...params.transition[i]!]);
    const g = gammaSum[i]!;
    if (g < 1e-9) {
      // A dead state keeps its emission parameters (re-estimation would divide by ~0).
      next.means.push([...params.means[i]!]);
      next.variances.push([...params.variances[i]!]);
      continue;
    }
    const mu = Array.from(xSum[i]!, (v) => v / g);
    next.means.push(mu);
    next.variances.push(Array.from(x2Sum[i]!, (v, d) => Math.max(varFloor[d]!, v / g - mu[d]! * mu[d]!)));
  }
  return { logLik, params: next };
}

function initialParams(
  obs: readonly (readonly number[])[],
  k: number,
  restart: number,
  rng: Rng,
  globalVar: number[],
  varFloor: number[],
  volFeature: number,
): GaussianHmmParams {
  const t = obs.length;
  const dim = obs[0]!.length;
  let centers: number[][];
  if (restart === 0) {
    // Deterministic: split the data by quantiles of the volatility feature and average each slice.
    const idx = Array.from({ length: t }, (_, i) => i).sort(
      (a, b) => obs[a]![volFeature]! - obs[b]![volFeature]!,
    );
    centers = [];
    for (let j = 0; j < k; j++) {
      const lo = Math.floor((j * t) / k);
      const hi = Math.max(lo + 1, Math.floor(((j + 1) * t) / k));
      const c = new Array<number>(dim).fill(0);
      for (let q = lo; q < hi; q++) for (let d = 0; d < dim; d++) c[d]! += obs[idx[q]!]![d]! / (hi - lo);
      centers.push(c);
    }
  } else {
    centers = Array.from({ length: k }, () => [...obs[rng.int(t)]!]);
  }
  const stay = restart === 0 ? 0.9 : 0.6 + 0.35 * rng.next();
  const transition = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => (k === 1 ? 1 : i === j ? stay : (1 - stay) / (k - 1))),
  );
  const scale = restart === 0 ? 1 / k : 0.5 + rng.next();
  return {
    initial: new Array<number>(k).fill(1 / k),
    transition,
    means: centers,
    variances: Array.from({ length: k }, () => globalVar.map((v, d) => Math.max(varFloor[d]!, v * scale))),
  };
}
