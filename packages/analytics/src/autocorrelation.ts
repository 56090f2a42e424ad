/** Autocorrelation of returns: sample autocorrelations, the Lo (2002) η(q) and the Bartlett long-run variance factor. */

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
  const mean = finiteMean(xs, "autocorrelations");
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

/** `rhos[i]`, or an Error naming it when it is not finite. */
function finiteRho(fn: string, rhos: ArrayLike<number>, i: number): number {
  const rho = rhos[i]!;
  if (!Number.isFinite(rho)) throw new Error(`${fn}: rhos[${i}] must be finite, got ${rho}`);
  return rho;
}

/** Mean of `xs` (NaN when empty); an Error naming `where` and the index of a non-finite value. */
export function finiteMean(xs: ArrayLike<number>, where: string): number {
  const n = xs.length;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    if (!Number.isFinite(x)) throw new Error(`${where}: xs[${i}] must be finite, got ${x}`);
    mean += x;
  }
  return mean / n;
}
