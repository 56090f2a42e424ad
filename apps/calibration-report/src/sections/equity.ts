/** Equity section: Sharpe recomputed with SharpeTracker, drawdown with DrawdownTracker, downsampled curves. */
import {
  DrawdownTracker,
  type EquityRecord,
  type SharpeMetricsRecord,
  SharpeTracker,
} from "@mmkit/analytics";
import { MinMaxDownsampler } from "../downsample.js";
import type { ChartsModel, DrawdownModel, SharpeModel } from "../model.js";
import type { TimeRange } from "../time-range.js";

/** Consumes equity samples in time order; O(1) memory apart from the bounded Sharpe ring and curves. */
export class EquitySection {
  private readonly sharpeTracker: SharpeTracker;
  private readonly dd = new DrawdownTracker();
  private readonly eqCurve: MinMaxDownsampler;
  private readonly ddCurve: MinMaxDownsampler;
  /** Samples used. */
  samples = 0;
  /** First and last equity, and the last sample time. */
  firstEquity: number | null = null;
  lastEquity: number | null = null;
  lastTsMs: number | null = null;
  /** The fill count the last sample carries (`fills`; null when the records have none). */
  lastFills: number | null = null;
  /** Why the Sharpe tracker stopped (e.g. a non-positive first equity), if it did. */
  sharpeError: string | null = null;
  /** Sharpe buckets with no equity sample between two samples (counted by the tracker as flat). */
  emptyBuckets = 0;
  /** Runs of such buckets: holes in the equity stream (recording or feed gaps). */
  gaps = 0;
  /**
   * Periods the trader marked as unobserved (`unobserved_since_ms`: no market data): the Sharpe
   * pauses over them, leaving their whole buckets out instead of counting them as flat.
   */
  unobservedGaps = 0;
  /** The longest time between two consecutive samples across a gap, and where it starts. */
  longestGapMs = 0;
  longestGapStartTsMs: number | null = null;
  private readonly bucketMs: number;
  /** `--since` / `--until` (null: open). */
  private readonly range: TimeRange;
  /** The last sample before `--since` (null: none). */
  private beforeSince: { tsMs: number; equity: number } | null = null;
  /**
   * Until when the run observed the market past `--until`: the first sample after it (its pause
   * start when it follows a gap), or null when none follows.
   */
  private observedBeyondUntilMs: number | null = null;
  private maxFracSeen = 0;
  private peakTsAtMax: number | null = null;
  private troughTsAtMax: number | null = null;

  constructor(bucketMs: number, maxPoints: number, range: TimeRange = { sinceMs: null, untilMs: null }) {
    this.bucketMs = bucketMs;
    this.range = range;
    this.sharpeTracker = new SharpeTracker({ bucketMs });
    this.eqCurve = new MinMaxDownsampler(maxPoints);
    this.ddCurve = new MinMaxDownsampler(maxPoints);
  }

  /** Add one equity record. */
  add(r: EquityRecord): void {
    if (!Number.isFinite(r.equity)) return;
    this.samples++;
    const unobservedSince = r.unobserved_since_ms;
    // A marker on the first sample read (a --since window starting inside a gap) has no gap to count.
    if (unobservedSince !== undefined) {
      if (this.lastTsMs !== null) this.unobservedGaps++;
    } else if (this.lastTsMs !== null) this.trackGap(this.lastTsMs, r.ts_ms);
    this.firstEquity ??= r.equity;
    this.lastEquity = r.equity;
    this.lastTsMs = r.ts_ms;
    this.lastFills = r.fills ?? null;
    if (this.sharpeError === null) {
      try {
        if (this.samples === 1) this.startAtSince(r.ts_ms, unobservedSince);
        if (unobservedSince !== undefined) this.sharpeTracker.pause(unobservedSince);
        this.sharpeTracker.update(r.ts_ms, r.equity);
      } catch (err) {
        this.sharpeError = (err as Error).message;
      }
    }
    this.dd.update(r.ts_ms, r.equity);
    const ds = this.dd.state()!;
    if (ds.maxDrawdownFrac !== null && ds.maxDrawdownFrac > this.maxFracSeen) {
      this.maxFracSeen = ds.maxDrawdownFrac;
      this.peakTsAtMax = ds.peakTsMs;
      this.troughTsAtMax = r.ts_ms;
    }
    this.eqCurve.push(r.ts_ms, r.equity);
    this.ddCurve.push(r.ts_ms, ds.drawdownFrac === null ? 0 : -100 * ds.drawdownFrac);
  }

