/**
 * Offline Baum–Welch (EM) fit of a diagonal-Gaussian HMM, entirely in log space, with seeded
 * restarts (best log-likelihood wins), variance floors, and volatility-ordered state labels.
 */
import { Rng } from "@mmkit/core";
import { type GaussianHmmParams, orderStatesByVolatility, validateHmmParams } from "./hmm.js";

/** Options of `fitGaussianHmm`. */
export interface HmmFitOptions {
  /** Number of hidden states (default 3: calm / normal / volatile). */
  numStates?: number;
  /** Number of EM restarts (default 4); restart 0 uses a deterministic quantile initialisation. */
  restarts?: number;
  /** Maximum EM iterations per restart (default 100). */
  maxIter?: number;
  /** Stop when the log-likelihood gain per observation falls below this (default 1e-7; −∞ runs all `maxIter`). */
  tolPerObs?: number;
  /** Seed of the restart initialisations (default 1). */
  seed?: number;
  /** Variance floor as a fraction of the feature's overall variance (default 1e-3). */
  relVarFloor?: number;
  /** Absolute variance floor (default 1e-9). */
  absVarFloor?: number;
  /** Feature index used to order states by volatility (default 0). */
  volFeature?: number;
}

/** Result of a fit: the best parameters and diagnostics. */
export interface HmmFitResult {
  params: GaussianHmmParams;
  /** Log-likelihood of the data under `params` (natural log). */
  logLikelihood: number;
  /** Log-likelihood before each EM iteration of the winning restart (non-decreasing). */
  logLikelihoodHistory: number[];
  /** EM iterations of the winning restart. */
  iterations: number;
  /** Final log-likelihood of every restart (for diagnostics). */
  restartLogLikelihoods: number[];
}

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
interface Work {
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
interface FlatParams {
  initial: Float64Array;
  transition: Float64Array;
  means: Float64Array;
  variances: Float64Array;
}

function allocFlat(k: number, dim: number): FlatParams {
  return {
    initial: new Float64Array(k),
    transition: new Float64Array(k * k),
    means: new Float64Array(k * dim),
    variances: new Float64Array(k * dim),
  };
}

function allocWork(obs: readonly (readonly number[])[], k: number, dim: number): Work {
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

function toFlat(params: GaussianHmmParams, k: number, dim: number, out: FlatParams): void {
  for (let i = 0; i < k; i++) {
    out.initial[i] = params.initial[i]!;
    for (let j = 0; j < k; j++) out.transition[i * k + j] = params.transition[i]![j]!;
    for (let d = 0; d < dim; d++) {
      out.means[i * dim + d] = params.means[i]![d]!;
      out.variances[i * dim + d] = params.variances[i]![d]!;
    }
  }
}

function fromFlat(p: FlatParams, k: number, dim: number): GaussianHmmParams {
  const res: GaussianHmmParams = { initial: Array.from(p.initial), transition: [], means: [], variances: [] };
  for (let i = 0; i < k; i++) {
    res.transition.push(Array.from(p.transition.subarray(i * k, (i + 1) * k)));
    res.means.push(Array.from(p.means.subarray(i * dim, (i + 1) * dim)));
    res.variances.push(Array.from(p.variances.subarray(i * dim, (i + 1) * dim)));
  }
  return res;
}

/** ln of the transition matrix and the log emissions of every observation under `p`, into `w`. */
function prepare(p: FlatParams, w: Work): void {
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

/** `logSumExp` of `v[from..from+n)`: max, Σ exp(v − max) in index order, max + ln Σ. */
function logSumExpAt(v: Float64Array, from: number, n: number): number {
  let m = Number.NEGATIVE_INFINITY;
  let im = -1;
  for (let i = from; i < from + n; i++) {
    if (v[i]! > m) {
      m = v[i]!;
      im = i;
    }
  }
  if (m === Number.NEGATIVE_INFINITY) return m;
  if (m === Number.POSITIVE_INFINITY) im = -1; // exp(∞ − ∞) is NaN, not 1
  let s = 0;
  for (let i = from; i < from + n; i++) s += i === im ? 1 : Math.exp(v[i]! - m);
  return m + Math.log(s);
}

/** `logSumExp` of three terms (same arithmetic as `logSumExpAt`). */
function logSumExp3(v0: number, v1: number, v2: number): number {
  let m = Number.NEGATIVE_INFINITY;
  let im = -1;
  if (v0 > m) {
    m = v0;
    im = 0;
  }
  if (v1 > m) {
    m = v1;
    im = 1;
  }
  if (v2 > m) {
    m = v2;
    im = 2;
  }
  if (m === Number.NEGATIVE_INFINITY) return m;
  if (m === Number.POSITIVE_INFINITY) im = -1; // exp(∞ − ∞) is NaN, not 1
  const e0 = im === 0 ? 1 : Math.exp(v0 - m);
  const e1 = im === 1 ? 1 : Math.exp(v1 - m);
  const e2 = im === 2 ? 1 : Math.exp(v2 - m);
  return m + Math.log(0 + e0 + e1 + e2);
}

/** Forward pass in log space (after `prepare`); returns the log-likelihood. */
function forward(p: FlatParams, w: Work): number {
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
function backward(w: Work): void {
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
function accumulate(w: Work, logLik: number): void {
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

// ---- K = 3 (the regime detector's calm / normal / volatile) -----------------------------------
// The same arithmetic as the generic passes, unrolled, with the log-transition matrix and the
// previous step's messages in locals.

function forward3(p: FlatParams, w: Work): number {
  const { t, logA, logB, logAlpha } = w;
  const a00 = logA[0]!;
  const a01 = logA[1]!;
  const a02 = logA[2]!;
  const a10 = logA[3]!;
  const a11 = logA[4]!;
  const a12 = logA[5]!;
  const a20 = logA[6]!;
  const a21 = logA[7]!;
  const a22 = logA[8]!;
  let p0 = Math.log(p.initial[0]!) + logB[0]!;
  let p1 = Math.log(p.initial[1]!) + logB[1]!;
  let p2 = Math.log(p.initial[2]!) + logB[2]!;
  logAlpha[0] = p0;
  logAlpha[1] = p1;
  logAlpha[2] = p2;
  for (let r = 3; r < 3 * t; r += 3) {
    const n0 = logSumExp3(p0 + a00, p1 + a10, p2 + a20) + logB[r]!;
    const n1 = logSumExp3(p0 + a01, p1 + a11, p2 + a21) + logB[r + 1]!;
    const n2 = logSumExp3(p0 + a02, p1 + a12, p2 + a22) + logB[r + 2]!;
    logAlpha[r] = n0;
    logAlpha[r + 1] = n1;
    logAlpha[r + 2] = n2;
    p0 = n0;
    p1 = n1;
    p2 = n2;
  }
  return logSumExpAt(logAlpha, (t - 1) * 3, 3);
}

function backward3(w: Work): void {
  const { t, logA, logB, logBeta } = w;
  const a00 = logA[0]!;
  const a01 = logA[1]!;
  const a02 = logA[2]!;
  const a10 = logA[3]!;
  const a11 = logA[4]!;
  const a12 = logA[5]!;
  const a20 = logA[6]!;
  const a21 = logA[7]!;
  const a22 = logA[8]!;
  let n0 = 0;
  let n1 = 0;
  let n2 = 0;
  const last = (t - 1) * 3;
  logBeta[last] = 0;
  logBeta[last + 1] = 0;
  logBeta[last + 2] = 0;
  for (let r = last - 3; r >= 0; r -= 3) {
    const b0 = logB[r + 3]!;
    const b1 = logB[r + 4]!;
    const b2 = logB[r + 5]!;
    const c0 = logSumExp3(a00 + b0 + n0, a01 + b1 + n1, a02 + b2 + n2);
    const c1 = logSumExp3(a10 + b0 + n0, a11 + b1 + n1, a12 + b2 + n2);
    const c2 = logSumExp3(a20 + b0 + n0, a21 + b1 + n1, a22 + b2 + n2);
    logBeta[r] = c0;
    logBeta[r + 1] = c1;
    logBeta[r + 2] = c2;
    n0 = c0;
    n1 = c1;
    n2 = c2;
  }
}

function accumulate3(w: Work, logLik: number): void {
  const { t, dim, obs, logA, logB, logAlpha, logBeta, gammaSum, xSum, x2Sum, xiSum, init } = w;
  const a00 = logA[0]!;
  const a01 = logA[1]!;
  const a02 = logA[2]!;
  const a10 = logA[3]!;
  const a11 = logA[4]!;
  const a12 = logA[5]!;
  const a20 = logA[6]!;
  const a21 = logA[7]!;
  const a22 = logA[8]!;
  let gs0 = 0;
  let gs1 = 0;
  let gs2 = 0;
  let x00 = 0;
  let x01 = 0;
  let x02 = 0;
  let x10 = 0;
  let x11 = 0;
  let x12 = 0;
  let x20 = 0;
  let x21 = 0;
  let x22 = 0;
  xSum.fill(0);
  x2Sum.fill(0);
  for (let s = 0; s < t; s++) {
    const r = s * 3;
    const la0 = logAlpha[r]!;
    const la1 = logAlpha[r + 1]!;
    const la2 = logAlpha[r + 2]!;
    const g0 = Math.exp(la0 + logBeta[r]! - logLik);
    const g1 = Math.exp(la1 + logBeta[r + 1]! - logLik);
    const g2 = Math.exp(la2 + logBeta[r + 2]! - logLik);
    if (s === 0) {
      init[0] = g0;
      init[1] = g1;
      init[2] = g2;
    }
    gs0 += g0;
    gs1 += g1;
    gs2 += g2;
    const xo = s * dim;
    for (let d = 0; d < dim; d++) {
      const x = obs[xo + d]!;
      xSum[d]! += g0 * x;
      x2Sum[d]! += g0 * x * x;
      xSum[dim + d]! += g1 * x;
      x2Sum[dim + d]! += g1 * x * x;
      xSum[2 * dim + d]! += g2 * x;
      x2Sum[2 * dim + d]! += g2 * x * x;
    }
    if (s < t - 1) {
      const b0 = logB[r + 3]!;
      const b1 = logB[r + 4]!;
      const b2 = logB[r + 5]!;
      const n0 = logBeta[r + 3]!;
      const n1 = logBeta[r + 4]!;
      const n2 = logBeta[r + 5]!;
      const e0 = la0 - logLik;
      x00 += Math.exp(e0 + a00 + b0 + n0);
      x01 += Math.exp(e0 + a01 + b1 + n1);
      x02 += Math.exp(e0 + a02 + b2 + n2);
      const e1 = la1 - logLik;
      x10 += Math.exp(e1 + a10 + b0 + n0);
      x11 += Math.exp(e1 + a11 + b1 + n1);
      x12 += Math.exp(e1 + a12 + b2 + n2);
      const e2 = la2 - logLik;
      x20 += Math.exp(e2 + a20 + b0 + n0);
      x21 += Math.exp(e2 + a21 + b1 + n1);
      x22 += Math.exp(e2 + a22 + b2 + n2);
    }
  }
  gammaSum[0] = gs0;
  gammaSum[1] = gs1;
  gammaSum[2] = gs2;
  xiSum[0] = x00;
  xiSum[1] = x01;
  xiSum[2] = x02;
  xiSum[3] = x10;
  xiSum[4] = x11;
  xiSum[5] = x12;
  xiSum[6] = x20;
  xiSum[7] = x21;
  xiSum[8] = x22;
}

/**
 * One EM iteration: returns the log-likelihood of `cur` (the input parameters) and writes the
 * re-estimated parameters to `next`.
 */
function emStep(cur: FlatParams, next: FlatParams, w: Work, varFloor: number[]): number {
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

/**
 * Log-likelihood of a sequence under `params` (forward algorithm in log space). Throws an Error for
 * invalid parameters, an empty sequence, or an observation that is not `dim` finite numbers.
 */
export function hmmLogLikelihood(params: GaussianHmmParams, obs: readonly (readonly number[])[]): number {
  validateHmmParams(params);
  const k = params.initial.length;
  const dim = params.means[0]!.length;
  if (!Array.isArray(obs) || obs.length < 1) throw new Error("hmm loglik: need at least one observation");
  checkObservations("hmm loglik", obs, dim);
  const w = allocWork(obs, k, dim);
  const p = allocFlat(k, dim);
  toFlat(params, k, dim, p);
  prepare(p, w);
  return forward(p, w);
}

/** Fit a Gaussian HMM to `obs` (T×D) by Baum–Welch with seeded restarts. */
export function fitGaussianHmm(
  obs: readonly (readonly number[])[],
  options: HmmFitOptions = {},
): HmmFitResult {
  const k = options.numStates ?? 3;
  const restarts = options.restarts ?? 4;
  const maxIter = options.maxIter ?? 100;
  const tolPerObs = options.tolPerObs ?? 1e-7;
  const volFeature = options.volFeature ?? 0;
  const seed = options.seed ?? 1;
  const t = obs.length;
  if (!(k >= 1 && Number.isInteger(k)))
    throw new Error(`hmm fit: numStates must be a positive integer, got ${k}`);
  if (!(restarts >= 1 && Number.isInteger(restarts)))
    throw new Error(`hmm fit: restarts must be a positive integer, got ${restarts}`);
  if (!(maxIter >= 1 && Number.isInteger(maxIter)))
    throw new Error(`hmm fit: maxIter must be a positive integer, got ${maxIter}`);
  if (Number.isNaN(tolPerObs)) throw new Error("hmm fit: tolPerObs must be a number, got NaN");
  if (!Number.isInteger(seed)) throw new Error(`hmm fit: seed must be an integer, got ${seed}`);
  if (t < 2 * k) throw new Error(`hmm fit: need at least ${2 * k} observations, got ${t}`);
  const dim = obs[0]!.length;
  if (dim < 1) throw new Error("hmm fit: observations must have at least one feature");
  checkObservations("hmm fit", obs, dim);
  if (!(Number.isInteger(volFeature) && volFeature >= 0 && volFeature < dim))
    throw new Error(`hmm fit: volFeature ${volFeature} out of range`);

  const globalMean = new Array<number>(dim).fill(0);
  const globalVar = new Array<number>(dim).fill(0);
  for (const x of obs) for (let d = 0; d < dim; d++) globalMean[d]! += x[d]! / t;
  for (const x of obs) for (let d = 0; d < dim; d++) globalVar[d]! += (x[d]! - globalMean[d]!) ** 2 / t;
  const varFloor = globalVar.map((v) =>
    Math.max(options.absVarFloor ?? 1e-9, (options.relVarFloor ?? 1e-3) * v),
  );

  const rng = new Rng(seed);
  const w = allocWork(obs, k, dim);
  // Current and re-estimated parameters: two buffers that swap roles every iteration.
  let cur = allocFlat(k, dim);
  let next = allocFlat(k, dim);
  let best: HmmFitResult | null = null;
  const restartLls: number[] = [];
  for (let r = 0; r < restarts; r++) {
    toFlat(initialParams(obs, k, r, rng, globalVar, varFloor, volFeature), k, dim, cur);
    const history: number[] = [];
    let ll = Number.NEGATIVE_INFINITY;
    let iter = 0;
    for (; iter < maxIter; iter++) {
      const logLik = emStep(cur, next, w, varFloor);
      history.push(logLik);
      const gain = logLik - ll;
      ll = logLik;
      const done = cur;
      cur = next;
      next = done;
      if (iter > 0 && gain < tolPerObs * t) break;
    }
    prepare(cur, w);
    const finalLl = forward(cur, w);
    restartLls.push(finalLl);
    if (best === null || finalLl > best.logLikelihood) {
      best = {
        params: fromFlat(cur, k, dim),
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

/** Throw (prefixed with `where`) unless every observation has `dim` finite values. */
function checkObservations(where: string, obs: readonly (readonly number[])[], dim: number): void {
  for (let i = 0; i < obs.length; i++) {
    const x = obs[i]!;
    if (x.length !== dim)
      throw new Error(`${where}: observation ${i} has ${x.length} features, expected ${dim}`);
    for (const v of x)
      if (!Number.isFinite(v)) throw new Error(`${where}: observation ${i} has a non-finite value`);
  }
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
