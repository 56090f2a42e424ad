/**
 * Lo (2002, "The Statistics of Sharpe Ratios", FAJ) GMM variance of the Sharpe ratio for non-IID
 * returns, with a Newey–West (Bartlett) long-run covariance.
 *
 * θ = (μ, σ²), moment functions φ_t = (r_t − μ̂, (r_t − μ̂)² − σ̂²) with σ̂² = (1/n)Σ(r_t − μ̂)² — the
 * POPULATION variance, the convention of the skewness γ3 and raw kurtosis γ4 in the Mertens formula —
 * so that Σφ_t = 0 exactly. Γ̂_j = (1/n) Σ_{t=j+1}^{n} φ_t φ_{t−j}',
 * Ω̂ = Γ̂_0 + Σ_{j=1}^{L} (1 − j/(L+1)) (Γ̂_j + Γ̂_j'), and V = ∇g Ω̂ ∇g' with
 * ∇g = (1/σ, −μ/(2σ³)), Var(SR̂) ≈ V / n.
 *
 * Everything here is standardised: with z_t = (r_t − μ̂)/σ̂ and u_t = z_t² − 1, Ω̃ = D Ω̂ D for
 * D = diag(1/σ̂, 1/σ̂²) is the long-run covariance of (z_t, u_t), and
 *   V = Ω̃11 − SR·Ω̃12 + SR²/4·Ω̃22,
 * SR being the Sharpe the caller reports (the trackers use mean / sample (n−1) std). At L = 0,
 * Ω̃ = [[1, γ3], [γ3, γ4 − 1]] and V = 1 − γ3·SR + (γ4 − 1)/4·SR², the Mertens factor exactly; Ω̃11
 * is the Bartlett long-run variance factor 1 + 2Σ(1 − j/(L+1))ρ_j of the returns.
 */
import {
  type EncodedNumber,
  encodeNumber,
  encodeNumbers,
  readInt,
  readNumber,
  readNumberArray,
  readVersioned,
} from "./checkpoint.js";
import { finiteMean } from "./autocorrelation.js";
import type { RunningMoments } from "./running-moments.js";

/** Standardised long-run covariance of (z_t, z_t² − 1) (see the module doc). */
export interface LoGmmOmega {
  /** Long-run variance of z (= the Bartlett long-run variance factor of the returns). */
  o11: number;
  /** Long-run covariance of z and z² − 1 (= γ3 at L = 0). */
  o12: number;
  /** Long-run variance of z² − 1 (= γ4 − 1 at L = 0). */
  o22: number;
}

/** Bartlett weight of lag j among L lags. */
function bartlett(j: number, lags: number): number {
  return 1 - j / (lags + 1);
}

/**
 * Ω̃ computed directly from a return series with L = `lags` Bartlett lags (two passes: the series is
 * centred on its mean and scaled by its population std first, so returns of any scale lose nothing
 * to cancellation). O(n·L). Null when n < 2 or the series is constant. An Error for a non-finite
 * return or a `lags` that is not an integer in [0, n − 1].
 */
export function loGmmOmega(xs: ArrayLike<number>, lags: number): LoGmmOmega | null {
  const n = xs.length;
  if (n < 2) return null;
  if (!(Number.isSafeInteger(lags) && lags >= 0 && lags <= n - 1)) {
    throw new Error(`loGmmOmega: lags must be an integer in [0, ${n - 1}], got ${lags}`);
  }
  const mean = finiteMean(xs, "loGmmOmega");
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i]! - mean) ** 2;
  const s = Math.sqrt(ss / n);
  if (!(s > 0)) return null;
  const z = new Float64Array(n);
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    z[i] = (xs[i]! - mean) / s;
    u[i] = z[i]! * z[i]! - 1;
  }
  let o11 = 0;
  let o12 = 0;
  let o22 = 0;
  for (let i = 0; i < n; i++) {
    o11 += z[i]! * z[i]!;
    o12 += z[i]! * u[i]!;
    o22 += u[i]! * u[i]!;
  }
  for (let j = 1; j <= lags; j++) {
    let a = 0;
    let bc = 0;
    let d = 0;
    for (let t = j; t < n; t++) {
      a += z[t]! * z[t - j]!;
      bc += z[t]! * u[t - j]! + u[t]! * z[t - j]!;
      d += u[t]! * u[t - j]!;
    }
    const w = bartlett(j, lags);
    o11 += 2 * w * a;
    o12 += w * bc;
    o22 += 2 * w * d;
  }
  return { o11: o11 / n, o12: o12 / n, o22: o22 / n };
}

