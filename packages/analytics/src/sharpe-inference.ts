/** Sharpe-ratio inference: the Mertens (2002) variance factor and standard error and the Probabilistic Sharpe Ratio. */
import { normalCdf } from "./distributions.js";

/**
 * Variance factor of the per-period Sharpe estimator (Mertens 2002, with raw kurtosis γ4):
 * V = 1 − γ3·SR + (γ4 − 1)/4 · SR². Var(SR̂) ≈ V / n (Mertens) or V / (n−1) (PSR).
 */
export function sharpeVarianceFactor(srPerPeriod: number, skew: number, kurtosisRaw: number): number {
  return 1 - skew * srPerPeriod + ((kurtosisRaw - 1) / 4) * srPerPeriod * srPerPeriod;
}

/**
 * Standard error of the per-period Sharpe ratio, sqrt(V / n) (null if V ≤ 0 or n < 2; an Error
 * when an input is not finite).
 */
export function sharpeStdError(
  srPerPeriod: number,
  n: number,
  skew: number,
  kurtosisRaw: number,
): number | null {
  assertFiniteArgs("sharpeStdError", [srPerPeriod, n, skew, kurtosisRaw]);
  if (n < 2) return null;
  const v = sharpeVarianceFactor(srPerPeriod, skew, kurtosisRaw);
  return v > 0 ? Math.sqrt(v / n) : null;
}

/**
 * Probabilistic Sharpe Ratio (Bailey & López de Prado), all in per-period units and with RAW
 * kurtosis (normal = 3): PSR = Φ((SR − SR*)·√(n−1) / √(1 − γ3·SR + (γ4−1)/4·SR²)).
 * Null if n < 2 or the variance factor is ≤ 0. `varianceMultiplier` scales the variance (e.g. a
 * long-run variance factor for autocorrelated returns). An Error when an input is not finite.
 */
export function probabilisticSharpe(
  srPerPeriod: number,
  n: number,
  skew: number,
  kurtosisRaw: number,
  benchmarkSrPerPeriod = 0,
  varianceMultiplier = 1,
): number | null {
  assertFiniteArgs("probabilisticSharpe", [
    srPerPeriod,
    n,
    skew,
    kurtosisRaw,
    benchmarkSrPerPeriod,
    varianceMultiplier,
  ]);
  if (n < 2 || !(varianceMultiplier > 0)) return null;
  const v = sharpeVarianceFactor(srPerPeriod, skew, kurtosisRaw) * varianceMultiplier;
  if (!(v > 0)) return null;
  return normalCdf(((srPerPeriod - benchmarkSrPerPeriod) * Math.sqrt(n - 1)) / Math.sqrt(v));
}

const SHARPE_ARG_NAMES = [
  "srPerPeriod",
  "n",
  "skew",
  "kurtosisRaw",
  "benchmarkSrPerPeriod",
  "varianceMultiplier",
];

/** Throw an Error naming the first non-finite of `xs` (arguments in SHARPE_ARG_NAMES order). */
function assertFiniteArgs(fn: string, xs: readonly number[]): void {
  const i = xs.findIndex((x) => !Number.isFinite(x));
  if (i >= 0) throw new Error(`${fn}: ${SHARPE_ARG_NAMES[i]} must be finite, got ${xs[i]}`);
}
