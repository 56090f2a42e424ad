/**
 * Pure statistics used by every tracker: running moments, t-tests (Student t from ./distributions.ts,
 * ≈1e−12 relative or better; small p-values from the upper tail directly, never 1 − cdf), the Lo (2002)
 * autocorrelation adjustment, the Sharpe standard error (Mertens 2002) and the Probabilistic Sharpe
 * Ratio (Bailey & López de Prado 2012). Functions return `null` when the input is too small or
 * degenerate — never a made-up 0.
 */
import { type EncodedNumber, encodeNumber, readInt, readNumber, readVersioned } from "./checkpoint.js";
import { normalCdf, studentTCdf, studentTQuantile, studentTSf } from "./distributions.js";

/** Checkpoint of a {@link RunningMoments} (floats encoded, see {@link EncodedNumber}). */
export interface RunningMomentsState {
  version: 1;
  n: number;
  mean: EncodedNumber;
  m2: EncodedNumber;
  m3: EncodedNumber;
  m4: EncodedNumber;
}

/** Checkpoint of a {@link RunningRegression}. */
export interface RunningRegressionState {
  version: 1;
  n: number;
  meanX: EncodedNumber;
  meanY: EncodedNumber;
  sxx: EncodedNumber;
  sxy: EncodedNumber;
  syy: EncodedNumber;
}

/** Streaming mean / variance / skewness / raw kurtosis (Welford–Terriberry update, O(1) memory). */
export class RunningMoments {
  /** Number of observations. */
  n = 0;
  private meanV = 0;
  private m2 = 0;
  private m3 = 0;
  private m4 = 0;

  /** Add one observation (an Error for NaN/±Infinity, which would poison every moment; state unchanged). */
  push(x: number): void {
    if (!Number.isFinite(x)) throw new Error(`RunningMoments.push: x must be finite, got ${x}`);
    const n1 = this.n;
    this.n += 1;
    const n = this.n;
    const delta = x - this.meanV;
    const deltaN = delta / n;
    const deltaN2 = deltaN * deltaN;
    const term1 = delta * deltaN * n1;
    this.meanV += deltaN;
    this.m4 += term1 * deltaN2 * (n * n - 3 * n + 3) + 6 * deltaN2 * this.m2 - 4 * deltaN * this.m3;
    this.m3 += term1 * deltaN * (n - 2) - 3 * deltaN * this.m2;
    this.m2 += term1;
  }

