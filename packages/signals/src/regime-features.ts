/**
 * Fixed-time-bucket features for the regime HMM, computed from market observations only:
 *   0: ln(realized vol in bps + 0.1)   realized vol = √Σ r², r = log mid change between quote updates (×1e4)
 *   1: ln(mean quoted spread in bps + 0.1)  spread sampled at every quote update in the bucket
 *   2: ln(1 + public trade count in the bucket)
 * A bucket is emitted when the first observation past its end arrives; empty buckets in a gap are
 * emitted with zero vol and trades and the last known spread (at most `maxGapBuckets` of them).
 */

/** Names of the features, in vector order. */
export const REGIME_FEATURE_NAMES = ["lnRealizedVolBps", "lnSpreadBps", "lnTradeCount"] as const;

/** Serializable state of the bucket builder. */
export interface RegimeFeatureBuilderState {
  bucketStartMs: number | null;
  lastMid: number | null;
  lastSpreadBps: number | null;
  sumSqRetBps: number;
  spreadSumBps: number;
  spreadCount: number;
  tradeCount: number;
}

/** Builds one feature vector per fixed time bucket from quote updates and trades. */
export class RegimeFeatureBuilder {
  // State as flat fields (hot path: every market event). The `has*` flags stand for the nullable
  // fields of `RegimeFeatureBuilderState`, so the numeric fields always hold numbers.
  private hasBucket = false;
  private bucketStartMs = 0;
  private hasMid = false;
  private lastMid = 0;
  private hasSpread = false;
  private lastSpreadBps = 0;
  private sumSqRetBps = 0;
  private spreadSumBps = 0;
  private spreadCount = 0;
  private tradeCount = 0;
  /** End of the current bucket (bucketStartMs + bucketMs), or −∞ before the clock starts. */
  private bucketEndMs = Number.NEGATIVE_INFINITY;

  /** Create a builder with buckets of `bucketMs` milliseconds. */
  constructor(
    readonly bucketMs: number,
    private readonly maxGapBuckets = 120,
  ) {
    if (!(bucketMs > 0)) throw new Error(`regime features: bucketMs must be > 0, got ${bucketMs}`);
  }

  /** Record a top-of-book observation; returns feature vectors of buckets that closed (often none). */
  onQuote(tsMs: number, bidPrice: number, askPrice: number): number[][] {
    const out = this.due(tsMs) ? this.advance(tsMs) : [];
    this.addQuote(bidPrice, askPrice);
    return out;
  }

  /** Record a public trade; returns feature vectors of buckets that closed. */
  onTrade(tsMs: number): number[][] {
    const out = this.due(tsMs) ? this.advance(tsMs) : [];
    this.addTrade();
    return out;
  }

  /**
   * Whether `advance(tsMs)` has anything to do (start the clock or close a bucket). When false,
   * `advance` would return an empty array and change nothing, so hot paths can skip it.
   */
  due(tsMs: number): boolean {
    // −∞ before the clock starts; otherwise bucketStartMs + bucketMs (kept in step with it).
    return !(tsMs < this.bucketEndMs);
  }

  /** The quote part of `onQuote` (into the current bucket, without advancing the clock). */
  addQuote(bidPrice: number, askPrice: number): void {
    if (!(bidPrice > 0 && askPrice > bidPrice)) return;
    const mid = (bidPrice + askPrice) / 2;
    const spreadBps = ((askPrice - bidPrice) / mid) * 1e4;
    if (this.hasMid && mid !== this.lastMid) {
      const r = Math.log(mid / this.lastMid) * 1e4;
      this.sumSqRetBps += r * r;
    }
    this.hasMid = true;
    this.lastMid = mid;
    this.hasSpread = true;
    this.lastSpreadBps = spreadBps;
    this.spreadSumBps += spreadBps;
    this.spreadCount++;
  }

  /** The trade part of `onTrade` (without advancing the clock). */
  addTrade(): void {
    this.tradeCount++;
  }

  private setBucketStart(startMs: number): void {
    this.hasBucket = true;
    this.bucketStartMs = startMs;
    this.bucketEndMs = startMs + this.bucketMs;
  }

  /** Close buckets that end at or before `tsMs` (also usable as a timer tick). */
  advance(tsMs: number): number[][] {
    const out: number[][] = [];
    if (!this.hasBucket) {
      this.setBucketStart(Math.floor(tsMs / this.bucketMs) * this.bucketMs);
      return out;
    }
    if (tsMs < this.bucketStartMs + this.bucketMs) return out;
    out.push(this.closeBucket());
    let start = this.bucketStartMs + this.bucketMs;
    let gaps = 0;
    while (tsMs >= start + this.bucketMs) {
      if (gaps < this.maxGapBuckets) out.push(this.closeBucket());
      gaps++;
      start += this.bucketMs;
      if (gaps > this.maxGapBuckets) {
        start = Math.floor(tsMs / this.bucketMs) * this.bucketMs;
        break;
      }
    }
    this.setBucketStart(start);
    return out;
  }

  private closeBucket(): number[] {
    const spread =
      this.spreadCount > 0 ? this.spreadSumBps / this.spreadCount : this.hasSpread ? this.lastSpreadBps : 0;
    const x = [
      Math.log(Math.sqrt(this.sumSqRetBps) + 0.1),
      Math.log(spread + 0.1),
      Math.log1p(this.tradeCount),
    ];
    this.sumSqRetBps = 0;
    this.spreadSumBps = 0;
    this.spreadCount = 0;
    this.tradeCount = 0;
    return x;
  }

  /** Serializable state. */
  getState(): RegimeFeatureBuilderState {
    return {
      bucketStartMs: this.hasBucket ? this.bucketStartMs : null,
      lastMid: this.hasMid ? this.lastMid : null,
      lastSpreadBps: this.hasSpread ? this.lastSpreadBps : null,
      sumSqRetBps: this.sumSqRetBps,
      spreadSumBps: this.spreadSumBps,
      spreadCount: this.spreadCount,
      tradeCount: this.tradeCount,
    };
  }

  /** Restore `getState()` output. */
  setState(s: RegimeFeatureBuilderState): void {
    this.hasBucket = s.bucketStartMs !== null;
    this.bucketStartMs = s.bucketStartMs ?? 0;
    this.bucketEndMs = s.bucketStartMs === null ? Number.NEGATIVE_INFINITY : s.bucketStartMs + this.bucketMs;
    this.hasMid = s.lastMid !== null;
    this.lastMid = s.lastMid ?? 0;
    this.hasSpread = s.lastSpreadBps !== null;
    this.lastSpreadBps = s.lastSpreadBps ?? 0;
    this.sumSqRetBps = s.sumSqRetBps;
    this.spreadSumBps = s.spreadSumBps;
    this.spreadCount = s.spreadCount;
    this.tradeCount = s.tradeCount;
  }
}
