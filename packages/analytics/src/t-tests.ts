/** t-tests from summary statistics: one-sample, from a given standard error, Welch, and their confidence intervals. */
import { studentTCdf, studentTQuantile, studentTSf } from "./distributions.js";

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
