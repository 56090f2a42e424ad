/**
 * SharpeTracker: equity samples → time-bucketed returns → rolling-window Sharpe statistics.
 *
 * - Buckets are aligned to the epoch: bucket b covers [b·bucketMs, (b+1)·bucketMs).
 * - A bucket's return = (equity at bucket end − equity at bucket start) / base, where base is the
 *   starting capital (`returnBasis: "starting_capital"`, default; PnL-additive) or the equity at
 *   the bucket start (`"bucket_start_equity"`). Equity at a bucket end is the last sample in it,
 *   carried forward through buckets with no sample: those count as ZERO-return buckets, so time
 *   keeps passing when nothing happens (windows never freeze).
 * - Time nobody observed is different: {@link SharpeTracker.pause} (market data stopped: a feed
 *   outage, a stop between sessions) freezes the clock at the pause; the next sample resumes it,
 *   its bucket carrying the return across the gap (so returns still add up to the PnL), and the
 *   whole buckets in between are left out (`unobserved_buckets`) instead of counted as flat ones,
 *   which would dilute the Sharpe and shrink its SE. Windows then hold the last N observed buckets.
 * - Only closed buckets count; the bucket in progress is excluded from every statistic.
 * - Windows 1h / 24h / 7d read the last N buckets of one ring buffer (capacity = the longest
 *   window); "all" keeps running moments, exact lag-k autocovariances and Lo's GMM sums from
 *   O(maxLags) state ({@link AllWindowSums}, sharpe-all-window.ts).
 */
import { encodeNumber, encodeNumbers, readAnyVersion, requireSameConfig } from "./checkpoint.js";
import type { SharpeMetricsRecord, SharpeWindowRecord } from "./records.js";
import {
  resolveSharpeOptions,
  SECONDS_PER_YEAR,
  type SharpeTrackerOptions,
  type SharpeWindowSpec,
} from "./sharpe-options.js";
import { originalPerFillSharpe, summaryRecord } from "./sharpe-summary.js";
import {
  encodeRingV1,
  encodeRingV2,
  ringLastReturns,
  ringWindowInput,
  type SharpeRingBuffers,
} from "./sharpe-ring.js";
import {
  decodeSharpeConfig,
  decodeSharpeTrackerState,
  encodeSharpeConfig,
  type SharpeTrackerState,
  type SharpeTrackerStateV1,
} from "./sharpe-state.js";
import { AllWindowSums } from "./sharpe-all-window.js";
import { windowRecord } from "./sharpe-window.js";
import { RunningMoments } from "./stats.js";

export * from "./sharpe-options.js";
export { effectiveLags, type WindowInput, windowRecord } from "./sharpe-window.js";

/** A serializable Sharpe snapshot; identical to one `sharpe_metrics.jsonl` record. */
export type SharpeSummary = SharpeMetricsRecord;

/** Rolling-window Sharpe tracker over equity samples; bounded memory for any run length. */
export class SharpeTracker {
  /** Bucket length, ms. */
  readonly bucketMs: number;
  /** Periods (buckets) per 365-day year. */
  readonly periodsPerYear: number;
  /** Return denominator. */
  readonly returnBasis: "starting_capital" | "bucket_start_equity";
  private capitalBase: number | null;
  private readonly capitalBaseOption: number | null;
  private readonly windows: readonly SharpeWindowSpec[];
  private readonly loMaxLags: number;
  private readonly cap: number;
  private readonly rets: Float64Array;
  private readonly startEq: Float64Array;
  private readonly endEq: Float64Array;
  private head = 0; // next write position
  private size = 0;
  private curBucket: number | null = null;
  private bucketStartEquity = Number.NaN;
  private lastEquity = Number.NaN;
  private firstTsMs: number | null = null;
  private lastTsMs = Number.NaN;
  /** The "all" window: what is kept of every return since the start. */
  private readonly all: AllWindowSums;
  // original per-fill figure
  private fillPnl = new RunningMoments();
  /** Samples whose time was before the previous sample (treated as at the previous time). */
  outOfOrder = 0;
  /** Whole buckets left out as unobserved time (between a {@link pause} and the next sample). */
  unobservedBuckets = 0;
  /** Time of the pause in force, or null (see {@link pause}). */
  private pausedAt: number | null = null;

