/**
 * Warm-up tracker. Progress advances from MARKET observations — public trades, book updates,
 * elapsed feature buckets and the estimators' own confidence — so it never stalls when our fills
 * are scarce (the original stalled at 10%). Own fills are counted and shown but weigh 0 by default.
 *
 * progress = Σ_i weight_i · min(1, count_i / target_i) / Σ_i weight_i    (components with weight 0
 * or without a reported value are left out); warm-up is complete when progress reaches 1.
 */

/** Targets and weights of the warm-up components. */
export interface WarmupConfig {
  /** Public trades needed. Default 200. */
  tradesTarget: number;
  /** Book updates needed. Default 500. */
  bookUpdatesTarget: number;
  /** Elapsed buckets of observed event time needed. Default 60. */
  bucketsTarget: number;
  /** Bucket length (ms). Default 5000. */
  bucketMs: number;
  /** Estimator confidence (0..1) regarded as warmed up. Default 0.5. */
  estimatorConfidenceTarget: number;
  /** Own fills target (only matters when `fillsWeight` > 0). Default 10. */
  fillsTarget: number;
  tradesWeight: number;
  bookUpdatesWeight: number;
  bucketsWeight: number;
  estimatorWeight: number;
  /** Default 0: fills never block warm-up. */
  fillsWeight: number;
}

/** Default configuration. */
export const DEFAULT_WARMUP_CONFIG: WarmupConfig = {
  tradesTarget: 200,
  bookUpdatesTarget: 500,
  bucketsTarget: 60,
  bucketMs: 5000,
  estimatorConfidenceTarget: 0.5,
  fillsTarget: 10,
  tradesWeight: 1,
  bookUpdatesWeight: 1,
  bucketsWeight: 1,
  estimatorWeight: 1,
  fillsWeight: 0,
};

/** Per-component counts (for the `[WARMUP]` log line). */
export interface WarmupCounts {
  trades: number;
  bookUpdates: number;
  buckets: number;
  estimatorConfidence: number | null;
  /**
   * The highest estimator confidence reported so far: what warm-up counts (the estimators have been
   * fitted once), so a fit that later weakens — gated in the engine by its current confidence —
   * does not keep the signals off for good. Absent in older checkpoints (then the current value).
   */
  bestEstimatorConfidence?: number | null;
  fills: number;
}

/** Serializable state. */
export interface WarmupState extends WarmupCounts {
  firstTsMs: number | null;
  lastTsMs: number | null;
  /** Time of the last trade or book update (absent in older checkpoints: `lastTsMs`). */
  lastDataTsMs?: number | null;
  /** Time left out of the buckets: data gaps beyond the staleness limit (absent in older checkpoints: 0). */
  unobservedMs?: number;
  completed: boolean;
}

/**
 * Data older than this is stale (the kill switch's default limit): time past it without a trade or
 * book update — an outage, a recording hole, a stop between sessions — is not counted as warm-up.
 */
export const WARMUP_STALE_DATA_MS = 10_000;

/** Warm-up progress tracker. */
export class WarmupTracker {
  readonly config: WarmupConfig;
  // State as flat fields (hot path: one tick per market event). `hasFirst`/`hasLast` stand for the
  // nullable `firstTsMs`/`lastTsMs` of `WarmupState`, so the numeric fields never hold null.
  private trades = 0;
  private bookUpdates = 0;
  private buckets = 0;
  private estimatorConfidence: number | null = null;
  private bestEstimatorConfidence: number | null = null;
  private fills = 0;
  private hasFirst = false;
  private firstTsMs = 0;
  private hasLast = false;
  private lastTsMs = 0;
  private hasData = false;
  private lastDataTsMs = 0;
  private unobservedMs = 0;
  private completed = false;
  /** Whether `buckets` may differ from floor((last − first) / bucketMs) (see `tick`). */
  private bucketsStale = true;
  private readonly bucketMs: number;

  /** Create a tracker; unspecified fields take `DEFAULT_WARMUP_CONFIG`. */
  constructor(config: Partial<WarmupConfig> = {}) {
    const c = { ...DEFAULT_WARMUP_CONFIG, ...config };
    for (const key of [
      "tradesTarget",
      "bookUpdatesTarget",
      "bucketsTarget",
      "bucketMs",
      "fillsTarget",
    ] as const) {
      if (!(c[key] > 0)) throw new Error(`warmup: ${key} must be > 0, got ${c[key]}`);
    }
    if (!(c.estimatorConfidenceTarget > 0 && c.estimatorConfidenceTarget <= 1)) {
      throw new Error("warmup: estimatorConfidenceTarget must be in (0, 1]");
    }
    this.config = c;
    this.bucketMs = c.bucketMs;
  }

  /** Advance the clock to `tsMs`; `isData`: a trade or book update (see {@link data}). */
  private tick(tsMs: number, isData: boolean): void {
    // A NaN first timestamp would poison `buckets` (and so progress) for good: reject it up front.
    if (!Number.isFinite(tsMs)) throw new RangeError(`warmup: tsMs must be finite, got ${tsMs}`);
    if (isData) this.data(tsMs);
    if (!this.hasFirst) {
      this.hasFirst = true;
      this.firstTsMs = tsMs;
      this.bucketsStale = true;
    }
    if (!this.hasLast || tsMs > this.lastTsMs) {
      this.hasLast = true;
      this.lastTsMs = tsMs;
      this.bucketsStale = true;
    }
    // A pure function of the times: recomputed only when one of them (or the state) changed. Time
    // after the last data counts only up to the staleness limit.
    if (this.bucketsStale) {
      this.bucketsStale = false;
      const end = this.hasData
        ? Math.min(this.lastTsMs, this.lastDataTsMs + WARMUP_STALE_DATA_MS)
        : this.lastTsMs;
      this.buckets = Math.floor((end - this.firstTsMs - this.unobservedMs) / this.bucketMs);
    }
  }

