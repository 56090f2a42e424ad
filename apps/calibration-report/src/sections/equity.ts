/** Equity section: Sharpe recomputed with SharpeTracker, drawdown with DrawdownTracker, downsampled curves. */
import {
  DrawdownTracker,
  type EquityRecord,
  type SharpeMetricsRecord,
  SharpeTracker,
} from "@mmkit/analytics";
import { MinMaxDownsampler } from "../downsample.js";
import type { ChartsModel, DrawdownModel, SharpeModel } from "../model.js";

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
  private maxFracSeen = 0;
  private peakTsAtMax: number | null = null;
  private troughTsAtMax: number | null = null;

  constructor(bucketMs: number, maxPoints: number) {
    this.bucketMs = bucketMs;
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

  /** Sharpe windows at the last sample (its bucket, still open, is excluded); `logged` is shown beside. */
  sharpe(logged: SharpeMetricsRecord | null): SharpeModel {
    const summ = this.sharpeTracker.summary(this.lastTsMs ?? 0);
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
