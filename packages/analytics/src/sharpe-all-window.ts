/**
 * The "all" window of SharpeTracker: every closed bucket's return since the start, kept in
 * O(maxLags) state (running moments, drawdown, first returns, lag products, Lo's GMM sums) from
 * which its exact lag autocorrelations and its window record follow.
 */
import { DrawdownTracker } from "./drawdown.js";
import type { SharpeWindowRecord } from "./records.js";
import { ringLastReturns, type SharpeRingBuffers } from "./sharpe-ring.js";
import { effectiveLags, windowRecord } from "./sharpe-window.js";
import { LoGmmSums, RunningMoments } from "./stats.js";

/** What SharpeTracker keeps of all its returns (its ring holds only the latest ones). */
export class AllWindowSums {
  /** Running moments of every return. */
  moments = new RunningMoments();
  /** Drawdown of the equity: the first sample, then every bucket end. */
  drawdown = new DrawdownTracker();
  /** The first `maxLags` returns. */
  readonly firstRets: number[] = [];
  /** Σ r_t·r_{t−k} for k = 1..maxLags (index k). */
  readonly lagProd: Float64Array;
  /** Σ r_t. */
  sumAll = 0;
  /**
   * Sums behind Lo's GMM SE of "all"; null after restoring a checkpoint written without them once
   * the ring no longer held every return (the "all" GMM fields are then null for the rest of the run).
   */
  gmm: LoGmmSums | null;

  constructor(private readonly loMaxLags: number) {
    this.lagProd = new Float64Array(loMaxLags + 1);
    this.gmm = new LoGmmSums(loMaxLags);
  }

  /**
   * GMM sums for a checkpoint written without them: rebuilt exactly (the same pushes in the same
   * order) while `ring` still holds every return since the start, else null (unavailable).
   */
  rebuildGmm(ring: SharpeRingBuffers): LoGmmSums | null {
    if (this.moments.n !== ring.size) return null;
    const g = new LoGmmSums(this.loMaxLags);
    const rets = ringLastReturns(ring, ring.size);
    for (let i = 0; i < rets.length; i++) g.push(rets[i]!);
    return g;
  }

  /**
   * Add a closed bucket's return `r` and its end equity. `ring` is the ring before it holds `r`:
   * the lag products Σ r_t r_{t−k} use the previous L returns still in it.
   */
  push(r: number, endEquity: number, ring: SharpeRingBuffers): void {
    for (let k = 1; k <= this.loMaxLags && k <= ring.size; k++) {
      const idx = (ring.head - k + ring.cap * 2) % ring.cap;
      this.lagProd[k]! += r * ring.rets[idx]!;
    }
    if (this.firstRets.length < this.loMaxLags) this.firstRets.push(r);
    this.moments.push(r);
    this.gmm?.push(r);
    this.sumAll += r;
    this.drawdown.update(0, endEquity);
  }

  /**
   * Add `count` buckets of return `r` once the ring holds only such buckets, where the lag products,
   * the sum and the drawdown no longer change (see `SharpeTracker.advanceTo`).
   */
  pushRepeated(r: number, count: number): void {
    for (let k = 0; k < count && this.firstRets.length < this.loMaxLags; k++) this.firstRets.push(r);
    this.moments.pushRepeated(r, count);
    this.gmm?.pushRepeated(r, count);
  }

  /** The "all" window's record: Sharpe over every closed bucket since the start. */
  record(ring: SharpeRingBuffers, periodsPerYear: number): SharpeWindowRecord {
    const dd = this.drawdown.state();
    const allRhos = this.rhos(ring);
    return windowRecord(
      "all",
      null,
      {
        returns: [],
        rhos: allRhos,
        gmm: this.gmm === null ? null : this.gmm.omega(this.moments, allRhos.length),
        moments: this.moments,
        maxDrawdownAbs: this.moments.n > 0 && dd ? dd.maxDrawdownAbs : null,
        maxDrawdownFrac: this.moments.n > 0 && dd ? dd.maxDrawdownFrac : null,
      },
      periodsPerYear,
    );
  }

  /** Exact lag-1..L autocorrelations of all returns since start, from O(L) state. */
  private rhos(ring: SharpeRingBuffers): number[] {
    const n = this.moments.n;
    const lags = Math.min(effectiveLags(n, this.loMaxLags), ring.size);
    const mean = this.moments.mean();
    const v = this.moments.variance();
    if (mean === null || v === null || lags < 1) return [];
    const c0 = v * (n - 1);
    const out: number[] = [];
    let headSum = 0; // sum of the first k returns
    let tailSum = 0; // sum of the last k returns
    for (let k = 1; k <= lags; k++) {
      headSum += this.firstRets[k - 1]!;
      tailSum += ring.rets[(ring.head - k + ring.cap * 2) % ring.cap]!;
      // Σ_{i=k}^{n−1} (x_i − m)(x_{i−k} − m) = P_k − m·(S − head_k) − m·(S − tail_k) + (n − k)·m²
      const ck =
        this.lagProd[k]! -
        mean * (this.sumAll - headSum) -
        mean * (this.sumAll - tailSum) +
        (n - k) * mean * mean;
      out.push(c0 > 0 ? ck / c0 : 0);
    }
    return out;
  }
}
