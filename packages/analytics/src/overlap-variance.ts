/**
 * Variance of a mean of values whose dependence lasts a known time: markout returns.
 *
 * A fill's realized edge at horizon h contains the mid's move over [t, t + h]; two fills less than h
 * apart share part of that move, so their edges are correlated (for a martingale mid the correlation
 * of the two moves is exactly (1 − |Δt|/h)⁺). The i.i.d. t-test then overstates significance by up
 * to the number of fills per horizon. This accumulator gives the HAC (heteroskedasticity- and
 * autocorrelation-consistent) variance of the mean with Bartlett weights in TIME,
 * w_ij = (1 − |t_i − t_j|/B)⁺ (the triangle function is positive definite, so the estimate is ≥ 0
 * for any fill times):
 *
 *   Var(x̄) = Σ_i Σ_j w_ij (x_i − x̄)(x_j − x̄) / (n² − Σ_i Σ_j w_ij)
 *
 * The denominator corrects for x̄ being estimated from the same correlated values; with no two
 * values within B it is n(n − 1), so the estimate is exactly the i.i.d. s²/n. Streaming in O(values
 * within B) memory: Σ w_ij x_i x_j, Σ w_ij x_i and Σ w_ij are kept over all ordered pairs (values
 * shifted by the first one for precision) and the quadratic form is expanded around the mean at
 * query time. Values may arrive slightly out of time order: those within `lateMs` of the newest
 * time are still paired with everything; a later one is paired only with what is still kept (and
 * counted in `lateCount()`).
 */
import {
  type EncodedNumber,
  encodeNumber,
  readInt,
  readNumber,
  readNumberArray,
  readVersioned,
} from "./checkpoint.js";
import { RecentByTime } from "./recent-by-time.js";

/** Options of {@link OverlapVariance}. */
export interface OverlapVarianceOptions {
  /** Dependence length B, ms (> 0): values further apart than this are independent. */
  bandwidthMs: number;
  /** How late (in time order) a value may arrive and still be paired with everything (default 60 s). */
  lateMs?: number;
  /** At most this many recent values are kept for pairing (default 100,000). */
  maxRecent?: number;
}

/** Checkpoint of an {@link OverlapVariance}. */
export interface OverlapVarianceState {
  version: 1;
  bandwidthMs: EncodedNumber;
  n: number;
  shift: EncodedNumber;
  sumY: EncodedNumber;
  sumYY: EncodedNumber;
  sumWyy: EncodedNumber;
  sumWy: EncodedNumber;
  sumW: EncodedNumber;
  newestTsMs: EncodedNumber;
  lateValues: number;
  /** Kept values, time order of arrival: [tsMs, y, tsMs, y, …] (y = value − shift). */
  recent: EncodedNumber[];
}

/** Streaming HAC variance of a mean with Bartlett weights in time (see the module doc). */
export class OverlapVariance {
  private readonly bandwidthMs: number;
  private readonly lateMs: number;
  private readonly maxRecent: number;
  private n = 0;
  private shift = 0;
  private sumY = 0;
  private sumYY = 0;
  private sumWyy = 0;
  private sumWy = 0;
  private sumW = 0;
  private lateValues = 0;
  /** Recent (shifted) values still within reach of a later one. */
  private readonly recent: RecentByTime<number>;

  /** Create an accumulator; throws on a non-positive bandwidth. */
  constructor(options: OverlapVarianceOptions) {
    if (!(options.bandwidthMs > 0) || !Number.isFinite(options.bandwidthMs)) {
      throw new Error(`OverlapVariance: bandwidthMs must be finite and > 0, got ${options.bandwidthMs}`);
    }
    this.bandwidthMs = options.bandwidthMs;
    this.lateMs = options.lateMs ?? 60_000;
    this.maxRecent = options.maxRecent ?? 100_000;
    if (!(this.lateMs >= 0)) throw new Error(`OverlapVariance: lateMs must be >= 0, got ${this.lateMs}`);
    if (!(this.maxRecent >= 1))
      throw new Error(`OverlapVariance: maxRecent must be >= 1, got ${this.maxRecent}`);
    this.recent = new RecentByTime(this.bandwidthMs, this.lateMs, this.maxRecent);
  }

  /** Add one value observed at `tsMs`; throws on a non-finite input. */
  push(tsMs: number, x: number): void {
    if (!Number.isFinite(tsMs) || !Number.isFinite(x)) {
      throw new Error(`OverlapVariance.push: tsMs and x must be finite, got ${tsMs}, ${x}`);
    }
    if (this.n === 0) this.shift = x;
    const y = x - this.shift;
    if (this.recent.isLate(tsMs)) this.lateValues += 1;
    this.recent.forEachWithin(tsMs, (w, yj) => {
      this.sumWyy += 2 * w * y * yj;
      this.sumWy += w * (y + yj);
      this.sumW += 2 * w;
    });
    this.sumWyy += y * y;
    this.sumWy += y;
    this.sumW += 1;
    this.sumY += y;
    this.sumYY += y * y;
    this.n += 1;
    this.recent.add(tsMs, y);
  }

  /** Values added. */
  count(): number {
    return this.n;
  }

  /** Mean of the values (null when empty). */
  mean(): number | null {
    return this.n === 0 ? null : this.shift + this.sumY / this.n;
  }

