/**
 * Offline Baum–Welch (EM) fit of a diagonal-Gaussian HMM, entirely in log space, with seeded
 * restarts (best log-likelihood wins), variance floors, and volatility-ordered state labels.
 */
import { Rng } from "@mmkit/core";
import { type GaussianHmmParams, orderStatesByVolatility } from "./hmm.js";

/** Options of `fitGaussianHmm`. */
export interface HmmFitOptions {
  /** Number of hidden states (default 3: calm / normal / volatile). */
  numStates?: number;
  /** Number of EM restarts (default 4); restart 0 uses a deterministic quantile initialisation. */
  restarts?: number;
  /** Maximum EM iterations per restart (default 100). */
  maxIter?: number;
  /** Stop when the log-likelihood gain per observation falls below this (default 1e-7). */
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
 * and backward log messages (T×K), and two parameter buffers (current / next) that EM swaps
 * instead of allocating new parameter objects every iteration. Every formula below keeps the
 * operation order of the straightforward nested-array version, so results are bit-identical.
 */
interface Work {
  t: number;
  k: number;
  dim: number;
  obs: Float64Array;
  logB: Float64Array;
  logAlpha: Float64Array;
  logBeta: Float64Array;
  /** ln of the current transition matrix (K×K). */
  logA: Float64Array;
  /** ln of the current variances (K×D). */
  logVar: Float64Array;
  /** E-step accumulators. */
  gammaSum: Float64Array;
  xSum: Float64Array;
  x2Sum: Float64Array;
  xiSum: Float64Array;
  init: Float64Array;
  /** Per xiSum cell: exp arguments below this cannot change the cell (see emStep). */
  xiBelow: Float64Array;
  /** Scratch of K log terms. */
  tmp: Float64Array;
  /** Terms before the max below this (each) total < 2^-53 (see logSumExpK). */
  leadBelow: number;
  cur: FlatParams;
  next: FlatParams;
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
    xiBelow: new Float64Array(k * k),
    tmp: new Float64Array(k),
    // (K−1) terms each < exp(leadBelow) sum to < 2^-53 (0.25 of margin for rounding).
    leadBelow: k > 1 ? -53 * Math.LN2 - Math.log(k - 1) - 0.25 : Number.NEGATIVE_INFINITY,
    cur: allocFlat(k, dim),
    next: allocFlat(k, dim),
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

/** ln of the transition matrix of `p` into `w.logA`. */
function logTransition(p: FlatParams, w: Work): void {
  const kk = w.k * w.k;
  for (let q = 0; q < kk; q++) w.logA[q] = Math.log(p.transition[q]!);
}

function emissions(p: FlatParams, w: Work): void {
  const { t, k, dim, obs, logB, logVar } = w;
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

/**
 * Terms of exp(d) that cannot change a sum: once a partial sum is >= 1 its half-ulp is >= 2^-53,
 * and exp(d) < 2^-53 for d < ln 2^-53 = -36.74 (-37 leaves margin for exp's rounding), so
 * `sum + exp(d) === sum` exactly and the exp can be skipped.
 */
const ABSORBED_BELOW = -37;

/**
 * log Σ exp(v_i) over `v[0..k)`, bit-identical to `logSumExp` (max, then Σ exp(v_i − max) in index
 * order, then max + ln Σ) but without the transcendental calls whose results are known exactly:
 * exp(0) = 1 for the max term; terms absorbed by a partial sum >= 1 (see ABSORBED_BELOW); terms
 * before the max whose total stays below 2^-53 (`leadBelow`), since then (their sum) + 1 rounds
 * to exactly 1; and ln 1 = 0 when the sum is exactly 1.
 */
function logSumExpK(v: Float64Array, k: number, leadBelow: number): number {
  let m = Number.NEGATIVE_INFINITY;
  let im = 0;
  for (let i = 0; i < k; i++) {
    if (v[i]! > m) {
      m = v[i]!;
      im = i;
    }
  }
  if (m === Number.NEGATIVE_INFINITY) return m;
  let sum = 0;
  if (m === Number.POSITIVE_INFINITY) {
    for (let i = 0; i < k; i++) sum += Math.exp(v[i]! - m);
    return m + Math.log(sum);
  }
  let i = 0;
  let lead = true;
  for (let q = 0; q < im; q++) {
    if (!(v[q]! - m < leadBelow)) {
      lead = false;
      break;
    }
  }
  if (lead) {
    sum = 1;
    i = im + 1;
  }
  for (; i < k; i++) {
    const d = v[i]! - m;
    if (d === 0) sum += 1;
    else if (!(sum >= 1 && d < ABSORBED_BELOW)) sum += Math.exp(d);
  }
  return sum === 1 ? m + 0 : m + Math.log(sum);
}

/** Forward pass in log space (uses `w.logA`); returns the log-likelihood. */
function forward(p: FlatParams, w: Work): number {
  const { t, k, logA, logB, logAlpha, tmp, leadBelow } = w;
  for (let j = 0; j < k; j++) logAlpha[j] = Math.log(p.initial[j]!) + logB[j]!;
  for (let s = 1; s < t; s++) {
    const prev = (s - 1) * k;
    const row = s * k;
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < k; i++) tmp[i] = logAlpha[prev + i]! + logA[i * k + j]!;
      logAlpha[row + j] = logSumExpK(tmp, k, leadBelow) + logB[row + j]!;
    }
  }
  return logSumExpRange(logAlpha, (t - 1) * k, t * k);
}

/** logSumExp of `xs[from..to)` (same arithmetic as `logSumExp`). */
function logSumExpRange(xs: Float64Array, from: number, to: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) if (xs[i]! > m) m = xs[i]!;
  if (m === Number.NEGATIVE_INFINITY) return m;
  let s = 0;
  for (let i = from; i < to; i++) s += Math.exp(xs[i]! - m);
  return m + Math.log(s);
}

