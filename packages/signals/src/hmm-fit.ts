/**
 * Offline Baum–Welch (EM) fit of a diagonal-Gaussian HMM, entirely in log space, with seeded
 * restarts (best log-likelihood wins), variance floors, and volatility-ordered state labels.
 */
import { Rng } from "@mmkit/core";
import { type GaussianHmmParams, orderStatesByVolatility, validateHmmParams } from "./hmm.js";
import { emStep } from "./hmm-em-step.js";
import { allocFlat, allocWork, fromFlat, toFlat } from "./hmm-fit-workspace.js";
import { forward, prepare } from "./hmm-forward-backward.js";
import { initialParams } from "./hmm-initialisation.js";

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