  /**
   * Add `count` observations all equal to `x` in O(1): the pairwise merge (Chan et al.; Pébay 2008)
   * of this sample with a constant one. Equal to `count` calls of {@link push} up to rounding
   * (≈ count·1e−16 relative for the loop, a few ulps for the merge); count 1 is exactly `push(x)`.
   */
  pushRepeated(x: number, count: number): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new Error(`RunningMoments.pushRepeated: count must be an integer >= 0, got ${count}`);
    }
    if (count === 0) return;
    if (count === 1) {
      this.push(x);
      return;
    }
    if (this.n === 0) {
      // a constant sample: mean x, no spread
      this.n = count;
      this.meanV = x;
      this.m2 = 0;
      this.m3 = 0;
      this.m4 = 0;
      return;
    }
    const na = this.n;
    const nb = count;
    const n = na + nb;
    const delta = x - this.meanV;
    const dn = delta / n;
    const m2a = this.m2;
    const m3a = this.m3;
    this.meanV += dn * nb;
    this.m4 +=
      delta * dn * dn * dn * na * nb * (na * na - na * nb + nb * nb) +
      6 * dn * dn * nb * nb * m2a -
      4 * dn * nb * m3a;
    this.m3 += delta * dn * dn * na * nb * (na - nb) - 3 * dn * nb * m2a;
    this.m2 += delta * dn * na * nb;
    this.n = n;
  }

  /** Sum of squared deviations from the mean, Σ(x − x̄)². */
  m2Sum(): number {
    return this.m2;
  }

  /** Sample mean (null when empty). */
  mean(): number | null {
    return this.n > 0 ? this.meanV : null;
  }

  /** Sample variance with n−1 denominator (null when n < 2). */
  variance(): number | null {
    return this.n > 1 ? this.m2 / (this.n - 1) : null;
  }

  /** Sample standard deviation with n−1 denominator (null when n < 2). */
  std(): number | null {
    const v = this.variance();
    return v === null ? null : Math.sqrt(v);
  }

  /** Skewness γ3 = m3 / m2^{3/2} with population (1/n) central moments (null if n < 3 or flat). */
  skew(): number | null {
    if (this.n < 3 || this.m2 <= 0) return null;
    return (Math.sqrt(this.n) * this.m3) / this.m2 ** 1.5;
  }

  /** Raw (non-excess) kurtosis γ4 = m4 / m2² with population moments; normal = 3 (null if n < 4 or flat). */
  kurtosisRaw(): number | null {
    if (this.n < 4 || this.m2 <= 0) return null;
    return (this.n * this.m4) / (this.m2 * this.m2);
  }

  /** JSON-safe checkpoint of the accumulator. */
  getState(): RunningMomentsState {
    return {
      version: 1,
      n: this.n,
      mean: encodeNumber(this.meanV),
      m2: encodeNumber(this.m2),
      m3: encodeNumber(this.m3),
      m4: encodeNumber(this.m4),
    };
  }

  /** Restore from {@link getState} output (validated; throws naming the bad field, leaves this unchanged). */
  setState(state: RunningMomentsState, where = "RunningMoments state"): void {
    const r = readVersioned(state, where);
    const n = readInt(r, "n", where);
    const mean = readNumber(r, "mean", where);
    const m2 = readNumber(r, "m2", where);
    const m3 = readNumber(r, "m3", where);
    const m4 = readNumber(r, "m4", where);
    this.n = n;
    this.meanV = mean;
    this.m2 = m2;
    this.m3 = m3;
    this.m4 = m4;
  }

  /** A new accumulator restored from a checkpoint. */
  static fromState(state: RunningMomentsState, where?: string): RunningMoments {
    const m = new RunningMoments();
    m.setState(state, where);
    return m;
  }
}

/** Summary moments of an array (same definitions as {@link RunningMoments}; an Error naming a non-finite entry). */
export function momentsOf(xs: ArrayLike<number>): RunningMoments {
  const m = new RunningMoments();
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (!Number.isFinite(x)) throw new Error(`momentsOf: xs[${i}] must be finite, got ${x}`);
    m.push(x);
  }
  return m;
}

export { normalCdf, studentTCdf, studentTQuantile, studentTSf } from "./distributions.js";

/** Result of a t-test. */
export interface TTestResult {
  /** Estimated mean (or mean difference). */
  estimate: number;
  /** Standard error of the estimate. */
  se: number;
  /** t statistic. */
  t: number;
  /** Degrees of freedom. */
  df: number;
  /** p-value for the requested alternative. */
  p: number;
  /** 95% two-sided confidence interval of the estimate. */
  ci95: [number, number];
}

/** Alternative hypothesis of a test. */
export type Alternative = "two-sided" | "greater" | "less";

/** p-value of t; each tail is computed directly (1 − cdf would round p < 1e−16 to 0). */
function pValue(t: number, df: number, alternative: Alternative): number {
  if (alternative === "greater") return studentTSf(t, df);
  if (alternative === "less") return studentTCdf(t, df);
  return Math.min(1, 2 * studentTSf(Math.abs(t), df));
}

/**
 * One-sample t-test of mean = mu0 from summary statistics (n, mean, sample std).
 * Null unless n is an integer >= 2 and the mean, mu0 and std > 0 are finite (no testable summary).
 */
export function oneSampleTTest(
  n: number,
  mean: number,
  std: number,
  mu0 = 0,
  alternative: Alternative = "two-sided",
): TTestResult | null {
  if (!(n >= 2 && Number.isSafeInteger(n)) || !(std > 0 && std < Number.POSITIVE_INFINITY)) return null;
  return tTestFromSe(mean, std / Math.sqrt(n), n - 1, mu0, alternative);
}

/**
 * t-test of an estimate with a given standard error and degrees of freedom (e.g. a HAC standard
 * error); null unless se > 0 and df > 0 and the estimate, mu0 and se are finite.
 */
