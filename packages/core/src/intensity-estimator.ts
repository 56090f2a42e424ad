/**
 * Online estimate of the trade-arrival intensity λ(δ) = A·exp(−κδ) from the public tape.
 *
 * Every market trade is recorded with the depth it reached on the aggressor's side relative to the mid just
 * before it: δ = (price − mid)/mid for a buy aggressor (ask side), (mid − price)/mid for a sell, floored at 0.
 * Prints of one sweep (same timestamp, same aggressor side) count once, at the deepest print. Over a rolling
 * time window the empirical survival curve S(δ_i) = #trades reaching ≥ δ_i is taken on an even grid of
 * depths in [minFitDepthBps, maxFitDepthBps]; ln(S_i / (2·T)) = ln A − κ·δ_i is fitted by weighted least
 * squares (weights S_i ≈ inverse variance of ln S_i) on grid points with at least `minPointCount` trades.
 *
 * `value()` POOLS both sides and divides the pooled rate by 2, so A is a PER-SIDE rate (trades per second
 * reaching one side's touch), assuming symmetric flow — the A the GLFT formula expects. `value("buy")` fits
 * buy aggressors only (they lift asks: the intensity our ASK quotes face), `value("sell")` the bid side;
 * each per-side fit has about half the data.
 *
 * With `adaptiveGrid` the deepest grid point follows the tape instead of staying at `maxFitDepthBps`
 * (which becomes its floor): an instrument whose spread or typical print is tens of bps wide would
 * otherwise put every print past a 10 bps grid, leaving nothing to fit. Every `checkEveryTrades`
 * trades the estimator looks at its own histogram: when more than 2·(1 − quantile) of the window's
 * trades reach the deepest point, or (above the floor) fewer than (1 − quantile)/4 reach half of it,
 * the deepest point is reset to the window's `quantile` depth (never below the floor) and the window's
 * trades are re-bucketed. Deterministic for a given trade sequence; the grid is part of the checkpoint.
 */
import type { ArrivalCurve } from "./arrival-curve.js";
import type { Side } from "./types.js";
import { fitSurvivalCurve } from "./intensity-fit.js";
import { TradeDepthRing } from "./trade-depth-ring.js";
import { BPS_PER_FRAC, MS_PER_SEC } from "./units.js";

/** Options of `IntensityEstimator`. */
export interface IntensityEstimatorOptions {
  /** Rolling window length, seconds. */
  windowSec: number;
  /** Deepest grid point of the fit, bps (default 10). */
  maxFitDepthBps?: number;
  /** Shallowest grid point of the fit, bps (default 0; raise it above the typical touch half-spread if wanted). */
  minFitDepthBps?: number;
  /** Number of grid points (default 20). */
  gridPoints?: number;
  /** Grid points reached by fewer trades are left out of the fit (default 10). */
  minPointCount?: number;
  /** Trades in the window needed for a fit (default 100). */
  minSamples?: number;
  /** Weighted R² needed to accept the fit (default 0.8). */
  minR2?: number;
  /** Ring-buffer capacity in trades (default 100,000); past it the oldest trades are dropped early. */
  maxEvents?: number;
  /** Values returned while the fit is not usable. */
  fallback: { aPerSec: number; kappaPerFrac: number };
  /** Let the deepest grid point follow the tape (see the module doc); `maxFitDepthBps` is then its floor. */
  adaptiveGrid?: AdaptiveGridOptions;
}

/** Options of the adaptive fit grid. */
export interface AdaptiveGridOptions {
  /** The deepest grid point is set to this quantile of the window's trade depths (default 0.99). */
  quantile?: number;
  /** Trades between two looks at the grid (default 500). */
  checkEveryTrades?: number;
}

/** Result of the intensity fit (or the fallback). */
export interface IntensityFit {
  /** Per-side arrival rate at zero depth, trades per second. */
  aPerSec: number;
  /** Decay of intensity with depth, per fraction of mid. */
  kappaPerFrac: number;
  /** Weighted R² of the log-linear fit (NaN when no fit was possible). */
  r2: number;
  /** Trades (sweeps merged) in the window. */
  sampleCount: number;
  /** Whether the fit passed the sample, R² and sign checks. */
  fitOk: boolean;
  /** Whether aPerSec/kappaPerFrac are the fallback values. */
  usedFallback: boolean;
  /** Configured window, seconds. */
  windowSec: number;
  /** Time span the counts cover (shorter than the window during warm-up), seconds. */
  observedSec: number;
  /** Grid points that entered the fit. */
  pointsUsed: number;
  /** Fitted A even when rejected (NaN when no fit was possible). */
  fittedAPerSec: number;
  /** Fitted κ even when rejected (NaN when no fit was possible). */
  fittedKappaPerFrac: number;
}

