/**
 * Gaussian hidden Markov model with diagonal-covariance emissions: parameters, log-space helpers,
 * the causal forward filter, sampling (for known-parameter synthetic data) and JSON persistence.
 */
import type { Rng } from "@mmkit/core";
import { z } from "zod";

/** Parameters of a K-state Gaussian HMM over D-dimensional observations (diagonal covariance). */
export interface GaussianHmmParams {
  /** Initial state distribution, length K. */
  initial: number[];
  /** Transition matrix, K×K, row = from-state, each row sums to 1. */
  transition: number[][];
  /** Emission means, K×D. */
  means: number[][];
  /** Emission variances (diagonal), K×D, each > 0. */
  variances: number[][];
}

const LOG_2PI = Math.log(2 * Math.PI);

/** log(Σ exp(xs)) computed stably; −∞ for an empty or all −∞ input. */
export function logSumExp(xs: ArrayLike<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < xs.length; i++) if (xs[i]! > m) m = xs[i]!;
  if (m === Number.NEGATIVE_INFINITY) return m;
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = xs[i]! - m;
    s += d === 0 ? 1 : Math.exp(d); // exp(0) is exactly 1
  }
  return m + Math.log(s);
}

/** Log density of observation `x` under state `k`'s diagonal Gaussian. */
export function logEmission(params: GaussianHmmParams, k: number, x: ArrayLike<number>): number {
  const mu = params.means[k]!;
  const v = params.variances[k]!;
  let lp = 0;
  for (let d = 0; d < mu.length; d++) {
    const diff = x[d]! - mu[d]!;
    lp -= 0.5 * (LOG_2PI + Math.log(v[d]!) + (diff * diff) / v[d]!);
  }
  return lp;
}

/** Throw a clear Error unless `params` is a well-formed HMM (shapes, stochastic rows, positive variances). */
export function validateHmmParams(params: GaussianHmmParams): void {
  const k = params.initial.length;
  if (k < 1) throw new Error("hmm: initial must have at least one state");
  if (params.transition.length !== k || params.means.length !== k || params.variances.length !== k) {
    throw new Error(`hmm: transition/means/variances must all have K=${k} rows`);
  }
  const dim = params.means[0]!.length;
  if (dim < 1) throw new Error("hmm: means must have at least one feature");
  const near1 = (s: number): boolean => Math.abs(s - 1) < 1e-6;
  if (!near1(params.initial.reduce((a, b) => a + b, 0))) throw new Error("hmm: initial must sum to 1");
  for (let i = 0; i < k; i++) {
    const row = params.transition[i]!;
    if (row.length !== k) throw new Error(`hmm: transition row ${i} must have ${k} entries`);
    if (row.some((p) => !(p >= 0)) || !near1(row.reduce((a, b) => a + b, 0))) {
      throw new Error(`hmm: transition row ${i} must be non-negative and sum to 1`);
    }
    if (params.means[i]!.length !== dim || params.variances[i]!.length !== dim) {
      throw new Error(`hmm: means/variances row ${i} must have D=${dim} entries`);
    }
    if (params.means[i]!.some((m) => !Number.isFinite(m))) throw new Error(`hmm: means row ${i} not finite`);
    if (params.variances[i]!.some((v) => !(v > 0) || !Number.isFinite(v))) {
      throw new Error(`hmm: variances row ${i} must be finite and > 0`);
    }
  }
}

/**
 * Causal forward filter: p(s_t | x_1..x_t), updated in O(K²) per observation (plus O(K·D) emissions).
 * It never looks ahead; there is deliberately no smoothing or Viterbi here.
 */
export class HmmForwardFilter {
  private params: GaussianHmmParams;
  private logTrans: number[][];
  /** ln of the variances, per state (emission log densities reuse them every update). */
  private logVar: number[][];
  private logProbs: Float64Array;
  private readonly scratch: Float64Array;
  private readonly col: Float64Array;
  private started = false;
  /** Number of observations filtered so far. */
  count = 0;