  /** A trade or book update at `tsMs`: a gap since the previous one beyond the staleness limit is left out. */
  private data(tsMs: number): void {
    if (this.hasData && tsMs - this.lastDataTsMs > WARMUP_STALE_DATA_MS) {
      this.unobservedMs += tsMs - this.lastDataTsMs - WARMUP_STALE_DATA_MS;
      this.bucketsStale = true;
    }
    if (!this.hasData || tsMs > this.lastDataTsMs) {
      this.hasData = true;
      this.lastDataTsMs = tsMs;
      this.bucketsStale = true;
    }
  }

  /** Count a public trade (RangeError for a non-finite `tsMs`, state untouched). */
  onTrade(tsMs: number): void {
    this.tick(tsMs, true);
    this.trades++;
  }

  /** Count a book update (snapshot, delta or BBO; RangeError for a non-finite `tsMs`). */
  onBookUpdate(tsMs: number): void {
    this.tick(tsMs, true);
    this.bookUpdates++;
  }

  /** Advance time without an event (RangeError for a non-finite `tsMs`). */
  onTime(tsMs: number): void {
    this.tick(tsMs, false);
  }

  /** Count one of our fills. */
  onFill(): void {
    this.fills++;
  }

  /** Report the estimators' confidence in [0, 1] (e.g. the κ fit quality). */
  setEstimatorConfidence(confidence: number): void {
    if (!(confidence >= 0 && confidence <= 1))
      throw new Error(`warmup: estimator confidence must be in [0,1], got ${confidence}`);
    this.estimatorConfidence = confidence;
    if (this.bestEstimatorConfidence === null || confidence > this.bestEstimatorConfidence)
      this.bestEstimatorConfidence = confidence;
  }

  /** Progress in [0, 1]. Once complete it stays complete. */
  progress(): number {
    if (this.completed) return 1;
    const c = this.config;
    let num = 0;
    let den = 0;
    const add = (w: number, frac: number): void => {
      if (w <= 0) return;
      num += w * Math.min(1, frac);
      den += w;
    };
    add(c.tradesWeight, this.trades / c.tradesTarget);
    add(c.bookUpdatesWeight, this.bookUpdates / c.bookUpdatesTarget);
    add(c.bucketsWeight, this.buckets / c.bucketsTarget);
    if (this.bestEstimatorConfidence !== null)
      add(c.estimatorWeight, this.bestEstimatorConfidence / c.estimatorConfidenceTarget);
    add(c.fillsWeight, this.fills / c.fillsTarget);
    const p = den > 0 ? num / den : 0;
    if (p >= 1 - 1e-12) {
      this.completed = true;
      return 1;
    }
    return p;
  }

  /** Progress in whole percent (floored). */
  progressPct(): number {
    return Math.floor(this.progress() * 100);
  }

  /** Whether warm-up is complete. */
  get complete(): boolean {
    return this.progress() >= 1;
  }

  /** Per-component counts. */
  counts(): WarmupCounts {
    const { trades, bookUpdates, buckets, estimatorConfidence, bestEstimatorConfidence, fills } = this;
    return { trades, bookUpdates, buckets, estimatorConfidence, bestEstimatorConfidence, fills };
  }

  /** Note for inactive signals, e.g. "warmup 40%". */
  note(): string {
    return `warmup ${this.progressPct()}%`;
  }

  /** The `[WARMUP]` log line. */
  logLine(): string {
    const c = this.counts();
    const conf = (x: number | null | undefined): string =>
      x === null || x === undefined ? "n/a" : x.toFixed(2);
    return `[WARMUP] progress=${this.progressPct()}% trades=${c.trades}/${this.config.tradesTarget} book_updates=${c.bookUpdates}/${this.config.bookUpdatesTarget} buckets=${c.buckets}/${this.config.bucketsTarget} estimator_conf=${conf(c.estimatorConfidence)} estimator_conf_best=${conf(c.bestEstimatorConfidence)}/${this.config.estimatorConfidenceTarget} fills=${c.fills}`;
  }

  /** Serializable state. */
  getState(): WarmupState {
    return {
      trades: this.trades,
      bookUpdates: this.bookUpdates,
      buckets: this.buckets,
      estimatorConfidence: this.estimatorConfidence,
      bestEstimatorConfidence: this.bestEstimatorConfidence,
      fills: this.fills,
      firstTsMs: this.hasFirst ? this.firstTsMs : null,
      lastTsMs: this.hasLast ? this.lastTsMs : null,
      lastDataTsMs: this.hasData ? this.lastDataTsMs : null,
      unobservedMs: this.unobservedMs,
      completed: this.completed,
    };
  }

  /** Restore `getState()` output. */
  setState(s: WarmupState): void {
    this.trades = s.trades;
    this.bookUpdates = s.bookUpdates;
    this.buckets = s.buckets;
    this.estimatorConfidence = s.estimatorConfidence;
    this.bestEstimatorConfidence =
      s.bestEstimatorConfidence === undefined ? s.estimatorConfidence : s.bestEstimatorConfidence;
    this.fills = s.fills;
    this.hasFirst = s.firstTsMs !== null;
    this.firstTsMs = s.firstTsMs ?? 0;
    this.hasLast = s.lastTsMs !== null;
    this.lastTsMs = s.lastTsMs ?? 0;
    const lastData = s.lastDataTsMs === undefined ? s.lastTsMs : s.lastDataTsMs;
    this.hasData = lastData !== null;
    this.lastDataTsMs = lastData ?? 0;
    this.unobservedMs = s.unobservedMs ?? 0;
    this.completed = s.completed;
    this.bucketsStale = true;
  }
}