export function tTestFromSe(
  estimate: number,
  se: number,
  df: number,
  mu0 = 0,
  alternative: Alternative = "two-sided",
): TTestResult | null {
  if (
    !(se > 0 && se < Number.POSITIVE_INFINITY) ||
    !(df > 0) ||
    !Number.isFinite(estimate) ||
    !Number.isFinite(mu0)
  )
    return null;
  const t = (estimate - mu0) / se;
  const q = studentTQuantile(0.975, df);
  return { estimate, se, t, df, p: pValue(t, df, alternative), ci95: [estimate - q * se, estimate + q * se] };
}

/**
 * Two-sided confidence interval of a t-test's estimate at `level` (e.g. 0.9): estimate ±
 * t_{(1+level)/2, df}·se. Throws unless 0 < level < 1.
 */
export function confidenceInterval(test: TTestResult, level: number): [number, number] {
  if (!(level > 0 && level < 1)) throw new Error(`confidenceInterval: level must be in (0,1), got ${level}`);
  const q = studentTQuantile((1 + level) / 2, test.df);
  return [test.estimate - q * test.se, test.estimate + q * test.se];
}

/**
 * Welch's unequal-variance t-test of mean1 − mean2 with Welch–Satterthwaite df. Null (like
 * {@link oneSampleTTest}) unless both n are integers >= 2, the means finite and the variances finite
 * and >= 0, not both 0.
 */
export function welchTTest(
  n1: number,
  mean1: number,
  var1: number,
  n2: number,
  mean2: number,
  var2: number,
  alternative: Alternative = "two-sided",
): TTestResult | null {
  if (!(n1 >= 2 && Number.isSafeInteger(n1) && n2 >= 2 && Number.isSafeInteger(n2))) return null;
  if (!(Number.isFinite(mean1) && Number.isFinite(mean2))) return null;
  if (!(var1 >= 0 && var1 < Number.POSITIVE_INFINITY && var2 >= 0 && var2 < Number.POSITIVE_INFINITY))
    return null;
  const a = var1 / n1;
  const b = var2 / n2;
  const se2 = a + b;
  if (!(se2 > 0)) return null;
  const se = Math.sqrt(se2);
  const estimate = mean1 - mean2;
  const t = estimate / se;
  const df = (se2 * se2) / ((a * a) / (n1 - 1) + (b * b) / (n2 - 1));
  const q = studentTQuantile(0.975, df);
  return { estimate, se, t, df, p: pValue(t, df, alternative), ci95: [estimate - q * se, estimate + q * se] };
}

/**
 * Lo (2002) scaling factor η(q) = q / sqrt(q + 2 Σ_{k=1}^{q−1} (q−k) ρ_k).
 * `rhos[k−1]` is the lag-k autocorrelation; lags beyond `rhos.length` are taken as 0.
 * With all ρ = 0, η(q) = √q (the iid annualization). Null if the radicand is ≤ 0. For a non-integer
 * q (Lo's formula assumes an integer), every lag k < q is included with weight q − k.
 */
export function loEta(q: number, rhos: ArrayLike<number>): number | null {
  if (!(q >= 1 && q < Number.POSITIVE_INFINITY))
    throw new Error(`loEta: q must be finite and >= 1, got ${q}`);
  let s = 0;
  const kMax = Math.min(rhos.length, Math.ceil(q) - 1);
  for (let k = 1; k <= kMax; k++) s += (q - k) * finiteRho("loEta", rhos, k - 1);
  const radicand = q + 2 * s;
  if (!(radicand > 0)) return null;
  return q / Math.sqrt(radicand);
}

/**
 * Sample autocorrelations ρ_1..ρ_maxLag of `xs` (standard estimator: lag-k autocovariance with
 * 1/n over the variance with 1/n, both around the full-sample mean); at most n − 1 lags, 0 for a
 * constant series. An Error for a non-finite entry or a maxLag that is not an integer >= 0.
 */
