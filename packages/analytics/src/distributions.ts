/**
 * Accurate distribution functions for the tests and the PSR: standard normal CDF, Student t CDF,
 * survival function and quantile, to ≈1e−14 relative (checked against scipy 1.17).
 *
 * Why not jstat: its Student t CDF is off by up to ≈6e−9 relative (cdf(0, 7) = 0.49999999703), its
 * quantile by ≈3e−8, and 1 − cdf(t) loses every digit of a small upper-tail p-value (p = 2.8e−55
 * came out as 0); its normal CDF 0.5·(1 + erf) is 0 below z ≈ −8.3 and 2% off at z = −8.
 *
 * Methods (Numerical Recipes, 3rd ed., §6.1–6.4; Abramowitz & Stegun 26.5.27, 26.7.1, 26.2.2):
 * - ln Γ: shift to x ≥ 10 by the recurrence, then Stirling's series with 8 Bernoulli terms.
 * - ln B(a, b): R's `lbeta` split (TOMS 708 style) so ln Γ(a) − ln Γ(a + ½) never cancels for large a.
 * - I_x(a, b): Lentz's continued fraction, on whichever tail converges, with 1 − x passed exactly.
 * - Φ(z) = ½·erfc(−z/√2), erfc via the regularized incomplete gamma Q(½, z²/2) (series / Lentz CF).
 * - t quantile: Newton on the accurate CDF, seeded with jstat's quantile.
 */
import jStat from "jstat";

const LN_SQRT_2PI = 0.9189385332046728; // ln √(2π)
const LN_SQRT_PI = 0.5723649429247001; // ln Γ(½) = ln √π
const EPS = 2.220446049250313e-16;
const TINY = 1e-300;
const MAX_ITER = 100_000;

/** Stirling-series remainder δ(x) = ln Γ(x) − [(x − ½) ln x − x + ln √(2π)], for x ≥ 10. */
function stirlingRemainder(x: number): number {
  const x2 = 1 / (x * x);
  // B_{2k} / (2k (2k − 1)), k = 1..8 (A&S 6.1.40); the 9th term is < 4e−18 at x = 10.
  const s =
    1 / 12 +
    x2 *
      (-1 / 360 +
        x2 *
          (1 / 1260 +
            x2 *
              (-1 / 1680 +
                x2 * (1 / 1188 + x2 * (-691 / 360_360 + x2 * (1 / 156 + x2 * (-3617 / 122_400)))))));
  return s / x;
}

/** ln Γ(x) for x > 0 (absolute error ≈ 1e−15 for x < 10, relative ≈ 1e−16 above). */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let y = x;
  let prod = 1;
  while (y < 10) {
    prod *= y;
    y += 1;
  }
  return (y - 0.5) * Math.log(y) - y + LN_SQRT_2PI + stirlingRemainder(y) - Math.log(prod);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), without cancellation when a or b is large. */
export function logBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (!(p > 0)) return Number.NaN;
  if (p >= 10) {
    const corr = stirlingRemainder(p) + stirlingRemainder(q) - stirlingRemainder(p + q);
    return (
      -0.5 * Math.log(q) +
      LN_SQRT_2PI +
      corr +
      (p - 0.5) * Math.log(p / (p + q)) +
      q * Math.log1p(-p / (p + q))
    );
  }
  if (q >= 10) {
    const corr = stirlingRemainder(q) - stirlingRemainder(p + q);
    return logGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}

/**
 * Continued fraction for I_x(a, b) in the form of DiDonato & Morris (1992, ACM TOMS 708, BFRAC),
 * written with λ = a − (a + b)·x passed in precomputed, so x close to 1 with a large does not cancel
 * (Lentz's textbook form loses ≈ a·1e−16 relative there: 3e−9 at 10⁸ degrees of freedom).
 * Requires λ ≥ 0; returns I_x(a, b) without the prefactor x^a·y^b / B(a, b).
 */
function betaFraction(a: number, b: number, x: number, y: number, lambda: number): number {
  const c = 1 + lambda;
  const c0 = b / a;
  const c1 = 1 + 1 / a;
  const yp1 = y + 1;
  let n = 0;
  let p = 1;
  let s = a + 1;
  let an = 0;
  let bn = 1;
  let anp1 = 1;
  let bnp1 = c / c1;
  let r = c1 / c;
  while (n < MAX_ITER) {
    n += 1;
    const t = n / a;
    const w = n * (b - n) * x;
    let e = a / s;
    const alpha = p * (p + c0) * e * e * (w * x);
    e = (1 + t) / (c1 + t + t);
    const beta = n + w / s + e * (c + n * yp1);
    p = 1 + t;
    s += 2;
    let u = alpha * an + beta * anp1;
    an = anp1;
    anp1 = u;
    u = alpha * bn + beta * bnp1;
    bn = bnp1;
    bnp1 = u;
    const r0 = r;
    r = anp1 / bnp1;
    if (Math.abs(r - r0) <= EPS * r) break;
    an /= bnp1;
    bn /= bnp1;
    anp1 = r;
    bnp1 = 1;
  }
  return r;
}