/** Empirical survival curve of the window: per grid depth, the trades reaching it and the per-side rate. */
export interface IntensitySurvival {
  depthBps: number[];
  count: number[];
  ratePerSecPerSide: number[];
}

/** Checkpoint of an `IntensityEstimator` (plain JSON). */
export interface IntensityEstimatorState {
  version: 1;
  /** Trades in the window, oldest first: [tsMs, depthFrac, 1 = buy aggressor | 0 = sell]. */
  events: Array<[number, number, number]>;
  startTsMs: number | null;
  nowTsMs: number | null;
  capacityDropTsMs: number | null;
  rejectedCount: number;
  /** Deepest grid point as a fraction of mid (adaptive grid; absent = the configured one). */
  maxFitDepthFrac?: number;
  /** Trades since the adaptive grid was last looked at. */
  tradesSinceGridCheck?: number;
}

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
    if (opts === null || typeof opts !== "object")
      throw new Error(`IntensityEstimator: options {windowSec, fallback, …} are required, got ${opts}`);
    const fb: unknown = opts.fallback;
    if (fb === null || typeof fb !== "object") {
      throw new Error(
        `IntensityEstimator: fallback {aPerSec, kappaPerFrac} is required (the prior until the fit is usable), got ${fb}`,
      );
    }
    const positive = (name: string, v: number): number => {
      if (!Number.isFinite(v) || v <= 0)
        throw new Error(`IntensityEstimator: ${name} must be finite and > 0, got ${v}`);
      return v;
    };
    const intAtLeast = (name: string, v: number, min: number): number => {
      if (!Number.isInteger(v) || v < min)
        throw new Error(`IntensityEstimator: ${name} must be an integer >= ${min}, got ${v}`);
      return v;
    };
    this.windowSec = positive("windowSec", opts.windowSec);
    this.windowMs = this.windowSec * MS_PER_SEC;
    const maxFitBps = positive("maxFitDepthBps", opts.maxFitDepthBps ?? 10);
    const minFitBps = opts.minFitDepthBps ?? 0;
    if (!Number.isFinite(minFitBps) || minFitBps < 0 || minFitBps >= maxFitBps) {
      throw new Error(`IntensityEstimator: minFitDepthBps must be in [0, maxFitDepthBps), got ${minFitBps}`);
    }
    this.gridPoints = intAtLeast("gridPoints", opts.gridPoints ?? 20, 3);
    if (this.gridPoints > 10_000)
      throw new Error(`IntensityEstimator: gridPoints must be <= 10000, got ${this.gridPoints}`);
    this.minFitDepthFrac = minFitBps / BPS_PER_FRAC;
    this.floorMaxFitDepthFrac = maxFitBps / BPS_PER_FRAC;
    this.maxFitDepthFrac = this.floorMaxFitDepthFrac;
    this.floorStepFrac = (maxFitBps - minFitBps) / BPS_PER_FRAC / (this.gridPoints - 1);
    this.stepFrac = this.floorStepFrac;
    const adaptive = opts.adaptiveGrid;
    this.gridQuantile = adaptive?.quantile ?? 0.99;
    if (!(this.gridQuantile > 0.5 && this.gridQuantile < 1)) {
      throw new Error(
        `IntensityEstimator: adaptiveGrid.quantile must be in (0.5, 1), got ${this.gridQuantile}`,
      );
    }
    this.gridCheckEvery =
      adaptive === undefined
        ? 0
        : intAtLeast("adaptiveGrid.checkEveryTrades", adaptive.checkEveryTrades ?? 500, 1);
    this.minPointCount = intAtLeast("minPointCount", opts.minPointCount ?? 10, 1);
    this.minSamples = intAtLeast("minSamples", opts.minSamples ?? 100, 1);
    const minR2 = opts.minR2 ?? 0.8;
    if (!Number.isFinite(minR2) || minR2 < 0 || minR2 > 1) {
      throw new Error(`IntensityEstimator: minR2 must be in [0, 1], got ${minR2}`);
    }
    this.minR2 = minR2;
    this.maxEvents = intAtLeast("maxEvents", opts.maxEvents ?? 100_000, 16);
    positive("fallback.aPerSec", opts.fallback.aPerSec);
    positive("fallback.kappaPerFrac", opts.fallback.kappaPerFrac);
    this.fallback = { aPerSec: opts.fallback.aPerSec, kappaPerFrac: opts.fallback.kappaPerFrac };
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
    const events: Array<[number, number, number]> = [];
    for (let k = 0; k < this.ring.size; k++)
      events.push([this.ring.tsAt(k), this.ring.depthAt(k), this.ring.buyAt(k)]);
    return {
      version: 1,
      events,
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
    if (state.version !== 1)
      throw new Error(`IntensityEstimator.setState: unsupported version ${String(state.version)}`);
    if (state.events.length > this.maxEvents) {
      throw new Error(
        `IntensityEstimator.setState: ${state.events.length} events exceed maxEvents ${this.maxEvents}`,
      );
    }
    const gridMax = state.maxFitDepthFrac ?? this.floorMaxFitDepthFrac;
    const sinceCheck = state.tradesSinceGridCheck ?? 0;
    if (!Number.isFinite(gridMax) || gridMax < this.floorMaxFitDepthFrac * (1 - 1e-12)) {
      throw new Error(
        `IntensityEstimator.setState: maxFitDepthFrac must be finite and >= the configured maxFitDepthBps, got ${gridMax}`,
      );
    }
    if (gridMax !== this.floorMaxFitDepthFrac && this.gridCheckEvery === 0) {
      throw new Error("IntensityEstimator.setState: the state has an adapted grid but adaptiveGrid is off");
    }
    if (!Number.isInteger(sinceCheck) || sinceCheck < 0) {
      throw new Error(
        `IntensityEstimator.setState: tradesSinceGridCheck must be an integer >= 0, got ${sinceCheck}`,
      );
    }
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
      if (
        !Number.isFinite(ts) ||
        ts < prevTs ||
        !Number.isFinite(depth) ||
        depth < 0 ||
        (buy !== 0 && buy !== 1)
      ) {
        throw new Error("IntensityEstimator.setState: events must be [tsMs ascending, depthFrac >= 0, 0|1]");
      }
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
    const tail = 1 - this.gridQuantile;
    const pastMax = this.hist[this.gridPoints]! / n;
    let reachHalf = 0;
    const halfBucket = Math.ceil((this.gridPoints - 1) / 2) + 1;
    for (let b = halfBucket; b <= this.gridPoints; b++) reachHalf += this.hist[b]!;
    const outgrown = pastMax > 2 * tail;
    const shrunk = this.maxFitDepthFrac > this.floorMaxFitDepthFrac && reachHalf / n < tail / 4;
    if (!outgrown && !shrunk) return;
    const depths = new Float64Array(n);
    for (let k = 0; k < n; k++) depths[k] = this.ring.depthAt(k);
    depths.sort();
    const q = depths[Math.min(n - 1, Math.ceil(this.gridQuantile * n) - 1)]!;
    const target = Math.max(this.floorMaxFitDepthFrac, q);
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
    // Built field by field: this runs every quote cycle and object spread is a slow path.
    const out: IntensityFit = {
      aPerSec: this.fallback.aPerSec,
      kappaPerFrac: this.fallback.kappaPerFrac,
      r2: Number.NaN,
      sampleCount,
      fitOk: false,
      usedFallback: true,
      windowSec: this.windowSec,
      observedSec,
      pointsUsed: 0,
      fittedAPerSec: Number.NaN,
      fittedKappaPerFrac: Number.NaN,
    };
    if (fit === null) return out;
    out.r2 = fit.r2;
    out.pointsUsed = fit.pointsUsed;
    out.fittedAPerSec = fit.aPerSec;
    out.fittedKappaPerFrac = fit.kappaPerFrac;
    const fitOk =
      sampleCount >= this.minSamples &&
      fit.r2 >= this.minR2 &&
      fit.kappaPerFrac > 0 &&
      Number.isFinite(fit.kappaPerFrac) &&
      Number.isFinite(fit.aPerSec);
    if (!fitOk) return out;
    out.aPerSec = fit.aPerSec;
    out.kappaPerFrac = fit.kappaPerFrac;
    out.fitOk = true;
    out.usedFallback = false;
    return out;
  }

  /** Trades of one aggressor side below the first grid point (bucket 0). */
  private bucketZeroCount(aggressor: Side): number {
    const buy = this.histBuy[0]!;
    return aggressor === "buy" ? buy : this.hist[0]! - buy;
  }
}
