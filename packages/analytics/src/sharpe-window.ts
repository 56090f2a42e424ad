/** One rolling window's Sharpe record (Lo-adjusted, with standard error and PSR) from its returns. */
import type { SharpeWindowRecord } from "./records.js";
import {
  type LoGmmOmega,
  longRunVarianceFactor,
  loEta,
  loGmmOmega,
  loGmmVariance,
  normalCdf,
  probabilisticSharpe,
  type RunningMoments,
  sharpeStdError,
} from "./stats.js";

/**
 * Return standard deviation (fraction of the base) at or below which a window's returns count as
 * constant: bucket returns are equity differences over the base, so their rounding noise is
 * ≈ 1e−16·equity/base, and a steady equity curve (e.g. +0.1 per minute on 1000) shows std ≈ 5e−17
 * and a "Sharpe" of 1.6e15. Such a window has no Sharpe (null), like an exactly constant one.
 */
export const MIN_RETURN_STD = 1e-12;

/** Summary statistics of a sequence of bucket returns (fractions) plus its equity path. */
export interface WindowInput {
  /** Bucket returns as fractions of the base. */
  returns: ArrayLike<number>;
  /** Lag-1..L autocorrelations of `returns` (standard estimator). */
  rhos: number[];
  /**
   * Lo's GMM long-run covariance Ω̃ of the returns over the same L = `rhos.length` lags, when it is
   * not to be computed from `returns` (the "all" window keeps it from running sums); null when it
   * is unavailable (the GMM fields are then null).
   */
  gmm?: LoGmmOmega | null;
  /** Moments of `returns`. */
  moments: RunningMoments;
  /** Max drawdown of the bucket-end equity path (including the start equity). */
  maxDrawdownAbs: number | null;
  /** Max drawdown fraction of the same path. */
  maxDrawdownFrac: number | null;
}

/**
 * Compute one window's record from its returns' moments and autocorrelations.
 * `periodsPerYear` annualizes (√P); Lo's q = periodsPerYear. Sharpe and everything derived from it
 * (Lo, SE, PSR) is null when n < 2 or std ≤ {@link MIN_RETURN_STD} (constant up to rounding).
 * The HAC fields are Lo's GMM ones: V = ∇g Ω̂ ∇g' over the same L lags as `lrv_factor`
 * (see lo-gmm.ts), SE = √(V/n)·√P, PSR = Φ(SR·√(n−1)/√V); null when V ≤ 0 or where the i.i.d.
 * SE or `lrv_factor` is null.
 */
export function windowRecord(
  label: string,
  windowSecs: number | null,
  input: WindowInput,
  periodsPerYear: number,
): SharpeWindowRecord {
  const m = input.moments;
  const n = m.n;
  const mean = m.mean();
  const std = m.std();
  const sr = mean !== null && std !== null && std > MIN_RETURN_STD ? mean / std : null;
  const skew = m.skew();
  const kurt = m.kurtosisRaw();
  const lags = input.rhos.length;
  const eta = sr !== null && lags >= 1 ? loEta(periodsPerYear, input.rhos) : null;
  const sePp = sr !== null && skew !== null && kurt !== null ? sharpeStdError(sr, n, skew, kurt) : null;
  const sqrtP = Math.sqrt(periodsPerYear);
  const f = sr !== null && lags >= 1 ? longRunVarianceFactor(input.rhos) : null;
  const psr =
    sr !== null && skew !== null && kurt !== null ? probabilisticSharpe(sr, n, skew, kurt, 0) : null;
  // Lo's GMM (Newey–West, Bartlett, L lags) variance of SR̂; only where the i.i.d. SE and the
  // long-run variance factor exist (sePp ≠ null implies SR, skew and kurtosis do)
  let vGmm: number | null = null;
  if (sePp !== null && f !== null) {
    const omega = input.gmm !== undefined ? input.gmm : loGmmOmega(input.returns, lags);
    vGmm = omega === null ? null : loGmmVariance(sr!, omega);
  }
  return {
    window: label,
    window_secs: windowSecs,
    n,
    mean_return_bps: mean === null ? null : mean * 1e4,
    std_return_bps: std === null ? null : std * 1e4,
    sharpe_per_period: sr,
    sharpe_annualized: sr === null ? null : sr * sqrtP,
    lo_sharpe_annualized: sr !== null && eta !== null ? sr * eta : null,
    lo_q: eta === null ? null : periodsPerYear,
    lo_eta: eta,
    // the L of η, lrv_factor and the GMM fields: set whenever one of them is
    lo_lags: eta === null && f === null ? null : lags,
    sharpe_se_annualized: sePp === null ? null : sePp * sqrtP,
    lo_sharpe_se_annualized: sePp !== null && eta !== null ? sePp * eta : null,
    psr,
    lrv_factor: f,
    sharpe_se_hac_annualized: vGmm === null ? null : Math.sqrt(vGmm / n) * sqrtP,
    psr_hac: vGmm === null ? null : normalCdf((sr! * Math.sqrt(n - 1)) / Math.sqrt(vGmm)),
    skew,
    kurtosis_raw: kurt,
    max_drawdown_frac: input.maxDrawdownFrac,
    max_drawdown_abs: input.maxDrawdownAbs,
  };
}

/** Effective number of autocorrelation lags for n returns: min(maxLags, ⌊n/4⌋). */
export function effectiveLags(n: number, maxLags: number): number {
  return Math.min(maxLags, Math.floor(n / 4));
}