/** Backward pass in log space (uses `w.logA` and `w.logB`). */
function backward(w: Work): void {
  const { t, k, logA, logB, logBeta, tmp, leadBelow } = w;
  for (let j = 0; j < k; j++) logBeta[(t - 1) * k + j] = 0;
  for (let s = t - 2; s >= 0; s--) {
    const nx = (s + 1) * k;
    for (let i = 0; i < k; i++) {
      const ao = i * k;
      for (let j = 0; j < k; j++) tmp[j] = logA[ao + j]! + logB[nx + j]! + logBeta[nx + j]!;
      logBeta[s * k + i] = logSumExpK(tmp, k, leadBelow);
    }
  }
}

/** E-step sums (γ, Σγx, Σγx², ξ and the initial γ) into `w`, any K. */
function accumulate(w: Work, logLik: number): void {
  const { t, k, dim, obs, logA, logB, logAlpha, logBeta, gammaSum, xSum, x2Sum, xiSum, init } = w;
  const xiBelow = w.xiBelow;
  xiBelow.fill(Number.NEGATIVE_INFINITY);
  gammaSum.fill(0);
  xSum.fill(0);
  x2Sum.fill(0);
  xiSum.fill(0);
  init.fill(0);
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
      if ((s & 31) === 0 && s > 0) {
        // Refresh the absorption bounds: an addend below xiSum·2^-54 (< half an ulp) cannot change
        // it. xiSum only grows, so a bound from an earlier (smaller) sum stays valid.
        for (let q = 0; q < k * k; q++) {
          const x = xiSum[q]!;
          if (x > 0) xiBelow[q] = Math.log(x) - XI_MARGIN;
        }
      }
      const nx = row + k;
      for (let i = 0; i < k; i++) {
        const a = logAlpha[row + i]! - logLik;
        const ao = i * k;
        for (let j = 0; j < k; j++) {
          const arg = a + logA[ao + j]! + logB[nx + j]! + logBeta[nx + j]!;
          if (!(arg < xiBelow[ao + j]!)) xiSum[ao + j]! += Math.exp(arg);
        }
      }
    }
  }
}

// ---- K = 3 (the regime detector's calm / normal / volatile) -----------------------------------
// The same arithmetic as the generic passes, unrolled with the K×K log-transition matrix and the
// previous step's messages in locals: no scratch arrays, no inner loops.

/** One term of a logSumExp sum (see `logSumExpK`): exp(0) = 1, absorbed terms skipped. */
function addTerm(sum: number, d: number): number {
  if (d === 0) return sum + 1;
  if (sum >= 1 && d < ABSORBED_BELOW) return sum;
  return sum + Math.exp(d);
}

