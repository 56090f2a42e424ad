/**
 * Order-book imbalance / micro-price alpha: a bounded skew from the top of book.
 *   I = (bidSize − askSize)/(bidSize + askSize) ∈ [−1, 1]
 *   micro − mid = I · (ask − bid)/2, in bps of mid: microEdgeBps = I · halfSpreadBps
 * EWMA over event time, "next-value" convention for irregular updates: at each BBO the new edge e enters
 * as E ← E + (1 − 2^(−Δt/halfLife))·(e − E), Δt = time since the previous update (so an update at the
 * same timestamp leaves E unchanged and a long pause makes E jump to e).
 * The skew is skewAdjBps = clamp(coef · EWMA(microEdgeBps), ±maxSkewBps): quotes lean toward the
 * micro-price (positive when bids are heavier, i.e. the next move is more likely up).
 */
import type { SignalAdjustment } from "@mmkit/core";
import { inactive, makeAdjustment } from "./adjust.js";

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
  /** The book lost a side after the last observation (absent in older checkpoints: false). */
  oneSided?: boolean;
}

/** Book-imbalance skew (signal `"BookImbalance"`). */
export class BookImbalanceSignal {
  readonly config: BookImbalanceConfig;
  // State as flat fields (hot path: every book event); `hasTs` stands for a non-null `lastTsMs`.
  private edge = 0;
  private hasTs = false;
  private lastTsMs = 0;
  /** The book lost a side since the last observation: no micro-price, the signal is inactive. */
  private oneSided = false;

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
    if (!this.hasTs || this.config.halfLifeMs === 0) {
      this.edge = e;
    } else {
      const dt = Math.max(0, tsMs - this.lastTsMs);
      this.edge += this.weight(dt) * (e - this.edge);
    }
    this.hasTs = true;
    this.lastTsMs = tsMs;
    this.oneSided = false;
  }

  /** The book has lost a side: there is no imbalance to read until both come back. */
  onOneSidedBook(): void {
    this.oneSided = true;
  }

  /**
   * EWMA weight 1 − 0.5^(dt/halfLife) of a gap, without the pow in the common cases (same bits):
   * simultaneous updates (dt = 0: 1 − 0.5^0 = 0 exactly) and a gap equal to the previous one
   * (feeds tick on a grid).
   */
  private weight(dt: number): number {
    if (dt === 0) return 0;
    if (dt !== this.lastDt) {
      this.lastDt = dt;
      this.lastWeight = 1 - 0.5 ** (dt / this.config.halfLifeMs);
    }
    return this.lastWeight;
  }

  private lastDt = Number.NaN;
  private lastWeight = 0;
  // Memo of the note for the last edge.
  private noteEdge = Number.NaN;
  private noteText = "";

  /** Smoothed micro-price edge (bps). */
  get edgeBps(): number {
    return this.edge;
  }

  /** The signal's adjustment at time `tsMs` (RangeError for a non-finite `tsMs`). */
  adjustment(tsMs: number): SignalAdjustment {
    // A NaN time would pass the staleness test below (NaN > staleMs is false) and report active.
    if (!Number.isFinite(tsMs))
      throw new RangeError(`BookImbalanceSignal.adjustment: tsMs must be finite, got ${tsMs}`);
    if (!this.hasTs) return inactive(BOOK_IMBALANCE_SIGNAL_NAME, "no book yet");
    if (this.oneSided) return inactive(BOOK_IMBALANCE_SIGNAL_NAME, "one-sided book");
    if (tsMs - this.lastTsMs > this.config.staleMs) return inactive(BOOK_IMBALANCE_SIGNAL_NAME, "stale book");
    const m = this.config.maxSkewBps;
    const skew = Math.min(m, Math.max(-m, this.config.coef * this.edge));
    return makeAdjustment(BOOK_IMBALANCE_SIGNAL_NAME, true, 1, this.edge, this.note(this.edge), 0, skew);
  }

  private note(edge: number): string {
    if (edge !== this.noteEdge) {
      this.noteEdge = edge;
      this.noteText = `micro-mid=${edge.toFixed(2)}bps`;
    }
    return this.noteText;
  }

  /** Serializable state. */
  getState(): BookImbalanceState {
    return { edgeBps: this.edge, lastTsMs: this.hasTs ? this.lastTsMs : null, oneSided: this.oneSided };
  }

  /** Restore `getState()` output. */
  setState(s: BookImbalanceState): void {
    this.edge = s.edgeBps;
    this.hasTs = s.lastTsMs !== null;
    this.lastTsMs = s.lastTsMs ?? 0;
    this.oneSided = s.oneSided ?? false;
  }
}