  constructor(options: SharpeTrackerOptions = {}) {
    const cfg = resolveSharpeOptions(options);
    this.bucketMs = cfg.bucketMs;
    if (!(this.bucketMs > 0)) throw new Error(`SharpeTracker: bucketMs must be > 0, got ${this.bucketMs}`);
    this.returnBasis = cfg.returnBasis;
    this.capitalBaseOption = cfg.capitalBase;
    this.capitalBase = cfg.capitalBase;
    if (this.capitalBase !== null && !(this.capitalBase > 0)) {
      throw new Error(`SharpeTracker: capitalBase must be > 0, got ${this.capitalBase}`);
    }
    this.windows = cfg.windows;
    for (const w of this.windows) {
      if (!(w.secs > 0)) throw new Error(`SharpeTracker: window ${w.label} secs must be > 0, got ${w.secs}`);
    }
    this.loMaxLags = cfg.loMaxLags;
    if (!(this.loMaxLags >= 1)) throw new Error(`SharpeTracker: loMaxLags must be >= 1`);
    this.periodsPerYear = (SECONDS_PER_YEAR * 1000) / this.bucketMs;
    this.cap = Math.max(1, ...this.windows.map((w) => Math.ceil((w.secs * 1000) / this.bucketMs)));
    this.rets = new Float64Array(this.cap);
    this.startEq = new Float64Array(this.cap);
    this.endEq = new Float64Array(this.cap);
    this.all = new AllWindowSums(this.loMaxLags);
  }

  /** Add an equity sample (quote currency) at time tsMs. */
  update(tsMs: number, equity: number): void {
    if (!Number.isFinite(tsMs)) throw new Error(`SharpeTracker.update: tsMs is not finite (${tsMs})`);
    if (!Number.isFinite(equity)) throw new Error(`SharpeTracker.update: equity is not finite (${equity})`);
    if (this.firstTsMs === null) {
      if (this.capitalBase === null) {
        if (this.returnBasis === "starting_capital" && !(equity > 0)) {
          throw new Error(`SharpeTracker: first equity must be > 0 to serve as capital base, got ${equity}`);
        }
        this.capitalBase = equity;
      }
      this.firstTsMs = tsMs;
      this.lastTsMs = tsMs;
      this.curBucket = Math.floor(tsMs / this.bucketMs);
      this.bucketStartEquity = equity;
      this.lastEquity = equity;
      this.all.drawdown.update(tsMs, equity);
      return;
    }
    if (tsMs < this.lastTsMs) {
      this.outOfOrder += 1;
      tsMs = this.lastTsMs;
    }
    if (this.pausedAt !== null) {
      // A sample stamped at or before the pause (late: a markout of a fill before the gap) belongs
      // to the observed time: it moves the equity and keeps the pause.
      if (tsMs <= this.pausedAt) {
        this.lastEquity = equity;
        return;
      }
      this.resumeAt(tsMs);
    }
    this.advanceTo(tsMs);
    this.lastTsMs = tsMs;
    this.lastEquity = equity;
  }

  /**
   * Nothing is observed from tsMs on (market data stopped): buckets close up to tsMs (or the last
   * sample, if later), then time stands still — {@link advanceTo} and {@link summary} close no
   * bucket — until the next {@link update} resumes it (see the module comment). No-op before the
   * first sample or while already paused.
   */
  pause(tsMs: number): void {
    if (!Number.isFinite(tsMs)) throw new Error(`SharpeTracker.pause: tsMs is not finite (${tsMs})`);
    if (this.firstTsMs === null || this.pausedAt !== null) return;
    const at = Math.max(tsMs, this.lastTsMs);
    this.advanceTo(at);
    this.lastTsMs = at;
    this.pausedAt = at;
  }

  /** Time of the first sample (where bucket counting starts), or null before it. */
  firstSampleTsMs(): number | null {
    return this.firstTsMs;
  }

  /** Time of the pause in force (see {@link pause}), or null while observing. */
  pausedAtMs(): number | null {
    return this.pausedAt;
  }

  /**
   * End a pause at tsMs: the bucket in progress at the pause closes, the whole buckets of the gap
   * are skipped, and the bucket holding tsMs starts from the equity before the gap.
   */
  private resumeAt(tsMs: number): void {
    this.pausedAt = null;
    const b = Math.floor(tsMs / this.bucketMs);
    if (this.curBucket === null || b <= this.curBucket) return;
    this.closeBucket(this.bucketStartEquity, this.lastEquity);
    this.unobservedBuckets += b - this.curBucket - 1;
    this.curBucket = b;
    this.bucketStartEquity = this.lastEquity;
  }

  /** Add a PnL sample as equity = capitalBase + cumulative PnL (requires `capitalBase`). */
  updatePnl(tsMs: number, cumPnlQuote: number): void {
    if (this.capitalBase === null) throw new Error("SharpeTracker.updatePnl: needs options.capitalBase");
    this.update(tsMs, this.capitalBase + cumPnlQuote);
  }

  /** Record one fill's PnL (quote currency) for the original per-fill comparison figure. */
  recordFill(pnlQuote: number): void {
    if (!Number.isFinite(pnlQuote))
      throw new Error(`SharpeTracker.recordFill: pnl is not finite (${pnlQuote})`);
    this.fillPnl.push(pnlQuote);
  }