  /**
   * Before the window's first sample: its bucket starts from the equity just before `--since` (as
   * the trader's does) when samples on both sides lie within a bucket of it and no gap the trader
   * marked lies between (else from the first sample: the capital base is then that equity).
   */
  private startAtSince(firstTsMs: number, unobservedSince: number | undefined): void {
    const sinceMs = this.range.sinceMs;
    const before = this.beforeSince;
    if (sinceMs === null || before === null || unobservedSince !== undefined) return;
    if (sinceMs - before.tsMs > this.bucketMs || firstTsMs - sinceMs > this.bucketMs) return;
    this.sharpeTracker.update(sinceMs, before.equity);
  }

  /**
   * See a record whatever its time. The last one before `--since` is the equity the window's first
   * bucket starts from (as the trader's bucket does); the first one after `--until` tells that the
   * run went on observing past it, so the buckets that end by `--until` are complete.
   */
  seeOutOfRange(r: EquityRecord): void {
    const { sinceMs, untilMs } = this.range;
    if (sinceMs !== null && r.ts_ms < sinceMs && Number.isFinite(r.equity))
      this.beforeSince = { tsMs: r.ts_ms, equity: r.equity };
    if (untilMs === null || this.observedBeyondUntilMs !== null || !(r.ts_ms > untilMs)) return;
    this.observedBeyondUntilMs = r.unobserved_since_ms ?? r.ts_ms;
  }

  /** Count the buckets wholly between two consecutive samples (the Sharpe carries equity through them). */
  private trackGap(prevTsMs: number, tsMs: number): void {
    const empty = Math.floor(tsMs / this.bucketMs) - Math.floor(prevTsMs / this.bucketMs) - 1;
    if (!(empty > 0)) return;
    this.gaps++;
    this.emptyBuckets += empty;
    if (tsMs - prevTsMs > this.longestGapMs) {
      this.longestGapMs = tsMs - prevTsMs;
      this.longestGapStartTsMs = prevTsMs;
    }
  }

  /**
   * Sharpe windows at the last sample (its bucket, still open, is excluded) — or, when the run went
   * on past `--until`, with every bucket that ended by `--until` (as the trader's line at that time
   * has them); `logged` is shown beside.
   */
  sharpe(logged: SharpeMetricsRecord | null): SharpeModel {
    const last = this.lastTsMs ?? 0;
    const observedTo =
      this.range.untilMs !== null && this.observedBeyondUntilMs !== null
        ? Math.min(this.range.untilMs, this.observedBeyondUntilMs)
        : last;
    const summ = this.sharpeTracker.summary(Math.max(last, observedTo));
    return {
      bucketSecs: summ.bucket_secs,
      periodsPerYear: summ.periods_per_year,
      returnBasis: summ.return_basis,
      capitalBase: summ.capital_base,
      emptyBuckets: this.emptyBuckets,
      gaps: this.gaps,
      unobservedBuckets: summ.unobserved_buckets ?? 0,
      unobservedGaps: this.unobservedGaps,
      longestGapSecs: this.gaps > 0 ? this.longestGapMs / 1000 : null,
      longestGapStartTsMs: this.longestGapStartTsMs,
      windows: summ.windows.map((w) => ({
        window: w.window,
        n: w.n,
        meanReturnBps: w.mean_return_bps,
        stdReturnBps: w.std_return_bps,
        sharpeAnnualized: w.sharpe_annualized,
        loSharpeAnnualized: w.lo_sharpe_annualized,
        sharpeSeAnnualized: w.sharpe_se_annualized,
        psr: w.psr,
        sharpeSeHacAnnualized: w.sharpe_se_hac_annualized ?? null,
        psrHac: w.psr_hac ?? null,
        maxDrawdownFrac: w.max_drawdown_frac,
      })),
      logged: logged
        ? {
            sharpeAll: logged.sharpe_all,
            sharpe1h: logged.sharpe_1h,
            originalPerFillSharpe: logged.original_per_fill_sharpe,
            label: logged.original_per_fill_sharpe_label,
          }
        : null,
    };
  }

  /** Drawdown over every sample (not buckets). */
  drawdown(): DrawdownModel {
    const ds = this.dd.state();
    return {
      maxDrawdownFrac: ds ? ds.maxDrawdownFrac : null,
      maxDrawdownAbs: ds ? ds.maxDrawdownAbs : null,
      peakTsMs: this.peakTsAtMax,
      troughTsMs: this.troughTsAtMax,
      longestUnderwaterSecs: ds ? ds.maxDurationMs / 1000 : null,
      currentDrawdownFrac: ds ? ds.drawdownFrac : null,
    };
  }

  /** Bounded plot data. */
  charts(): ChartsModel {
    return { equity: this.eqCurve.result(), drawdownPct: this.ddCurve.result() };
  }
}
