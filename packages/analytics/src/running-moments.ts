/** Streaming moments: the RunningMoments accumulator (mean, variance, skewness, kurtosis), its checkpoint and momentsOf. */
import { type EncodedNumber, encodeNumber, readInt, readNumber, readVersioned } from "./checkpoint.js";

/** Checkpoint of a {@link RunningMoments} (floats encoded, see {@link EncodedNumber}). */
export interface RunningMomentsState {
  version: 1;
  n: number;
  mean: EncodedNumber;
  m2: EncodedNumber;
  m3: EncodedNumber;
  m4: EncodedNumber;
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