/** `logSumExpK` for K = 3 (same decisions and the same additions, in the same order). */
function logSumExp3(v0: number, v1: number, v2: number, leadBelow: number): number {
  let m = Number.NEGATIVE_INFINITY;
  let im = 0;
  if (v0 > m) m = v0;
  if (v1 > m) {
    m = v1;
    im = 1;
  }
  if (v2 > m) {
    m = v2;
    im = 2;
  }
  if (m === Number.NEGATIVE_INFINITY) return m;
  if (m === Number.POSITIVE_INFINITY) {
    return m + Math.log(0 + Math.exp(v0 - m) + Math.exp(v1 - m) + Math.exp(v2 - m));
  }
  const d0 = v0 - m;
  const d1 = v1 - m;
  const d2 = v2 - m;
  let sum: number;
  if (im === 0) {
    sum = addTerm(addTerm(1, d1), d2);
  } else if (im === 1) {
    sum = addTerm(d0 < leadBelow ? 1 : addTerm(addTerm(0, d0), d1), d2);
  } else {
    sum = d0 < leadBelow && d1 < leadBelow ? 1 : addTerm(addTerm(addTerm(0, d0), d1), d2);
  }
  return sum === 1 ? m + 0 : m + Math.log(sum);
}

function forward3(p: FlatParams, w: Work): number {
  const { t, logA, logB, logAlpha, leadBelow } = w;
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
    const n0 = logSumExp3(p0 + a00, p1 + a10, p2 + a20, leadBelow) + logB[r]!;
    const n1 = logSumExp3(p0 + a01, p1 + a11, p2 + a21, leadBelow) + logB[r + 1]!;
    const n2 = logSumExp3(p0 + a02, p1 + a12, p2 + a22, leadBelow) + logB[r + 2]!;
    logAlpha[r] = n0;
    logAlpha[r + 1] = n1;
    logAlpha[r + 2] = n2;
    p0 = n0;
    p1 = n1;
    p2 = n2;
  }
  return logSumExpRange(logAlpha, (t - 1) * 3, t * 3);
}

function backward3(w: Work): void {
  const { t, logA, logB, logBeta, leadBelow } = w;
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
    const c0 = logSumExp3(a00 + b0 + n0, a01 + b1 + n1, a02 + b2 + n2, leadBelow);
    const c1 = logSumExp3(a10 + b0 + n0, a11 + b1 + n1, a12 + b2 + n2, leadBelow);
    const c2 = logSumExp3(a20 + b0 + n0, a21 + b1 + n1, a22 + b2 + n2, leadBelow);
    logBeta[r] = c0;
    logBeta[r + 1] = c1;
    logBeta[r + 2] = c2;
    n0 = c0;
    n1 = c1;
    n2 = c2;
  }
}

/** ξ accumulation of one cell: skipped when the addend is known to be absorbed (see emStep). */
function addXi(sum: number, arg: number, below: number): number {
  return arg < below ? sum : sum + Math.exp(arg);
}

/** Bound for `addXi` from the current cell sum (valid while the sum only grows). */
function xiBound(sum: number, prev: number): number {
  return sum > 0 ? Math.log(sum) - XI_MARGIN : prev;
}