/**
 * Lo's GMM variance factor V = Ω̃11 − SR·Ω̃12 + SR²/4·Ω̃22 (Var(SR̂) ≈ V / n), null when V is not a
 * finite positive number.
 */
export function loGmmVariance(srPerPeriod: number, omega: LoGmmOmega): number | null {
  const v = omega.o11 - srPerPeriod * omega.o12 + (srPerPeriod * srPerPeriod * omega.o22) / 4;
  return Number.isFinite(v) && v > 0 ? v : null;
}

/** Checkpoint of a {@link LoGmmSums}. */
export interface LoGmmSumsState {
  version: 1;
  /** Returns accumulated. */
  n: number;
  /** The shift c every return is taken around (x = r − c): the first return. */
  shift: EncodedNumber;
  /** Σx, Σx² over all returns. */
  sumX: EncodedNumber;
  sumX2: EncodedNumber;
  /** x of the first min(n, maxLags) returns, oldest first. */
  head: EncodedNumber[];
  /** x of the last min(n, maxLags) returns, NEWEST first. */
  tail: EncodedNumber[];
  /** Σ_{t=j+1}^{n} x_t^a·x_{t−j}^b for lag j = index + 1 (a: later return, b: earlier one). */
  p11: EncodedNumber[];
  p12: EncodedNumber[];
  p21: EncodedNumber[];
  p22: EncodedNumber[];
}

/**
 * Exact O(L) running state for {@link loGmmOmega} over every return since the start (no series
 * kept). Each Γ̂_j entry expands into sums Σ x_t^a·x_{t−j}^b (a, b ∈ {0, 1, 2}) over the pairs
 * t = j+1..n: the a, b ≥ 1 ones are accumulated, the others follow from Σx, Σx² less the first j
 * (head) or last j (tail) returns. Powers are taken around a fixed shift c = the first return
 * (x = r − c), not around 0, so a mean large against the std does not cancel catastrophically;
 * since c is one of the returns, |mean − c| ≤ √n·σ̂ bounds the loss.
 */
export class LoGmmSums {
  readonly maxLags: number;
  /** Returns accumulated. */
  n = 0;
  private shift = 0;
  private sumX = 0;
  private sumX2 = 0;
  private readonly head: number[] = [];
  private readonly tail: number[] = [];
  private readonly p11: Float64Array;
  private readonly p12: Float64Array;
  private readonly p21: Float64Array;
  private readonly p22: Float64Array;

  constructor(maxLags: number) {
    if (!(Number.isSafeInteger(maxLags) && maxLags >= 0)) {
      throw new Error(`LoGmmSums: maxLags must be an integer >= 0, got ${maxLags}`);
    }
    this.maxLags = maxLags;
    this.p11 = new Float64Array(maxLags);
    this.p12 = new Float64Array(maxLags);
    this.p21 = new Float64Array(maxLags);
    this.p22 = new Float64Array(maxLags);
  }

