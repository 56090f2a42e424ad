/**
 * Online estimate of the trade-arrival intensity λ(δ) = A·exp(−κδ) from the public tape.
 *
 * Every market trade is recorded with the depth it reached on the aggressor's side relative to the mid just
 * before it: δ = (price − mid)/mid for a buy aggressor (ask side), (mid − price)/mid for a sell, floored at 0.
 * Prints of one sweep (same timestamp, same aggressor side) count once, at the deepest print, so A counts
 * taker orders, not prints: with millisecond timestamps, independent prints that share a millisecond merge
 * too (a Poisson tape of 50 prints/s reads ≈2 % low, 200/s ≈7 %). Over a rolling
 * time window the empirical survival curve S(δ_i) = #trades reaching ≥ δ_i is taken on an even grid of
 * depths in [minFitDepthBps, maxFitDepthBps]; ln(S_i / (2·T)) = ln A − κ·δ_i is fitted by weighted least
 * squares (weights S_i ≈ inverse variance of ln S_i) on grid points with at least `minPointCount` trades.
 *
 * `value()` POOLS both sides and divides the pooled rate by 2, so A is a PER-SIDE rate (trades per second
 * reaching one side's touch), assuming symmetric flow — the A the GLFT formula expects. `value("buy")` fits
 * buy aggressors only (they lift asks: the intensity our ASK quotes face), `value("sell")` the bid side;
 * each per-side fit has about half the data.
 *
 * With `adaptiveGrid` the deepest grid point follows the tape (see adaptive-grid.ts for when and where
 * it moves); `maxFitDepthBps` is then its floor and the grid is part of the checkpoint.
 */
import { gridNeedsAdapting, windowDepthQuantile } from "./adaptive-grid.js";
import type { ArrivalCurve } from "./arrival-curve.js";
import type { Side } from "./types.js";
import { fitSurvivalCurve } from "./intensity-fit.js";
import { type IntensityFit, type IntensitySurvival, intensityFitOf } from "./intensity-fit-result.js";
import {
  type IntensityEstimatorOptions,
  resolveIntensityEstimatorOptions,
} from "./intensity-estimator-options.js";
import {
  checkIntensityEstimatorState,
  checkStateEvent,
  type IntensityEstimatorState,
  windowEvents,
} from "./intensity-estimator-state.js";
import { TradeDepthRing } from "./trade-depth-ring.js";
import { BPS_PER_FRAC, MS_PER_SEC } from "./units.js";

export type { AdaptiveGridOptions } from "./adaptive-grid.js";
export type { IntensityEstimatorOptions } from "./intensity-estimator-options.js";
export type { IntensityEstimatorState } from "./intensity-estimator-state.js";
export type { IntensityFit, IntensitySurvival } from "./intensity-fit-result.js";

/** Rolling-window A/κ estimator from trade depths (see the module doc for the method). */
export class IntensityEstimator {
  private readonly windowMs: number;
  private readonly windowSec: number;
  private readonly minFitDepthFrac: number;
  /** Configured deepest grid point (the adaptive grid's floor), fraction of mid. */
  private readonly floorMaxFitDepthFrac: number;
  private maxFitDepthFrac: number;
  private readonly floorStepFrac: number;
  private stepFrac: number;
  private readonly gridQuantile: number;
  /** Trades between looks at the grid; 0 = fixed grid. */
  private readonly gridCheckEvery: number;
  private tradesSinceGridCheck = 0;
  private readonly gridPoints: number;
  private readonly minPointCount: number;
  private readonly minSamples: number;
  private readonly minR2: number;
  private readonly maxEvents: number;
  private readonly fallback: { aPerSec: number; kappaPerFrac: number };

  private readonly ring: TradeDepthRing;
  /** hist[b]: trades whose depth falls in bucket b (0 = below the grid, b ≥ 1 reaches grid point b − 1). */
  private readonly hist: Float64Array;
  /** The same histogram for buy aggressors only (sell = hist − histBuy). */
  private readonly histBuy: Float64Array;
  private startTsMs: number | null = null;
  private nowTsMs: number | null = null;
  private capacityDropTsMs: number | null = null;
  private rejected = 0;
  /** Cached fits: [pooled, buy aggressors, sell aggressors]. */
  private readonly cached: Array<IntensityFit | null> = [null, null, null];