/**
 * Regularized incomplete beta I_x(a, b); `y` must be 1 − x computed without rounding (pass it when
 * x is near 1). Evaluated on the side where λ = a − (a + b)x ≥ 0, the other tail as 1 − that, so
 * small results stay accurate on the direct side.
 */
export function incompleteBetaRegularized(x: number, a: number, b: number, y = 1 - x): number {
  if (Number.isNaN(x) || !(a > 0) || !(b > 0)) return Number.NaN;
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const lnX = x < 0.5 ? Math.log(x) : Math.log1p(-y);
  const lnY = y < 0.5 ? Math.log(y) : Math.log1p(-x);
  const front = Math.exp(a * lnX + b * lnY - logBeta(a, b));
  // λ = a − (a + b)x, from whichever of x, y is small so it does not cancel
  const lambda = x <= 0.5 ? a - (a + b) * x : (a + b) * y - b;
  if (lambda >= 0) return front * betaFraction(a, b, x, y, lambda);
  return 1 - front * betaFraction(b, a, y, x, -lambda);
}

/** Lower tail of Student t: P(T ≤ t) for t ≤ 0 (direct, so tiny tails keep their digits). */
function studentTLowerTail(t: number, df: number): number {
  const t2 = t * t;
  // x = df / (df + t²), 1 − x = t² / (df + t²), both without cancellation
  return 0.5 * incompleteBetaRegularized(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
}

/** Student t CDF P(T ≤ t) with `df` > 0 degrees of freedom (non-integer allowed). */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  return t <= 0 ? studentTLowerTail(t, df) : 1 - studentTLowerTail(-t, df);
}

/** Student t survival function P(T > t), accurate for tiny upper tails (unlike 1 − cdf). */
export function studentTSf(t: number, df: number): number {
  return studentTCdf(-t, df);
}

/** Student t density. */
export function studentTPdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  return Math.exp(-((df + 1) / 2) * Math.log1p((t * t) / df) - 0.5 * Math.log(df) - logBeta(df / 2, 0.5));
}

/** Student t quantile: the t with P(T ≤ t) = p (−∞ at 0, +∞ at 1, NaN outside [0, 1]). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  if (p > 0.5) return -studentTQuantile(1 - p, df); // 1 − p is exact for p in [0.5, 1] (Sterbenz)
  let t: number = jStat.studentt.inv(p, df);
  if (!(Number.isFinite(t) && t < 0)) t = -1;
  for (let i = 0; i < 100; i++) {
    const step = (studentTLowerTail(t, df) - p) / studentTPdf(t, df);
    if (!Number.isFinite(step)) break;
    let next = t - step;
    if (next >= 0) next = t / 2; // stay in the lower tail
    const done = Math.abs(next - t) <= 4 * EPS * Math.abs(next);
    t = next;
    if (done) break;
  }
  return t;
}

/** Regularized lower incomplete gamma P(a, x) by its series (x < a + 1). */
function gammaPSeries(a: number, x: number, lnGammaA: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let n = 0; n < MAX_ITER; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGammaA);
}

/** Regularized upper incomplete gamma Q(a, x) by its continued fraction (x ≥ a + 1, Lentz). */
function gammaQContinuedFraction(a: number, x: number, lnGammaA: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) <= EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGammaA) * h;
}

/** Standard normal CDF Φ(z), accurate in both tails (Φ(−10) = 7.62e−24, not 0). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z === 0) return 0.5;
  const x = (z * z) / 2;
  if (x < 1.5) {
    const erfAbs = gammaPSeries(0.5, x, LN_SQRT_PI); // erf(|z|/√2)
    return z > 0 ? 0.5 + 0.5 * erfAbs : 0.5 - 0.5 * erfAbs;
  }
  const erfcAbs = gammaQContinuedFraction(0.5, x, LN_SQRT_PI); // erfc(|z|/√2)
  return z > 0 ? 1 - 0.5 * erfcAbs : 0.5 * erfcAbs;
}