  /** HAC variance of the mean (null below 2 values); equals s²/n when no two values are within B. */
  varianceOfMean(): number | null {
    if (this.n < 2) return null;
    const m = this.sumY / this.n;
    const q = this.sumWyy - 2 * m * this.sumWy + m * m * this.sumW;
    // n² − Σw (= n(n − 1) without overlaps) corrects for the mean being estimated from the same,
    // correlated values (each cross product is biased low by about Var(x̄))
    const denom = this.n * this.n - this.sumW;
    return denom > 0 ? Math.max(0, q) / denom : null;
  }

  /** Sample variance of the values (n − 1 denominator; null below 2 values). */
  sampleVariance(): number | null {
    if (this.n < 2) return null;
    const m = this.sumY / this.n;
    return Math.max(0, this.sumYY - this.n * m * m) / (this.n - 1);
  }

  /**
   * The variance of the mean a test should use: the HAC estimate, but never below the i.i.d. s²/n.
   * Negatively correlated neighbours (a buy and a sell straddling the same move) make the HAC
   * estimate smaller than s²/n; that gain rests on noisy cross products, and a go/no-go does not
   * claim more precision than independent values would give (as Lo's η is not let raise a Sharpe).
   */
  conservativeVarianceOfMean(): number | null {
    const v = this.varianceOfMean();
    const s2 = this.sampleVariance();
    return v === null || s2 === null ? null : Math.max(v, s2 / this.n);
  }

  /** s²/Var(x̄) with the conservative variance: the independent values the sample is worth (≤ n; n when nothing overlaps). */
  effectiveN(): number | null {
    const v = this.conservativeVarianceOfMean();
    const s2 = this.sampleVariance();
    if (v === null || s2 === null || !(v > 0)) return null;
    return s2 / v;
  }

  /**
   * Degrees of freedom of the variance estimate itself: 1.5·n/m̄ with m̄ = Σw/n the weighted
   * neighbours per value (the Bartlett long-run variance has Var ≈ (4/3)·(m̄/n)·V²); ≥ 1.
   */
  varianceDf(): number | null {
    if (this.n < 2 || !(this.sumW > 0)) return null;
    return Math.max(1, (1.5 * this.n * this.n) / this.sumW);
  }

  /** Values that arrived more than `lateMs` behind the newest time (some pairs may be missing). */
  lateCount(): number {
    return this.lateValues;
  }

  /** JSON-safe checkpoint (the running sums and the values still within reach). */
  getState(): OverlapVarianceState {
    const kept = this.recent.kept();
    const recent: EncodedNumber[] = [];
    for (let k = 0; k < kept.ts.length; k++)
      recent.push(encodeNumber(kept.ts[k]!), encodeNumber(kept.items[k]!));
    return {
      version: 1,
      bandwidthMs: encodeNumber(this.bandwidthMs),
      n: this.n,
      shift: encodeNumber(this.shift),
      sumY: encodeNumber(this.sumY),
      sumYY: encodeNumber(this.sumYY),
      sumWyy: encodeNumber(this.sumWyy),
      sumWy: encodeNumber(this.sumWy),
      sumW: encodeNumber(this.sumW),
      newestTsMs: encodeNumber(this.recent.newestTsMs),
      lateValues: this.lateValues,
      recent,
    };
  }

  /** Restore from {@link getState} output of an accumulator with the same bandwidth (throws naming the bad field). */
  setState(state: OverlapVarianceState, where = "OverlapVariance state"): void {
    const r = readVersioned(state, where);
    const bandwidthMs = readNumber(r, "bandwidthMs", where);
    if (bandwidthMs !== this.bandwidthMs) {
      throw new Error(
        `${where}.bandwidthMs: checkpoint has ${bandwidthMs}, this instance ${this.bandwidthMs}`,
      );
    }
    const recent = readNumberArray(r, "recent", where);
    if (recent.length % 2 !== 0 || recent.length / 2 > this.maxRecent) {
      throw new Error(`${where}.recent: expected [tsMs, y] pairs, at most ${this.maxRecent}`);
    }
    const n = readInt(r, "n", where);
    const fields = {
      shift: readNumber(r, "shift", where),
      sumY: readNumber(r, "sumY", where),
      sumYY: readNumber(r, "sumYY", where),
      sumWyy: readNumber(r, "sumWyy", where),
      sumWy: readNumber(r, "sumWy", where),
      sumW: readNumber(r, "sumW", where),
      newestTsMs: readNumber(r, "newestTsMs", where),
    };
    const late = readInt(r, "lateValues", where);
    this.n = n;
    this.shift = fields.shift;
    this.sumY = fields.sumY;
    this.sumYY = fields.sumYY;
    this.sumWyy = fields.sumWyy;
    this.sumWy = fields.sumWy;
    this.sumW = fields.sumW;

    this.lateValues = late;
    this.recent.restore(
      recent.filter((_, k) => k % 2 === 0),
      recent.filter((_, k) => k % 2 === 1),
      fields.newestTsMs,
    );
  }

  /**
   * An accumulator whose past values are known only through their count, mean and sum of squared
   * deviations (an older checkpoint): they count as mutually independent, later values are paired
   * only with each other.
   */
  static fromMoments(options: OverlapVarianceOptions, n: number, mean: number, m2: number): OverlapVariance {
    const v = new OverlapVariance(options);
    if (n > 0) {
      v.n = n;
      v.shift = mean;
      v.sumYY = m2;
      v.sumWyy = m2;
      v.sumW = n;
    }
    return v;
  }
}
