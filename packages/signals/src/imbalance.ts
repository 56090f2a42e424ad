/**
 * Order-book imbalance / micro-price alpha: a bounded skew from the top of book.
 *   I = (bidSize − askSize)/(bidSize + askSize) ∈ [−1, 1]
 *   micro − mid = I · (ask − bid)/2, in bps of mid: microEdgeBps = I · halfSpreadBps
 * The skew is skewAdjBps = clamp(coef · EWMA(microEdgeBps), ±maxSkewBps): quotes lean toward the
 * micro-price (positive when bids are heavier, i.e. the next move is more likely up).
 */
import { type SignalAdjustment, activeAdjustment, inactiveAdjustment } from "@mmkit/core";

/** Signal name of the book-imbalance skew. */
export const BOOK_IMBALANCE_SIGNAL_NAME = "BookImbalance";

/** Configuration of the imbalance skew. */
export interface BookImbalanceConfig {
  /** Fraction of the micro-price edge applied as skew. Default 0.5. */
  coef: number;
  /** Bound on |skew| (bps). Default 2. */
  maxSkewBps: number;
  /** EWMA half-life of the edge (ms of event time; 0 = no smoothing). Default 500. */
  halfLifeMs: number;
  /** A quote older than this is stale and the signal goes inactive (ms). Default 5000. */
  staleMs: number;
}

/** Default configuration. */
export const DEFAULT_BOOK_IMBALANCE_CONFIG: BookImbalanceConfig = {
  coef: 0.5,
  maxSkewBps: 2,
  halfLifeMs: 500,
  staleMs: 5000,
};

/** Micro-price minus mid in bps of mid, from the touch (NaN for an invalid book). */
export function microEdgeBps(bidPrice: number, bidSize: number, askPrice: number, askSize: number): number {
  if (!(bidPrice > 0 && askPrice > bidPrice && bidSize >= 0 && askSize >= 0 && bidSize + askSize > 0)) {
    return Number.NaN;
  }
  const mid = (bidPrice + askPrice) / 2;
  const micro = (bidPrice * askSize + askPrice * bidSize) / (bidSize + askSize);
  return ((micro - mid) / mid) * 1e4;
}

/** Serializable state. */
export interface BookImbalanceState {
  edgeBps: number;
  lastTsMs: number | null;
}

/** Book-imbalance skew (signal `"BookImbalance"`). */
export class BookImbalanceSignal {
  readonly config: BookImbalanceConfig;
  private s: BookImbalanceState = { edgeBps: 0, lastTsMs: null };

  /** Create the signal; unspecified fields take `DEFAULT_BOOK_IMBALANCE_CONFIG`. */
  constructor(config: Partial<BookImbalanceConfig> = {}) {
    const c = { ...DEFAULT_BOOK_IMBALANCE_CONFIG, ...config };
    if (!(c.maxSkewBps >= 0 && c.halfLifeMs >= 0 && c.staleMs > 0)) {
      throw new Error("book imbalance: maxSkewBps, halfLifeMs must be >= 0 and staleMs > 0");
    }
    this.config = c;
  }

  /** Feed a top-of-book observation. */
  onBbo(tsMs: number, bidPrice: number, bidSize: number, askPrice: number, askSize: number): void {
    const e = microEdgeBps(bidPrice, bidSize, askPrice, askSize);
    if (Number.isNaN(e)) return;
    if (this.s.lastTsMs === null || this.config.halfLifeMs === 0) {
      this.s.edgeBps = e;
    } else {
      const dt = Math.max(0, tsMs - this.s.lastTsMs);
      const a = 1 - 0.5 ** (dt / this.config.halfLifeMs);
      this.s.edgeBps += a * (e - this.s.edgeBps);
    }
    this.s.lastTsMs = tsMs;
  }

  /** Smoothed micro-price edge (bps). */
  get edgeBps(): number {
    return this.s.edgeBps;
  }

  /** The signal's adjustment at time `tsMs`. */
  adjustment(tsMs: number): SignalAdjustment {
    if (this.s.lastTsMs === null) return inactiveAdjustment(BOOK_IMBALANCE_SIGNAL_NAME, "no book yet");
    if (tsMs - this.s.lastTsMs > this.config.staleMs)
      return inactiveAdjustment(BOOK_IMBALANCE_SIGNAL_NAME, "stale book");
    const m = this.config.maxSkewBps;
    const skew = Math.min(m, Math.max(-m, this.config.coef * this.s.edgeBps));
    return activeAdjustment(BOOK_IMBALANCE_SIGNAL_NAME, {
      skewAdjBps: skew,
      rawValue: this.s.edgeBps,
      note: `micro-mid=${this.s.edgeBps.toFixed(2)}bps`,
    });
  }

  /** Serializable state. */
  getState(): BookImbalanceState {
    return { ...this.s };
  }

  /** Restore `getState()` output. */
  setState(s: BookImbalanceState): void {
    this.s = { ...s };
  }
}
