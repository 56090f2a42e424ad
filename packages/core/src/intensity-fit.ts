/** Log-linear fit of an empirical trade-depth survival curve: ln λ(δ) = ln A − κδ. Pure math. */

/** Result of `fitSurvivalCurve`. */
export interface SurvivalFit {
  /** Arrival rate at zero depth per side, trades per second (e^intercept). */
  aPerSec: number;
  /** Decay of intensity per fraction of mid (−slope). May be ≤ 0 on bad data: the caller checks. */
  kappaPerFrac: number;
  /** Weighted R² of the fit (weights = counts). */
  r2: number;
  /** Points that entered the fit. */
  pointsUsed: number;
}

/**
 * Weighted least squares of y_i = ln(count_i / (sides·spanSec)) on x_i = depthFrac_i with weights count_i
 * (≈ the inverse variance of ln count_i), using only points with count ≥ minPointCount. `sides` = 2 turns a
 * pooled two-sided count into a per-side rate. Returns null with fewer than 3 usable points, a zero span or
 * no spread in depth.
 */
export function fitSurvivalCurve(
  depthFrac: ArrayLike<number>,
  count: ArrayLike<number>,
  spanSec: number,
  sides: 1 | 2,
  minPointCount: number,
): SurvivalFit | null {
  if (depthFrac.length !== count.length) {
    throw new Error(
      `fitSurvivalCurve: depthFrac (${depthFrac.length}) and count (${count.length}) lengths differ`,
    );
  }
  if (!(spanSec > 0) || !Number.isFinite(spanSec)) return null;
  const minCount = Math.max(minPointCount, Number.MIN_VALUE);
  let sw = 0;
  let swx = 0;
  let swy = 0;
  let points = 0;
  for (let i = 0; i < count.length; i++) {
    const c = count[i]!;
    if (!(c >= minCount)) continue;
    const x = depthFrac[i]!;
    const y = Math.log(c / (sides * spanSec));
    sw += c;
    swx += c * x;
    swy += c * y;
    points += 1;
  }
  if (points < 3) return null;
  const xMean = swx / sw;
  const yMean = swy / sw;
  // centred sums (two-pass) for numerical stability
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < count.length; i++) {
    const c = count[i]!;
    if (!(c >= minCount)) continue;
    const dx = depthFrac[i]! - xMean;
    const dy = Math.log(c / (sides * spanSec)) - yMean;
    sxx += c * dx * dx;
    sxy += c * dx * dy;
    syy += c * dy * dy;
  }
  if (!(sxx > 0)) return null;
  const slope = sxy / sxx;
  const intercept = yMean - slope * xMean;
  // weighted R² = 1 − SS_res/SS_tot, and for least squares SS_res = S_yy − slope·S_xy
  const r2 = syy > 0 ? 1 - Math.max(0, syy - slope * sxy) / syy : 1;
  return { aPerSec: Math.exp(intercept), kappaPerFrac: -slope, r2, pointsUsed: points };
}