  /** Create a filter for the given parameters (validated). */
  constructor(params: GaussianHmmParams) {
    validateHmmParams(params);
    this.params = params;
    this.logTrans = params.transition.map((r) => r.map((p) => Math.log(p)));
    this.logVar = params.variances.map((r) => r.map((v) => Math.log(v)));
    const k = params.initial.length;
    this.logProbs = new Float64Array(k);
    this.scratch = new Float64Array(k);
    this.col = new Float64Array(k);
  }

  /** Number of states. */
  get numStates(): number {
    return this.params.initial.length;
  }

  /**
   * Swap parameters (after a refit) while keeping the current belief; states are volatility-ordered
   * by the fitter, so indices keep their meaning. Throws if K changes.
   */
  setParams(params: GaussianHmmParams): void {
    validateHmmParams(params);
    if (params.initial.length !== this.numStates) throw new Error("hmm filter: cannot change K on setParams");
    this.params = params;
    this.logTrans = params.transition.map((r) => r.map((p) => Math.log(p)));
    this.logVar = params.variances.map((r) => r.map((v) => Math.log(v)));
  }

  /** `logEmission(this.params, k, x)` with the variances' logs precomputed (same arithmetic). */
  private emission(k: number, x: ArrayLike<number>): number {
    const mu = this.params.means[k]!;
    const v = this.params.variances[k]!;
    const lv = this.logVar[k]!;
    let lp = 0;
    for (let d = 0; d < mu.length; d++) {
      const diff = x[d]! - mu[d]!;
      lp -= 0.5 * (LOG_2PI + lv[d]! + (diff * diff) / v[d]!);
    }
    return lp;
  }

  /**
   * Incorporate one observation (exactly D finite values: an Error naming the problem otherwise,
   * belief unchanged); returns the filtered probabilities (a fresh array).
   */
  update(x: ArrayLike<number>): number[] {
    const dim = this.params.means[0]!.length;
    if (x === null || typeof x !== "object" || x.length !== dim) {
      throw new Error(`hmm filter: observation must have D=${dim} features, got ${x?.length ?? x}`);
    }
    for (let d = 0; d < dim; d++) {
      if (!Number.isFinite(x[d]))
        throw new Error(`hmm filter: observation[${d}] must be finite, got ${x[d]}`);
    }
    const k = this.numStates;
    const next = this.scratch;
    if (!this.started) {
      for (let j = 0; j < k; j++) next[j] = Math.log(this.params.initial[j]!) + this.emission(j, x);
      this.started = true;
    } else {
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < k; i++) this.col[i] = this.logProbs[i]! + this.logTrans[i]![j]!;
        next[j] = logSumExp(this.col) + this.emission(j, x);
      }
    }
    const norm = logSumExp(next);
    if (!Number.isFinite(norm))
      throw new Error("hmm filter: observation has zero likelihood under every state");
    for (let j = 0; j < k; j++) this.logProbs[j] = next[j]! - norm;
    this.count++;
    return this.probs();
  }

  /** Current filtered probabilities (the parameters' initial distribution before any observation). */
  probs(): number[] {
    if (!this.started) return [...this.params.initial];
    const out: number[] = [];
    for (let j = 0; j < this.logProbs.length; j++) out.push(Math.exp(this.logProbs[j]!));
    return out;
  }

  /** Index of the most probable state under the current filtered belief. */
  argmax(): number {
    const p = this.probs();
    let best = 0;
    for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
    return best;
  }

  /**
   * Serializable filter state. A state with probability 0 (log −∞: a fitted transition column of
   * zeros, which EM reaches on quiet data) is written as null, since JSON has no −∞.
   */
  getState(): { started: boolean; count: number; logProbs: (number | null)[] } {
    return {
      started: this.started,
      count: this.count,
      logProbs: Array.from(this.logProbs, (x) => (x === Number.NEGATIVE_INFINITY ? null : x)),
    };
  }

  /** Restore `getState()` output (null = log −∞, a state with probability 0). */
  setState(s: { started: boolean; count: number; logProbs: readonly (number | null)[] }): void {
    if (s.logProbs.length !== this.numStates) throw new Error("hmm filter: state has wrong K");
    for (let i = 0; i < this.numStates; i++) {
      const x = s.logProbs[i];
      if (x !== null && x !== undefined && !Number.isFinite(x))
        throw new Error(`hmm filter: logProbs[${i}] must be finite or null (−∞), got ${x}`);
    }
    this.started = s.started;
    this.count = s.count;
    for (let i = 0; i < this.numStates; i++) {
      const x = s.logProbs[i];
      this.logProbs[i] = x === null || x === undefined ? Number.NEGATIVE_INFINITY : x;
    }
  }
}