/** E-step sums for K = 3 (γ, Σγx, Σγx², ξ and the initial γ) into `w`. */
function accumulate3(w: Work, logLik: number): void {
  const { t, dim, obs, logA, logB, logAlpha, logBeta, xSum, x2Sum, xiSum, init } = w;
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
  const NEG = Number.NEGATIVE_INFINITY;
  let l00 = NEG;
  let l01 = NEG;
  let l02 = NEG;
  let l10 = NEG;
  let l11 = NEG;
  let l12 = NEG;
  let l20 = NEG;
  let l21 = NEG;
  let l22 = NEG;
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
    }
    for (let d = 0; d < dim; d++) {
      const x = obs[xo + d]!;
      xSum[dim + d]! += g1 * x;
      x2Sum[dim + d]! += g1 * x * x;
    }
    for (let d = 0; d < dim; d++) {
      const x = obs[xo + d]!;
      xSum[2 * dim + d]! += g2 * x;
      x2Sum[2 * dim + d]! += g2 * x * x;
    }
    if (s < t - 1) {
      if ((s & 31) === 0 && s > 0) {
        l00 = xiBound(x00, l00);
        l01 = xiBound(x01, l01);
        l02 = xiBound(x02, l02);
        l10 = xiBound(x10, l10);
        l11 = xiBound(x11, l11);
        l12 = xiBound(x12, l12);
        l20 = xiBound(x20, l20);
        l21 = xiBound(x21, l21);
        l22 = xiBound(x22, l22);
      }
      const b0 = logB[r + 3]!;
      const b1 = logB[r + 4]!;
      const b2 = logB[r + 5]!;
      const n0 = logBeta[r + 3]!;
      const n1 = logBeta[r + 4]!;
      const n2 = logBeta[r + 5]!;
      const e0 = la0 - logLik;
      x00 = addXi(x00, e0 + a00 + b0 + n0, l00);
      x01 = addXi(x01, e0 + a01 + b1 + n1, l01);
      x02 = addXi(x02, e0 + a02 + b2 + n2, l02);
      const e1 = la1 - logLik;
      x10 = addXi(x10, e1 + a10 + b0 + n0, l10);
      x11 = addXi(x11, e1 + a11 + b1 + n1, l11);
      x12 = addXi(x12, e1 + a12 + b2 + n2, l12);
      const e2 = la2 - logLik;
      x20 = addXi(x20, e2 + a20 + b0 + n0, l20);
      x21 = addXi(x21, e2 + a21 + b1 + n1, l21);
      x22 = addXi(x22, e2 + a22 + b2 + n2, l22);
    }
  }
  const gammaSum = w.gammaSum;
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

/** ln 2^54 plus margin: exp(arg) < x·2^-54 <= half an ulp of x when arg < ln x − XI_MARGIN. */
const XI_MARGIN = 54 * Math.LN2 + 1e-3;

/**
 * One EM iteration on `w.cur`: returns the log-likelihood of those (input) parameters and writes
 * the re-estimated parameters to `w.next`.
 */
function emStep(w: Work, varFloor: number[]): number {
  const { k, dim, gammaSum, xSum, x2Sum, xiSum, init } = w;
  const cur = w.cur;
  const next = w.next;
  emissions(cur, w);
  logTransition(cur, w);
  const logLik = k === 3 ? forward3(cur, w) : forward(cur, w);
  if (k === 3) backward3(w);
  else backward(w);

  if (k === 3) accumulate3(w, logLik);
  else accumulate(w, logLik);
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

/** Log-likelihood of a sequence under `params` (forward algorithm in log space). */
export function hmmLogLikelihood(params: GaussianHmmParams, obs: readonly (readonly number[])[]): number {
  const k = params.initial.length;
  const dim = params.means[0]!.length;
  const w = allocWork(obs, k, dim);
  toFlat(params, k, dim, w.cur);
  return flatLogLikelihood(w);
}

/** Log-likelihood of the observations under `w.cur`. */
function flatLogLikelihood(w: Work): number {
  emissions(w.cur, w);
  logTransition(w.cur, w);
  return w.k === 3 ? forward3(w.cur, w) : forward(w.cur, w);
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
  const w = allocWork(obs, k, dim);
  let best: HmmFitResult | null = null;
  const restartLls: number[] = [];
  for (let r = 0; r < restarts; r++) {
    toFlat(initialParams(obs, k, r, rng, globalVar, varFloor, volFeature), k, dim, w.cur);
    const history: number[] = [];
    let ll = Number.NEGATIVE_INFINITY;
    let iter = 0;
    for (; iter < maxIter; iter++) {
      const logLik = emStep(w, varFloor);
      history.push(logLik);
      const gain = logLik - ll;
      ll = logLik;
      // The re-estimated parameters become the current ones (buffers swap, nothing allocated).
      const done = w.cur;
      w.cur = w.next;
      w.next = done;
      if (iter > 0 && gain < tolPerObs * t) break;
    }
    const finalLl = flatLogLikelihood(w);
    restartLls.push(finalLl);
    if (best === null || finalLl > best.logLikelihood) {
      best = {
        params: fromFlat(w.cur, k, dim),
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
