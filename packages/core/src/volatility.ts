/**
 * Online σ of mid log-returns per √second with time-based exponential decay.
 *
 * Each update adds the squared log-return r² = ln(mid_t/mid_{t−1})² and the elapsed time Δt to two decayed
 * sums, both multiplied by 2^(−Δt/halfLife) first:  N ← αN + r²,  D ← αD + Δt,  σ² = N/D.
 * This is the EWMA of r²/Δt with each sample weighted by its Δt (realized variance per second), so irregular
 * sampling is handled without bias: long intervals count for their length, bursts of quick updates do not
 * dominate, and a price change at an unchanged timestamp adds its r² with zero time.
 */
import { MS_PER_SEC } from "./units.js";

/** Options of `EwmaVolatility`. */
export interface EwmaVolatilityOptions {
  /** Half-life of the time decay, seconds (> 0). */
  halfLifeSec: number;
  /** Returns needed before confidence can reach 1 (default 30). */
  minSamples?: number;
  /** Returns over a gap longer than this are discarded (default: the half-life), seconds. */
  maxGapSec?: number;
  /**
   * Sparse sampling: an observation less than this after the last one that entered the estimate is
   * skipped, so returns span at least this long (default 0: every observation). Tick-by-tick mids
   * are not a martingale — on Binance BTCUSDT spot the bookTicker mid moves in runs of small
   * same-direction steps, and its tick-level σ is half its 1 s σ — while quotes and fill horizons
   * live on the seconds scale. Unbiased for a Brownian mid (returns over stopping times).
   */
  minSampleSpacingMs?: number;
}

/** Checkpoint of an `EwmaVolatility` (plain JSON). */
export interface EwmaVolatilityState {
  version: 1;
  /** Decayed sum of squared log-returns. */
  sumSqReturn: number;
  /** Decayed sum of elapsed seconds. */
  sumDtSec: number;
  lastTsMs: number | null;
  lastMid: number | null;
  sampleCount: number;
  rejectedCount: number;
}

/** Share of the asymptotic decayed time weight (halfLife/ln 2) at which the coverage factor of confidence is 1. */
const FULL_COVERAGE = 0.75;

/** Time-decayed EWMA volatility estimator of mid log-returns; value() is σ per √second. */
export class EwmaVolatility {
  private readonly halfLifeSec: number;
  private readonly minSamples: number;
  private readonly maxGapSec: number;
  private readonly minSpacingSec: number;
  private sumSqReturn = 0;
  private sumDtSec = 0;
  private lastTsMs: number | null = null;
  private lastMid: number | null = null;
  private samples = 0;
  private rejected = 0;

  /** Create an estimator; throws on a non-positive half-life, minSamples < 1 or maxGapSec ≤ 0. */
  constructor(opts: EwmaVolatilityOptions) {
    if (!Number.isFinite(opts.halfLifeSec) || opts.halfLifeSec <= 0) {
      throw new Error(`EwmaVolatility: halfLifeSec must be finite and > 0, got ${opts.halfLifeSec}`);
    }
    const minSamples = opts.minSamples ?? 30;
    if (!Number.isInteger(minSamples) || minSamples < 1) {
      throw new Error(`EwmaVolatility: minSamples must be an integer >= 1, got ${minSamples}`);
    }
    const maxGapSec = opts.maxGapSec ?? opts.halfLifeSec;
    if (Number.isNaN(maxGapSec) || maxGapSec <= 0) {
      throw new Error(`EwmaVolatility: maxGapSec must be > 0, got ${maxGapSec}`);
    }
    const spacingMs = opts.minSampleSpacingMs ?? 0;
    if (!Number.isFinite(spacingMs) || spacingMs < 0) {
      throw new Error(`EwmaVolatility: minSampleSpacingMs must be finite and >= 0, got ${spacingMs}`);
    }
    this.halfLifeSec = opts.halfLifeSec;
    this.minSamples = minSamples;
    this.maxGapSec = maxGapSec;
    this.minSpacingSec = spacingMs / MS_PER_SEC;
  }