/** Filter a whole sequence causally (each output uses only observations up to its index). */
export function filterSequence(params: GaussianHmmParams, xs: readonly ArrayLike<number>[]): number[][] {
  const f = new HmmForwardFilter(params);
  return xs.map((x) => f.update(x));
}

/** Draw `n` observations and their true states from the HMM (seeded; for tests and simulations). */
export function sampleHmm(
  params: GaussianHmmParams,
  n: number,
  rng: Rng,
): { states: number[]; obs: number[][] } {
  validateHmmParams(params);
  const draw = (p: number[]): number => {
    let u = rng.next();
    for (let i = 0; i < p.length; i++) {
      u -= p[i]!;
      if (u < 0) return i;
    }
    return p.length - 1;
  };
  const states: number[] = [];
  const obs: number[][] = [];
  let s = draw(params.initial);
  for (let t = 0; t < n; t++) {
    if (t > 0) s = draw(params.transition[s]!);
    states.push(s);
    obs.push(params.means[s]!.map((m, d) => m + Math.sqrt(params.variances[s]![d]!) * rng.normal()));
  }
  return { states, obs };
}

/**
 * Permute states so that state 0 has the smallest mean of feature `volFeature` (calmest) and the
 * last state the largest. Applied after every fit so labels never switch between fits. Throws for a
 * `volFeature` that is not an index of the means.
 */
export function orderStatesByVolatility(params: GaussianHmmParams, volFeature = 0): GaussianHmmParams {
  const k = params.initial.length;
  const dim = params.means[0]?.length ?? 0;
  if (!(Number.isInteger(volFeature) && volFeature >= 0 && volFeature < dim)) {
    throw new Error(`hmm: volFeature ${volFeature} out of range (the means have ${dim} features)`);
  }
  const order = Array.from({ length: k }, (_, i) => i).sort(
    (a, b) => params.means[a]![volFeature]! - params.means[b]![volFeature]!,
  );
  return {
    initial: order.map((i) => params.initial[i]!),
    transition: order.map((i) => order.map((j) => params.transition[i]![j]!)),
    means: order.map((i) => [...params.means[i]!]),
    variances: order.map((i) => [...params.variances[i]!]),
  };
}

/** zod schema of persisted HMM parameters (`{ version: 1, params, ... }`). */
export const HmmFileSchema = z.object({
  version: z.literal(1),
  params: z.object({
    initial: z.array(z.number().nonnegative()).min(1),
    transition: z.array(z.array(z.number().nonnegative())),
    means: z.array(z.array(z.number())),
    variances: z.array(z.array(z.number().positive())),
  }),
  featureNames: z.array(z.string()).optional(),
  logLikelihood: z.number().optional(),
  fittedOnBuckets: z.number().int().nonnegative().optional(),
});

/** Serialize HMM parameters (and optional metadata) to a JSON string. */
export function hmmToJson(
  params: GaussianHmmParams,
  meta: { featureNames?: string[]; logLikelihood?: number; fittedOnBuckets?: number } = {},
): string {
  return JSON.stringify({ version: 1, params, ...meta });
}

/** Parse and validate HMM parameters from JSON; throws a clear Error on malformed input. */
export function hmmFromJson(json: string): GaussianHmmParams {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`hmm json: not valid JSON (${(e as Error).message})`);
  }
  const parsed = HmmFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`hmm json: invalid parameters: ${parsed.error.message}`);
  const params = parsed.data.params;
  validateHmmParams(params);
  return params;
}