  /** Create an estimator; throws naming the first invalid option. */
  constructor(opts: IntensityEstimatorOptions) {
    const o = resolveIntensityEstimatorOptions(opts);
    this.windowSec = o.windowSec;
    this.windowMs = o.windowMs;
    this.gridPoints = o.gridPoints;
    this.minFitDepthFrac = o.minFitDepthFrac;
    this.floorMaxFitDepthFrac = o.floorMaxFitDepthFrac;
    this.maxFitDepthFrac = this.floorMaxFitDepthFrac;
    this.floorStepFrac = o.floorStepFrac;
    this.stepFrac = this.floorStepFrac;
    this.gridQuantile = o.gridQuantile;
    this.gridCheckEvery = o.gridCheckEvery;
    this.minPointCount = o.minPointCount;
    this.minSamples = o.minSamples;
    this.minR2 = o.minR2;
    this.maxEvents = o.maxEvents;
    this.fallback = o.fallback;
    this.hist = new Float64Array(this.gridPoints + 1);
    this.histBuy = new Float64Array(this.gridPoints + 1);
    this.ring = new TradeDepthRing(this.maxEvents);
  }

  /**
   * Record a market trade. `priorMid` is the mid just before the trade. Throws on non-finite or non-positive
   * inputs or an unknown side. A trade older than the newest recorded one, or already outside the window, is
   * skipped (`rejectedCount()`). Same timestamp and side as the newest trade: one sweep, the deepest print kept.
   */
  onTrade(tsMs: number, tradePrice: number, aggressor: Side, priorMid: number): void {
    if (!Number.isFinite(tsMs))
      throw new Error(`IntensityEstimator.onTrade: tsMs must be finite, got ${tsMs}`);
    if (!Number.isFinite(tradePrice) || tradePrice <= 0) {
      throw new Error(`IntensityEstimator.onTrade: tradePrice must be finite and > 0, got ${tradePrice}`);
    }
    if (!Number.isFinite(priorMid) || priorMid <= 0) {
      throw new Error(`IntensityEstimator.onTrade: priorMid must be finite and > 0, got ${priorMid}`);
    }
    if (aggressor !== "buy" && aggressor !== "sell") {
      throw new Error(
        `IntensityEstimator.onTrade: aggressor must be "buy" or "sell", got ${String(aggressor)}`,
      );
    }
    const isBuy = aggressor === "buy" ? 1 : 0;
    const depth = Math.max(0, ((isBuy ? 1 : -1) * (tradePrice - priorMid)) / priorMid);
    if (this.nowTsMs !== null && tsMs <= this.nowTsMs - this.windowMs) {
      this.rejected += 1;
      return;
    }
    const ring = this.ring;
    if (ring.size > 0) {
      const last = ring.size - 1;
      const lastTs = ring.tsAt(last);
      if (tsMs < lastTs) {
        this.rejected += 1;
        return;
      }
      if (tsMs === lastTs && ring.buyAt(last) === isBuy) {
        if (depth > ring.depthAt(last)) {
          const b = this.bucketOf(depth);
          this.bump(ring.bucketAt(last), isBuy, -1);
          this.bump(b, isBuy, 1);
          ring.setDepthAt(last, depth, b);
          this.invalidate();
        }
        return;
      }
    }
    this.advanceTo(tsMs);
    if (ring.isFull()) {
      this.capacityDropTsMs = ring.tsAt(0);
      this.dropOldest();
    }
    const b = this.bucketOf(depth);
    ring.push(tsMs, depth, isBuy, b);
    this.bump(b, isBuy, 1);
    this.invalidate();
    if (this.gridCheckEvery > 0 && ++this.tradesSinceGridCheck >= this.gridCheckEvery) {
      this.tradesSinceGridCheck = 0;
      this.adaptGrid();
    }
  }

  /** Deepest point of the fit grid now, bps (moves only with `adaptiveGrid`). */
  maxFitDepthBps(): number {
    return this.maxFitDepthFrac * BPS_PER_FRAC;
  }

  /** Move the clock forward without a trade (expires old trades). Earlier times are ignored. */
  advanceTo(tsMs: number): void {
    if (!Number.isFinite(tsMs))
      throw new Error(`IntensityEstimator.advanceTo: tsMs must be finite, got ${tsMs}`);
    if (this.startTsMs === null) this.startTsMs = tsMs;
    if (this.nowTsMs !== null && tsMs <= this.nowTsMs) return;
    this.nowTsMs = tsMs;
    const cutoff = tsMs - this.windowMs;
    while (this.ring.size > 0 && this.ring.tsAt(0) <= cutoff) this.dropOldest();
    this.invalidate();
  }