  /** Close every bucket that ended at or before tsMs (empty ones as zero-return buckets); no-op while paused. */
  advanceTo(tsMs: number): void {
    if (this.curBucket === null || this.pausedAt !== null) return;
    const b = Math.floor(tsMs / this.bucketMs);
    if (b <= this.curBucket) return;
    this.closeBucket(this.bucketStartEquity, this.lastEquity);
    // Empty buckets between: equity unchanged → zero return. After cap + 1 of them every ring slot
    // holds the same zero bucket and the lag products, the return sum and the drawdown have reached
    // their fixed point (x + 0·0 = x), so the rest only count for the "all" moments: O(cap), not O(gap).
    const empty = b - this.curBucket - 1;
    const direct = Math.min(empty, this.cap + 1);
    for (let k = 0; k < direct; k++) this.closeBucket(this.lastEquity, this.lastEquity);
    if (empty > direct) this.closeFlatBuckets(empty - direct);
    this.curBucket = b;
    this.bucketStartEquity = this.lastEquity;
    if (tsMs > this.lastTsMs) this.lastTsMs = tsMs;
  }

  /**
   * Close `count` more buckets without a sample, once the ring already holds only such buckets
   * (see {@link advanceTo}): what one-by-one closing would still change is the "all" moments (merged
   * in closed form, equal up to rounding), the first returns (while fewer than the lags) and the ring
   * position; every ring slot has the same content, so moving the head changes nothing else.
   */
  private closeFlatBuckets(count: number): void {
    const r = 0; // a bucket without a sample starts and ends at the same equity
    this.head = (this.head + (count % this.cap)) % this.cap;
    this.all.pushRepeated(r, count);
  }

  private closeBucket(startEquity: number, endEquity: number): void {
    const base = this.returnBasis === "starting_capital" ? this.capitalBase! : startEquity;
    const r = base !== 0 ? (endEquity - startEquity) / base : 0;
    this.all.push(r, endEquity, this.ring()); // before the ring holds r (lag products)
    this.rets[this.head] = r;
    this.startEq[this.head] = startEquity;
    this.endEq[this.head] = endEquity;
    this.head = (this.head + 1) % this.cap;
    if (this.size < this.cap) this.size += 1;
  }

  /** Number of closed buckets held for the rolling windows. */
  bucketCount(): number {
    return this.size;
  }

  /** Closed bucket returns of the last `n` buckets (oldest first), as fractions. */
  lastReturns(n: number): Float64Array {
    return ringLastReturns(this.ring(), n);
  }

  /** The ring buffers (for reading: window inputs, checkpoint). */
  private ring(): SharpeRingBuffers {
    return {
      rets: this.rets,
      startEq: this.startEq,
      endEq: this.endEq,
      head: this.head,
      size: this.size,
      cap: this.cap,
    };
  }

  /** Snapshot at time nowMs (closes buckets up to nowMs, or `extra.asOfMs`, first). */
  summary(
    nowMs: number,
    extra: { scope?: "portfolio" | "signal"; signalName?: string; asOfMs?: number } = {},
  ): SharpeSummary {
    // `asOfMs` (≤ nowMs): close buckets only up to it, when samples stamped before nowMs may still come.
    const closeTo = Math.min(nowMs, extra.asOfMs ?? nowMs);
    if (this.firstTsMs !== null && closeTo > this.lastTsMs) this.advanceTo(closeTo);
    const P = this.periodsPerYear;
    const ring = this.ring();
    const windows: SharpeWindowRecord[] = this.windows.map((w) =>
      windowRecord(
        w.label,
        w.secs,
        ringWindowInput(ring, Math.ceil((w.secs * 1000) / this.bucketMs), this.loMaxLags),
        P,
      ),
    );
    windows.push(this.all.record(ring, P));
    return summaryRecord({
      nowMs,
      scope: extra.scope ?? "portfolio",
      ...(extra.signalName !== undefined ? { signalName: extra.signalName } : {}),
      windows,
      fillPnl: this.fillPnl,
      firstTsMs: this.firstTsMs,
      bucketMs: this.bucketMs,
      periodsPerYear: P,
      unobservedBuckets: this.unobservedBuckets,
      returnBasis: this.returnBasis,
      capitalBase: this.capitalBase,
      lastEquity: this.lastEquity,
    });
  }

  /** The original's (mean/std)·√(fills / elapsed years) over per-fill PnL; for comparison only. */
  originalPerFillSharpe(elapsedSecs: number): number | null {
    return originalPerFillSharpe(this.fillPnl, elapsedSecs);
  }