  /**
   * Add a mid observation. Throws on a non-finite timestamp or a non-positive/non-finite mid. An observation
   * older than the last one is skipped and counted in `rejectedCount()`; one within `minSampleSpacingMs` of
   * the last sample is skipped silently. A gap longer than maxGapSec decays the sums but its return is
   * discarded.
   */
  update(tsMs: number, mid: number): void {
    if (!Number.isFinite(tsMs)) throw new Error(`EwmaVolatility.update: tsMs must be finite, got ${tsMs}`);
    if (!Number.isFinite(mid) || mid <= 0)
      throw new Error(`EwmaVolatility.update: mid must be finite and > 0, got ${mid}`);
    if (this.lastTsMs === null || this.lastMid === null) {
      this.lastTsMs = tsMs;
      this.lastMid = mid;
      return;
    }
    const dtSec = (tsMs - this.lastTsMs) / MS_PER_SEC;
    if (dtSec < 0) {
      this.rejected += 1;
      return;
    }
    if (dtSec < this.minSpacingSec) return; // sparse sampling: not yet a sample
    const alpha = 2 ** (-dtSec / this.halfLifeSec);
    this.sumSqReturn *= alpha;
    this.sumDtSec *= alpha;
    if (dtSec <= this.maxGapSec) {
      const r = Math.log(mid / this.lastMid);
      this.sumSqReturn += r * r;
      this.sumDtSec += dtSec;
      if (dtSec > 0) this.samples += 1;
    }
    this.lastTsMs = tsMs;
    this.lastMid = mid;
  }

  /** σ of mid log-returns per √second (0 before any elapsed time is observed; check `confidence()`). */
  value(): number {
    if (this.sumDtSec <= 0) return 0;
    return Math.sqrt(this.sumSqReturn / this.sumDtSec);
  }

  /**
   * Confidence in [0, 1]: min(1, samples/minSamples) × min(1, coverage/0.75), where coverage = decayed time
   * weight / (halfLife/ln 2) is the share of a fully warmed-up window (0.75 after 2 half-lives of data).
   * Coverage falls again during data gaps, so a stale estimate loses confidence.
   */
  confidence(): number {
    const countFactor = Math.min(1, this.samples / this.minSamples);
    const coverage = (this.sumDtSec * Math.LN2) / this.halfLifeSec;
    return countFactor * Math.min(1, coverage / FULL_COVERAGE);
  }

  /** Number of returns with positive elapsed time that entered the estimate. */
  sampleCount(): number {
    return this.samples;
  }

  /** Number of observations skipped because their timestamp went backwards. */
  rejectedCount(): number {
    return this.rejected;
  }

  /** Whether at least minSamples returns have been seen. */
  isWarm(): boolean {
    return this.samples >= this.minSamples;
  }

  /** Serializable checkpoint. */
  getState(): EwmaVolatilityState {
    return {
      version: 1,
      sumSqReturn: this.sumSqReturn,
      sumDtSec: this.sumDtSec,
      lastTsMs: this.lastTsMs,
      lastMid: this.lastMid,
      sampleCount: this.samples,
      rejectedCount: this.rejected,
    };
  }

  /** Restore a checkpoint from `getState()`; throws on a malformed state. */
  setState(state: EwmaVolatilityState): void {
    if (state.version !== 1)
      throw new Error(`EwmaVolatility.setState: unsupported version ${String(state.version)}`);
    const nums = [state.sumSqReturn, state.sumDtSec, state.sampleCount, state.rejectedCount];
    if (nums.some((x) => !Number.isFinite(x) || x < 0)) {
      throw new Error("EwmaVolatility.setState: sums and counts must be finite and >= 0");
    }
    if ((state.lastTsMs === null) !== (state.lastMid === null)) {
      throw new Error("EwmaVolatility.setState: lastTsMs and lastMid must both be null or both set");
    }
    this.sumSqReturn = state.sumSqReturn;
    this.sumDtSec = state.sumDtSec;
    this.lastTsMs = state.lastTsMs;
    this.lastMid = state.lastMid;
    this.samples = state.sampleCount;
    this.rejected = state.rejectedCount;
  }
}