export function autocorrelations(xs: ArrayLike<number>, maxLag: number): number[] {
  if (!(maxLag >= 0 && Number.isSafeInteger(maxLag)))
    throw new Error(`autocorrelations: maxLag must be an integer >= 0, got ${maxLag}`);
  const n = xs.length;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    if (!Number.isFinite(x)) throw new Error(`autocorrelations: xs[${i}] must be finite, got ${x}`);
    mean += x;
  }
  mean /= n;
  let c0 = 0;
  for (let i = 0; i < n; i++) c0 += (xs[i]! - mean) ** 2;
  const out: number[] = [];
  for (let k = 1; k <= Math.min(maxLag, n - 1); k++) {
    let ck = 0;
    for (let i = k; i < n; i++) ck += (xs[i]! - mean) * (xs[i - k]! - mean);
    out.push(c0 > 0 ? ck / c0 : 0);
  }
  return out;
}

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
 * Long-run variance factor of autocorrelated returns from their lag-1..L autocorrelations, with
 * Bartlett weights: f = 1 + 2·Σ_k (1 − k/(L + 1))·ρ_k (the variance of a mean of n such returns is
 * f·σ²/n). Null when f ≤ 0 or no lag is given.
 */
export function longRunVarianceFactor(rhos: ArrayLike<number>): number | null {
  const L = rhos.length;
  if (L === 0) return null;
  let s = 0;
  for (let k = 1; k <= L; k++) s += (1 - k / (L + 1)) * finiteRho("longRunVarianceFactor", rhos, k - 1);
  const f = 1 + 2 * s;
  return f > 0 ? f : null;
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

/** `rhos[i]`, or an Error naming it when it is not finite. */
function finiteRho(fn: string, rhos: ArrayLike<number>, i: number): number {
  const rho = rhos[i]!;
  if (!Number.isFinite(rho)) throw new Error(`${fn}: rhos[${i}] must be finite, got ${rho}`);
  return rho;
}

/** Running simple-regression sums for y = a + b·x (O(1) memory). */
export class RunningRegression {
  /** Number of (x, y) pairs. */
  n = 0;
  private mx = 0;
  private my = 0;
  private sxx = 0;
  private sxy = 0;
  private syy = 0;

  /** Add one pair (Welford-style co-moment update). */
  push(x: number, y: number): void {
    this.n += 1;
    const dx = x - this.mx;
    this.mx += dx / this.n;
    const dy = y - this.my;
    this.my += dy / this.n;
    this.sxx += dx * (x - this.mx);
    this.sxy += dx * (y - this.my);
    this.syy += dy * (y - this.my);
  }

  /** OLS slope b and its standard error (null if n < 3 or x has no spread). */
  slope(): { slope: number; se: number | null } | null {
    if (this.n < 3 || !(this.sxx > 0)) return null;
    const b = this.sxy / this.sxx;
    const rss = Math.max(0, this.syy - b * this.sxy);
    const se = Math.sqrt(rss / (this.n - 2) / this.sxx);
    return { slope: b, se: Number.isFinite(se) ? se : null };
  }

  /** JSON-safe checkpoint of the sums. */
  getState(): RunningRegressionState {
    return {
      version: 1,
      n: this.n,
      meanX: encodeNumber(this.mx),
      meanY: encodeNumber(this.my),
      sxx: encodeNumber(this.sxx),
      sxy: encodeNumber(this.sxy),
      syy: encodeNumber(this.syy),
    };
  }

  /** Restore from {@link getState} output (validated; throws naming the bad field, leaves this unchanged). */
  setState(state: RunningRegressionState, where = "RunningRegression state"): void {
    const r = readVersioned(state, where);
    const n = readInt(r, "n", where);
    const mx = readNumber(r, "meanX", where);
    const my = readNumber(r, "meanY", where);
    const sxx = readNumber(r, "sxx", where);
    const sxy = readNumber(r, "sxy", where);
    const syy = readNumber(r, "syy", where);
    this.n = n;
    this.mx = mx;
    this.my = my;
    this.sxx = sxx;
    this.sxy = sxy;
    this.syy = syy;
  }

  /** A new regression restored from a checkpoint. */
  static fromState(state: RunningRegressionState, where?: string): RunningRegression {
    const m = new RunningRegression();
    m.setState(state, where);
    return m;
  }
}
