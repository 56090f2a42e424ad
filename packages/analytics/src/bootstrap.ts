/** Percentile bootstrap: seeded CI of a mean and the type-7 quantile it reads. */
import { SeededRandom } from "./prng.js";

/** Options of a bootstrap. */
export interface BootstrapOptions {
  /** Resamples (default 1000). */
  nBoot?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  /** Seed (default 1). */
  seed?: number;
}

/**
 * Quantile of ascending `sorted` values by linear interpolation between order statistics at
 * h = p·(n − 1) (Hyndman & Fan 1996 type 7; numpy's default `np.quantile(x, p)`).
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0 || !(p >= 0 && p <= 1)) return Number.NaN;
  const h = p * (n - 1);
  const i = Math.floor(h);
  if (i >= n - 1) return sorted[n - 1]!;
  return sorted[i]! + (h - i) * (sorted[i + 1]! - sorted[i]!);
}

/**
 * Percentile bootstrap CI of the mean of `values` (seeded): the (1 ± level)/2 quantiles of the
 * resampled means, type 7 as `np.percentile` / `scipy.stats.bootstrap(method="percentile")`.
 * Null if fewer than 2 values; an Error naming a non-finite value.
 */
export function bootstrapMeanCi(
  values: ArrayLike<number>,
  options: BootstrapOptions = {},
): { lo: number; hi: number; level: number; nBoot: number } | null {
  const n = values.length;
  if (n < 2) return null;
  const nBoot = options.nBoot ?? 1000;
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new Error(`bootstrapMeanCi: level must be in (0,1), got ${level}`);
  if (!(nBoot >= 10)) throw new Error(`bootstrapMeanCi: nBoot must be >= 10, got ${nBoot}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i]))
      throw new Error(`bootstrapMeanCi: values[${i}] must be finite, got ${values[i]}`);
  }
  const rng = new SeededRandom(options.seed ?? 1);
  const means = new Float64Array(nBoot);
  for (let b = 0; b < nBoot; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(rng.next() * n)]!;
    means[b] = s / n;
  }
  means.sort();
  const a = (1 - level) / 2;
  return { lo: quantileSorted(means, a), hi: quantileSorted(means, 1 - a), level, nBoot };
}
