/**
 * Confidence interval of a mean of values that are dependent over short times (e.g. the squared
 * errors of fill forecasts placed seconds apart: one market move decides many of them), from
 * non-overlapping time blocks: the cluster-robust variance with the blocks as clusters,
 *
 *   Var(x̄) = K/(K − 1) · Σ_b (S_b − x̄·n_b)² / N²,   CI = x̄ ± t_{K−1} · √Var,
 *
 * (S_b, n_b = sum and count of block b, K blocks, N values). Streaming in O(1): running Σ S_b²,
 * Σ S_b·n_b, Σ n_b² over closed blocks plus the open one. A value older than the open block (out of
 * time order) is added to the open block and counted in `lateCount()`.
 */
import { decodeNumber, type EncodedNumber, encodeNumber, readVersioned } from "./checkpoint.js";
import { studentTQuantile } from "./distributions.js";

/** CI of a mean from time blocks. */
export interface BlockMeanCi {
  level: number;
  lo: number;
  hi: number;
  se: number;
  /** Blocks with at least one value (the CI's df is blocks − 1). */
  blocks: number;
  blockMs: number;
}

/** Checkpoint of a {@link TimeBlockMean}. */
export interface TimeBlockMeanState {
  version: 1;
  blockMs: EncodedNumber;
  /** [open block id, its sum, its count, closed blocks, ΣS², ΣS·n, Σn², total sum, total count, late]. */
  sums: EncodedNumber[];
}

/** Streaming time-block (cluster-robust) CI of a mean (see the module doc). */
export class TimeBlockMean {
  private readonly blockMs: number;
  private cur = Number.NaN;
  private curS = 0;
  private curN = 0;
  private k = 0;
  private s2 = 0;
  private sn = 0;
  private n2 = 0;
  private total = 0;
  private n = 0;
  private late = 0;

  /** Blocks of `blockMs` (> 0) of the values' time. */
  constructor(blockMs: number) {
    if (!(blockMs > 0 && Number.isFinite(blockMs)))
      throw new Error(`TimeBlockMean: blockMs must be finite and > 0, got ${blockMs}`);
    this.blockMs = blockMs;
  }

  /** Add a value observed at `tsMs`; throws on a non-finite input. */
  push(tsMs: number, x: number): void {
    if (!Number.isFinite(tsMs) || !Number.isFinite(x))
      throw new Error(`TimeBlockMean.push: tsMs and x must be finite, got ${tsMs}, ${x}`);
    const b = Math.floor(tsMs / this.blockMs);
    if (Number.isNaN(this.cur)) this.cur = b;
    else if (b > this.cur) {
      this.close();
      this.cur = b;
    } else if (b < this.cur) this.late += 1;
    this.curS += x;
    this.curN += 1;
    this.total += x;
    this.n += 1;
  }

  /** Values added. */
  count(): number {
    return this.n;
  }

  /** Values that arrived after their block had closed (added to the open block). */
  lateCount(): number {
    return this.late;
  }

  /**
   * The CI of the mean at `level` (null below 2 non-empty blocks or without spread between them),
   * clipped to `range` when the values have one (with few blocks t_{K−1} is wide: 12.7 at K = 2).
   */
  ci(level = 0.95, range?: { min: number; max: number }): BlockMeanCi | null {
    const open = this.curN > 0 ? 1 : 0;
    const k = this.k + open;
    if (k < 2 || this.n === 0) return null;
    const s2 = this.s2 + this.curS * this.curS;
    const sn = this.sn + this.curS * this.curN;
    const n2 = this.n2 + this.curN * this.curN;
    const mean = this.total / this.n;
    const q = s2 - 2 * mean * sn + mean * mean * n2;
    const v = ((k / (k - 1)) * Math.max(0, q)) / (this.n * this.n);
    if (!(v > 0)) return null;
    const se = Math.sqrt(v);
    const t = studentTQuantile(0.5 + level / 2, k - 1);
    let lo = mean - t * se;
    let hi = mean + t * se;
    if (range !== undefined) {
      lo = Math.max(range.min, lo);
      hi = Math.min(range.max, hi);
    }
    return { level, lo, hi, se, blocks: k, blockMs: this.blockMs };
  }

  /** JSON-safe checkpoint. */
  getState(): TimeBlockMeanState {
    const v = [
      this.cur,
      this.curS,
      this.curN,
      this.k,
      this.s2,
      this.sn,
      this.n2,
      this.total,
      this.n,
      this.late,
    ];
    return { version: 1, blockMs: encodeNumber(this.blockMs), sums: v.map(encodeNumber) };
  }

  /** Restore from {@link getState} output of a tracker with the same block length (throws naming the bad field). */
  setState(state: TimeBlockMeanState, where = "TimeBlockMean state"): void {
    const r = readVersioned(state, where);
    const blockMs = decodeNumber(r["blockMs"], `${where}.blockMs`);
    if (blockMs !== this.blockMs)
      throw new Error(`${where}.blockMs: checkpoint has ${blockMs}, this instance ${this.blockMs}`);
    const sums = r["sums"];
    if (!Array.isArray(sums) || sums.length !== 10) throw new Error(`${where}.sums: expected 10 numbers`);
    const v = sums.map((x, i) => decodeNumber(x, `${where}.sums[${i}]`));
    [this.cur, this.curS, this.curN, this.k, this.s2, this.sn, this.n2, this.total, this.n, this.late] =
      v as [number, number, number, number, number, number, number, number, number, number];
  }

  private close(): void {
    if (this.curN === 0) return;
    this.k += 1;
    this.s2 += this.curS * this.curS;
    this.sn += this.curS * this.curN;
    this.n2 += this.curN * this.curN;
    this.curS = 0;
    this.curN = 0;
  }
}