  /**
   * JSON-safe checkpoint of the whole tracker: the ring (version 2: first start equity plus
   * run-length coded bucket-end equities, returns recomputed on restore), "all" sums, per-fill
   * moments. Size is bounded by the ring capacity, whatever the run length.
   */
  getState(): SharpeTrackerState {
    const ring = encodeRingV2(this.ring(), this.returnBasis, this.capitalBase);
    const common = {
      config: encodeSharpeConfig({
        bucketMs: this.bucketMs,
        returnBasis: this.returnBasis,
        capitalBase: this.capitalBaseOption,
        windows: this.windows,
        loMaxLags: this.loMaxLags,
      }),
      capitalBase: this.capitalBase === null ? null : encodeNumber(this.capitalBase),
    };
    const rest = {
      curBucket: this.curBucket === null ? null : encodeNumber(this.curBucket),
      bucketStartEquity: encodeNumber(this.bucketStartEquity),
      lastEquity: encodeNumber(this.lastEquity),
      firstTsMs: this.firstTsMs === null ? null : encodeNumber(this.firstTsMs),
      lastTsMs: encodeNumber(this.lastTsMs),
      all: this.all.moments.getState(),
      allDrawdown: this.all.drawdown.getState(),
      firstReturns: encodeNumbers(this.all.firstRets),
      lagProducts: encodeNumbers(this.all.lagProd),
      sumAll: encodeNumber(this.all.sumAll),
      fillPnl: this.fillPnl.getState(),
      outOfOrder: this.outOfOrder,
      unobservedBuckets: this.unobservedBuckets,
      pausedAtMs: this.pausedAt === null ? null : encodeNumber(this.pausedAt),
      ...(this.all.gmm === null ? {} : { gmm: this.all.gmm.getState() }),
    };
    if (ring !== null) {
      return { version: 2, ...common, ...ring, ...rest };
    }
    // a ring restored from a version-1 state that breaks the chaining invariant: keep it verbatim
    const v1: SharpeTrackerStateV1 = { version: 1, ...common, ...encodeRingV1(this.ring()), ...rest };
    return v1;
  }

  /**
   * Restore from {@link getState} output. The tracker must have been built with the same options
   * (else use {@link SharpeTracker.fromState}); invalid input throws naming the field and leaves
   * this tracker unchanged.
   */
  setState(state: SharpeTrackerState, where = "SharpeTracker state"): void {
    const { r } = readAnyVersion(state, where, [1, 2]);
    const cfg = decodeSharpeConfig(r["config"], `${where}.config`);
    requireSameConfig(where, "config.bucketMs", this.bucketMs, cfg.bucketMs);
    requireSameConfig(where, "config.returnBasis", this.returnBasis, cfg.returnBasis);
    requireSameConfig(where, "config.capitalBase", this.capitalBaseOption, cfg.capitalBase);
    requireSameConfig(where, "config.windows", this.windows, cfg.windows);
    requireSameConfig(where, "config.loMaxLags", this.loMaxLags, cfg.loMaxLags);
    const d = decodeSharpeTrackerState(r, where, {
      cap: this.cap,
      loMaxLags: this.loMaxLags,
      returnBasis: this.returnBasis,
    });
    if (d.firstTsMs !== null && d.capitalBase === null && this.returnBasis === "starting_capital") {
      throw new Error(`${where}.capitalBase: must be set once a sample was seen`);
    }
    this.rets.fill(0);
    this.startEq.fill(0);
    this.endEq.fill(0);
    this.rets.set(d.returns);
    this.startEq.set(d.startEquity);
    this.endEq.set(d.endEquity);
    this.size = d.returns.length;
    this.head = d.returns.length % this.cap;
    this.all.lagProd.set(d.lagProducts);
    this.all.firstRets.length = 0;
    this.all.firstRets.push(...d.firstReturns);
    this.capitalBase = d.capitalBase;
    this.curBucket = d.curBucket;
    this.bucketStartEquity = d.bucketStartEquity;
    this.lastEquity = d.lastEquity;
    this.firstTsMs = d.firstTsMs;
    this.lastTsMs = d.lastTsMs;
    this.all.sumAll = d.sumAll;
    this.outOfOrder = d.outOfOrder;
    this.unobservedBuckets = d.unobservedBuckets;
    this.pausedAt = d.pausedAtMs;
    this.all.moments = d.all;
    this.all.drawdown = d.allDrawdown;
    this.fillPnl = d.fillPnl;
    this.all.gmm = d.gmm ?? this.all.rebuildGmm(this.ring());
  }

  /** A new tracker built with the checkpoint's own options and restored from it. */
  static fromState(state: SharpeTrackerState, where = "SharpeTracker state"): SharpeTracker {
    const cfg = decodeSharpeConfig(readAnyVersion(state, where, [1, 2]).r["config"], `${where}.config`);
    const t = new SharpeTracker({ ...cfg, capitalBase: cfg.capitalBase ?? undefined });
    t.setState(state, where);
    return t;
  }
}