  /**
   * The fit, or the fallback (usedFallback = true) when samples < minSamples, R² < minR2 or κ ≤ 0. Without an
   * argument both sides are pooled (A per side = pooled rate / 2); with `aggressor` only that side's trades.
   */
  value(aggressor?: Side): IntensityFit {
    const k = aggressor === undefined ? 0 : aggressor === "buy" ? 1 : 2;
    let f = this.cached[k];
    if (f === null || f === undefined) {
      f = this.fit(aggressor);
      this.cached[k] = f;
    }
    return f;
  }

  /**
   * Confidence in [0, 1]: 0 unless the fit is OK; else min(1, samples/(2·minSamples)) × (R² − minR2)/(1 − minR2)
   * (the R² factor is 1 when minR2 = 1).
   */
  confidence(aggressor?: Side): number {
    const f = this.value(aggressor);
    if (!f.fitOk) return 0;
    const countFactor = Math.min(1, f.sampleCount / (2 * this.minSamples));
    const quality = this.minR2 >= 1 ? 1 : Math.min(1, Math.max(0, (f.r2 - this.minR2) / (1 - this.minR2)));
    return countFactor * quality;
  }

  /** Trades (sweeps merged) currently in the window. */
  sampleCount(): number {
    return this.ring.size;
  }

  /** Trades skipped because their timestamp went backwards. */
  rejectedCount(): number {
    return this.rejected;
  }

  /** The empirical survival curve of the window on the fit grid (pooled, or one aggressor side). */
  survival(aggressor?: Side): IntensitySurvival {
    const observedSec = this.observedSec();
    const sides = aggressor === undefined ? 2 : 1;
    const count = this.survivalCounts(aggressor);
    const depthBps = count.map((_, i) => (this.minFitDepthFrac + i * this.stepFrac) * BPS_PER_FRAC);
    const ratePerSecPerSide = count.map((c) => (observedSec > 0 ? c / (sides * observedSec) : 0));
    return { depthBps, count, ratePerSecPerSide };
  }

  /**
   * The window's empirical arrival curve, both sides pooled: λ(δ_i) = S(δ_i)/(2·T) trades per second
   * per side reaching each grid depth; null before `minSamples` trades or without elapsed time. For
   * fill predictions when the exponential fit is not usable (e.g. a tape whose depths are not
   * exponential), so they follow the data instead of the fallback prior.
   */
  arrivalCurve(): ArrivalCurve | null {
    const observedSec = this.observedSec();
    if (this.ring.size < this.minSamples || !(observedSec > 0)) return null;
    const count = this.survivalCounts(undefined);
    return {
      depthFrac: count.map((_, i) => this.minFitDepthFrac + i * this.stepFrac),
      ratePerSec: count.map((c) => c / (2 * observedSec)),
    };
  }

  /** Serializable checkpoint (the trades in the window, so memory is bounded by the window). */
  getState(): IntensityEstimatorState {
    return {
      version: 1,
      events: windowEvents(this.ring),
      startTsMs: this.startTsMs,
      nowTsMs: this.nowTsMs,
      capacityDropTsMs: this.capacityDropTsMs,
      rejectedCount: this.rejected,
      maxFitDepthFrac: this.maxFitDepthFrac,
      tradesSinceGridCheck: this.tradesSinceGridCheck,
    };
  }

  /** Restore a checkpoint from `getState()`; throws on a malformed state. */
  setState(state: IntensityEstimatorState): void {
    const { gridMax, sinceCheck } = checkIntensityEstimatorState(
      state,
      this.maxEvents,
      this.floorMaxFitDepthFrac,
      this.gridCheckEvery,
    );
    this.setGridMax(gridMax);
    this.tradesSinceGridCheck = sinceCheck;
    this.ring.clear();
    this.hist.fill(0);
    this.histBuy.fill(0);
    this.startTsMs = null;
    this.nowTsMs = null;
    this.capacityDropTsMs = null;
    let prevTs = Number.NEGATIVE_INFINITY;
    for (const [ts, depth, buy] of state.events) {
      checkStateEvent(ts, prevTs, depth, buy);
      prevTs = ts;
      const b = this.bucketOf(depth);
      this.ring.push(ts, depth, buy, b);
      this.bump(b, buy, 1);
    }
    this.startTsMs = state.startTsMs;
    this.nowTsMs = state.nowTsMs;
    this.capacityDropTsMs = state.capacityDropTsMs;
    this.rejected = state.rejectedCount;
    this.invalidate();
  }

