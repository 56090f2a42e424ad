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
  private s: RegimeFeatureBuilderState = {
    bucketStartMs: null,
    lastMid: null,
    lastSpreadBps: null,
    sumSqRetBps: 0,
    spreadSumBps: 0,
    spreadCount: 0,
    tradeCount: 0,
  };

  /** Create a builder with buckets of `bucketMs` milliseconds. */
  constructor(
    readonly bucketMs: number,
    private readonly maxGapBuckets = 120,
  ) {
    if (!(bucketMs > 0)) throw new Error(`regime features: bucketMs must be > 0, got ${bucketMs}`);
  }

  /** Record a top-of-book observation; returns feature vectors of buckets that closed (often none). */
  onQuote(tsMs: number, bidPrice: number, askPrice: number): number[][] {
    const out = this.advance(tsMs);
    if (!(bidPrice > 0 && askPrice > bidPrice)) return out;
    const mid = (bidPrice + askPrice) / 2;
    const spreadBps = ((askPrice - bidPrice) / mid) * 1e4;
    if (this.s.lastMid !== null && mid !== this.s.lastMid) {
      const r = Math.log(mid / this.s.lastMid) * 1e4;
      this.s.sumSqRetBps += r * r;
    }
    this.s.lastMid = mid;
    this.s.lastSpreadBps = spreadBps;
    this.s.spreadSumBps += spreadBps;
    this.s.spreadCount++;
    return out;
  }

  /** Record a public trade; returns feature vectors of buckets that closed. */
  onTrade(tsMs: number): number[][] {
    const out = this.advance(tsMs);
    this.s.tradeCount++;
    return out;
  }

  /** Close buckets that end at or before `tsMs` (also usable as a timer tick). */
  advance(tsMs: number): number[][] {
    const out: number[][] = [];
    if (this.s.bucketStartMs === null) {
      this.s.bucketStartMs = Math.floor(tsMs / this.bucketMs) * this.bucketMs;
      return out;
    }
    if (tsMs < this.s.bucketStartMs + this.bucketMs) return out;
    out.push(this.closeBucket());
    let start = this.s.bucketStartMs + this.bucketMs;
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
    this.s.bucketStartMs = start;
    return out;
  }

  private closeBucket(): number[] {
    const spread =
      this.s.spreadCount > 0 ? this.s.spreadSumBps / this.s.spreadCount : (this.s.lastSpreadBps ?? 0);
    const x = [
      Math.log(Math.sqrt(this.s.sumSqRetBps) + 0.1),
      Math.log(spread + 0.1),
      Math.log1p(this.s.tradeCount),
    ];
    this.s.sumSqRetBps = 0;
    this.s.spreadSumBps = 0;
    this.s.spreadCount = 0;
    this.s.tradeCount = 0;
    return x;
  }

  /** Serializable state. */
  getState(): RegimeFeatureBuilderState {
    return { ...this.s };
  }

  /** Restore `getState()` output. */
  setState(s: RegimeFeatureBuilderState): void {
    this.s = { ...s };
  }
}