  /** Add one return (an Error for a non-finite one; state unchanged). */
  push(r: number): void {
    if (!Number.isFinite(r)) throw new Error(`LoGmmSums.push: r must be finite, got ${r}`);
    if (this.n === 0) this.shift = r;
    const x = r - this.shift;
    const x2 = x * x;
    const lags = Math.min(this.maxLags, this.tail.length);
    for (let j = 1; j <= lags; j++) {
      const y = this.tail[j - 1]!;
      const y2 = y * y;
      this.p11[j - 1]! += x * y;
      this.p12[j - 1]! += x * y2;
      this.p21[j - 1]! += x2 * y;
      this.p22[j - 1]! += x2 * y2;
    }
    this.sumX += x;
    this.sumX2 += x2;
    if (this.head.length < this.maxLags) this.head.push(x);
    if (this.maxLags > 0) {
      this.tail.unshift(x);
      if (this.tail.length > this.maxLags) this.tail.pop();
    }
    this.n += 1;
  }

  /**
   * Add `count` returns all equal to `r` in O(L²), whatever `count` (idle periods of zero returns):
   * equal to `count` calls of {@link push} up to rounding.
   */
  pushRepeated(r: number, count: number): void {
    if (!Number.isFinite(r)) throw new Error(`LoGmmSums.pushRepeated: r must be finite, got ${r}`);
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new Error(`LoGmmSums.pushRepeated: count must be an integer >= 0, got ${count}`);
    }
    if (count === 0) return;
    if (count === 1) {
      this.push(r);
      return;
    }
    if (this.n === 0) this.shift = r;
    const x = r - this.shift;
    const x2 = x * x;
    const old = this.tail.slice();
    for (let j = 1; j <= this.maxLags; j++) {
      // new return k (1-based) pairs with x_{n+k−j}: the old tail[j−k] while k ≤ j, x itself after
      for (let k = 1; k <= Math.min(j, count); k++) {
        if (j - k >= old.length) continue;
        const y = old[j - k]!;
        const y2 = y * y;
        this.p11[j - 1]! += x * y;
        this.p12[j - 1]! += x * y2;
        this.p21[j - 1]! += x2 * y;
        this.p22[j - 1]! += x2 * y2;
      }
      if (count > j) {
        const m = count - j;
        this.p11[j - 1]! += m * x2;
        this.p12[j - 1]! += m * x2 * x;
        this.p21[j - 1]! += m * x2 * x;
        this.p22[j - 1]! += m * x2 * x2;
      }
    }
    this.sumX += count * x;
    this.sumX2 += count * x2;
    for (let k = 0; k < count && this.head.length < this.maxLags; k++) this.head.push(x);
    const fresh = Math.min(count, this.maxLags);
    this.tail.length = 0;
    for (let k = 0; k < fresh; k++) this.tail.push(x);
    for (let k = 0; k < old.length && this.tail.length < this.maxLags; k++) this.tail.push(old[k]!);
    this.n += count;
  }

  /**
   * Ω̃ over all returns pushed, with `lags` Bartlett lags; Γ̃_0 from `moments` (the same returns'
   * RunningMoments: Γ̃_0 = [[1, γ3], [γ3, γ4 − 1]], the Mertens inputs). Null when n < 4, the
   * returns are constant, or `moments` counts different returns. An Error for a `lags` outside
   * [0, min(maxLags, n − 1)].
   */
  omega(moments: RunningMoments, lags: number): LoGmmOmega | null {
    const n = this.n;
    if (moments.n !== n) return null;
    if (!(Number.isSafeInteger(lags) && lags >= 0 && lags <= Math.min(this.maxLags, Math.max(0, n - 1)))) {
      throw new Error(
        `LoGmmSums.omega: lags must be an integer in [0, ${Math.min(this.maxLags, Math.max(0, n - 1))}], got ${lags}`,
      );
    }
    const g3 = moments.skew();
    const g4 = moments.kurtosisRaw();
    const m2 = moments.m2Sum();
    if (g3 === null || g4 === null || !(m2 > 0)) return null;
    const s2 = m2 / n; // population variance
    const s = Math.sqrt(s2);
    const m = this.sumX / n; // mean of x = r − shift
    const m2_ = m * m;
    const m3_ = m2_ * m;
    let o11 = 1;
    let o12 = g3;
    let o22 = g4 - 1;
    let headX = 0;
    let headX2 = 0;
    let tailX = 0;
    let tailX2 = 0;
    for (let j = 1; j <= lags; j++) {
      const h = this.head[j - 1]!;
      const tl = this.tail[j - 1]!;
      headX += h;
      headX2 += h * h;
      tailX += tl;
      tailX2 += tl * tl;
      // pair sums over t = j+1..n, "late" = x_t, "early" = x_{t−j}
      const s00 = n - j;
      const s10 = this.sumX - headX;
      const s20 = this.sumX2 - headX2;
      const s01 = this.sumX - tailX;
      const s02 = this.sumX2 - tailX2;
      const s11 = this.p11[j - 1]!;
      const s12 = this.p12[j - 1]!;
      const s21 = this.p21[j - 1]!;
      const s22 = this.p22[j - 1]!;
      // Σ d_t d_{t−j}, d = x − m
      const a = s11 - m * (s10 + s01) + m2_ * s00;
      const dLate = s10 - m * s00;
      const dEarly = s01 - m * s00;
      const dLateSqEarly = s12 - 2 * m * s11 + m2_ * s10 - m * s02 + 2 * m2_ * s01 - m3_ * s00;
      const sqLateDEarly = s21 - 2 * m * s11 + m2_ * s01 - m * s20 + 2 * m2_ * s10 - m3_ * s00;
      const sqSq =
        s22 -
        2 * m * (s21 + s12) +
        m2_ * (s20 + s02) +
        4 * m2_ * s11 -
        2 * m3_ * (s10 + s01) +
        m2_ * m2_ * s00;
      const sqLate = s20 - 2 * m * s10 + m2_ * s00;
      const sqEarly = s02 - 2 * m * s01 + m2_ * s00;
      // Σ d_t (d_{t−j}² − s²), Σ (d_t² − s²) d_{t−j}, Σ (d_t² − s²)(d_{t−j}² − s²)
      const b = dLateSqEarly - s2 * dLate;
      const c = sqLateDEarly - s2 * dEarly;
      const d = sqSq - s2 * (sqLate + sqEarly) + s2 * s2 * s00;
      const w = bartlett(j, lags);
      o11 += (2 * w * a) / m2;
      o12 += (w * (b + c)) / (m2 * s);
      o22 += (2 * w * d) / (m2 * s2);
    }
    return { o11, o12, o22 };
  }

  /** JSON-safe checkpoint. */
  getState(): LoGmmSumsState {
    return {
      version: 1,
      n: this.n,
      shift: encodeNumber(this.shift),
      sumX: encodeNumber(this.sumX),
      sumX2: encodeNumber(this.sumX2),
      head: encodeNumbers(this.head),
      tail: encodeNumbers(this.tail),
      p11: encodeNumbers(this.p11),
      p12: encodeNumbers(this.p12),
      p21: encodeNumbers(this.p21),
      p22: encodeNumbers(this.p22),
    };
  }

  /** A new accumulator restored from {@link getState} output (validated; throws naming the field). */
  static fromState(state: LoGmmSumsState, maxLags: number, where = "LoGmmSums state"): LoGmmSums {
    const r = readVersioned(state, where);
    const n = readInt(r, "n", where);
    const kept = Math.min(n, maxLags);
    const g = new LoGmmSums(maxLags);
    g.n = n;
    g.shift = readNumber(r, "shift", where);
    g.sumX = readNumber(r, "sumX", where);
    g.sumX2 = readNumber(r, "sumX2", where);
    g.head.push(...readNumberArray(r, "head", where, kept));
    g.tail.push(...readNumberArray(r, "tail", where, kept));
    g.p11.set(readNumberArray(r, "p11", where, maxLags));
    g.p12.set(readNumberArray(r, "p12", where, maxLags));
    g.p21.set(readNumberArray(r, "p21", where, maxLags));
    g.p22.set(readNumberArray(r, "p22", where, maxLags));
    return g;
  }
}