  private gridStepFor(maxFrac: number): number {
    if (maxFrac === this.floorMaxFitDepthFrac) return this.floorStepFrac;
    return (maxFrac - this.minFitDepthFrac) / (this.gridPoints - 1);
  }

  private setGridMax(maxFrac: number): void {
    this.maxFitDepthFrac = maxFrac;
    this.stepFrac = this.gridStepFor(maxFrac);
  }

  /** Reset the deepest grid point to the window's quantile depth when the tape has outgrown or shrunk away from it. */
  private adaptGrid(): void {
    const n = this.ring.size;
    if (n < this.minSamples) return;
    const aboveFloor = this.maxFitDepthFrac > this.floorMaxFitDepthFrac;
    if (!gridNeedsAdapting(this.hist, this.gridPoints, n, this.gridQuantile, aboveFloor)) return;
    const target = Math.max(this.floorMaxFitDepthFrac, windowDepthQuantile(this.ring, this.gridQuantile));
    if (!(target > this.minFitDepthFrac) || target === this.maxFitDepthFrac) return;
    this.setGridMax(target);
    this.hist.fill(0);
    this.histBuy.fill(0);
    for (let k = 0; k < n; k++) {
      const b = this.bucketOf(this.ring.depthAt(k));
      this.ring.setDepthAt(k, this.ring.depthAt(k), b);
      this.bump(b, this.ring.buyAt(k), 1);
    }
    this.invalidate();
  }

  private bump(bucket: number, isBuy: number, delta: number): void {
    this.hist[bucket]! += delta;
    if (isBuy === 1) this.histBuy[bucket]! += delta;
  }

  private invalidate(): void {
    this.cached[0] = null;
    this.cached[1] = null;
    this.cached[2] = null;
  }

  /** Survival counts per grid point (S_i = trades reaching grid point i) for all, buy or sell aggressors. */
  private survivalCounts(aggressor: Side | undefined): number[] {
    const out = new Array<number>(this.gridPoints);
    let s = 0;
    for (let b = this.gridPoints; b >= 1; b--) {
      const all = this.hist[b]!;
      const buy = this.histBuy[b]!;
      s += aggressor === undefined ? all : aggressor === "buy" ? buy : all - buy;
      out[b - 1] = s;
    }
    return out;
  }

  private bucketOf(depth: number): number {
    if (depth < this.minFitDepthFrac) return 0;
    // +1e-9 so a depth exactly on a grid point counts as reaching it despite rounding
    const b = Math.floor((depth - this.minFitDepthFrac) / this.stepFrac + 1e-9) + 1;
    return Math.min(b, this.gridPoints);
  }

  private dropOldest(): void {
    this.bump(this.ring.bucketAt(0), this.ring.buyAt(0), -1);
    this.ring.shift();
  }

  private observedSec(): number {
    if (this.nowTsMs === null || this.startTsMs === null) return 0;
    let from = Math.max(this.startTsMs, this.nowTsMs - this.windowMs);
    if (this.capacityDropTsMs !== null) from = Math.max(from, this.capacityDropTsMs);
    return Math.max(0, (this.nowTsMs - from) / MS_PER_SEC);
  }

  private fit(aggressor: Side | undefined): IntensityFit {
    const observedSec = this.observedSec();
    const count = this.survivalCounts(aggressor);
    const sampleCount =
      aggressor === undefined ? this.ring.size : count[0]! + this.bucketZeroCount(aggressor);
    const depthFrac = count.map((_, i) => this.minFitDepthFrac + i * this.stepFrac);
    const fit = fitSurvivalCurve(
      depthFrac,
      count,
      observedSec,
      aggressor === undefined ? 2 : 1,
      this.minPointCount,
    );
    return intensityFitOf(fit, {
      fallback: this.fallback,
      sampleCount,
      windowSec: this.windowSec,
      observedSec,
      minSamples: this.minSamples,
      minR2: this.minR2,
    });
  }

  /** Trades of one aggressor side below the first grid point (bucket 0). */
  private bucketZeroCount(aggressor: Side): number {
    const buy = this.histBuy[0]!;
    return aggressor === "buy" ? buy : this.hist[0]! - buy;
  }
}
