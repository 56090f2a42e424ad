/** The L2 order book: snapshots, deltas and BBO updates applied to two book sides, and the queries on them. */
import { BookSide } from "./book-side.js";
import { checkLevel, checkLevels, CrossedBookError } from "./book-validation.js";
import type { Bbo, BookSnapshot, PriceLevel } from "./types.js";

export { CrossedBookError, InvalidLevelError } from "./book-validation.js";

/**
 * An L2 order book that applies full snapshots and level-replacement deltas.
 * A crossed snapshot is rejected (the previous state is kept); a delta or BBO whose new level
 * crosses the other side removes the crossed (stale) levels there, since newer information wins.
 */
export class L2Book {
  private readonly bidSide = new BookSide(true);
  private readonly askSide = new BookSide(false);
  /** Exchange time of the last applied update (ms). */
  exchangeTsMs = 0;
  /** Local receive time of the last applied update (ms). */
  localTsMs = 0;
  /** Number of stale levels removed because newer updates crossed them. */
  trimmedLevels = 0;

  /** Replace the whole book. Throws CrossedBookError when crossed, InvalidLevelError on a bad level (old book kept). */
  applySnapshot(
    bids: readonly PriceLevel[],
    asks: readonly PriceLevel[],
    exchangeTsMs = 0,
    localTsMs = 0,
  ): void {
    checkLevels("snapshot bid", bids);
    checkLevels("snapshot ask", asks);
    let maxBid = Number.NEGATIVE_INFINITY;
    let minAsk = Number.POSITIVE_INFINITY;
    for (const l of bids) if (l.size > 0 && l.price > maxBid) maxBid = l.price;
    for (const l of asks) if (l.size > 0 && l.price < minAsk) minAsk = l.price;
    if (maxBid >= minAsk) throw new CrossedBookError(maxBid, minAsk);
    this.bidSide.clear();
    this.askSide.clear();
    for (const l of bids) this.bidSide.setLevel(l);
    for (const l of asks) this.askSide.setLevel(l);
    this.exchangeTsMs = exchangeTsMs;
    this.localTsMs = localTsMs;
  }

  /** Apply level replacements (size 0 deletes). Returns stale levels trimmed; InvalidLevelError leaves the book as is. */
  applyDelta(
    bids: readonly PriceLevel[],
    asks: readonly PriceLevel[],
    exchangeTsMs = 0,
    localTsMs = 0,
  ): number {
    checkLevels("delta bid", bids);
    checkLevels("delta ask", asks);
    let trimmed = 0;
    for (const l of bids) {
      this.bidSide.setLevel(l);
      if (l.size > 0) trimmed += this.askSide.trimCrossing(l.price);
    }
    for (const l of asks) {
      this.askSide.setLevel(l);
      if (l.size > 0) trimmed += this.bidSide.trimCrossing(l.price);
    }
    this.trimmedLevels += trimmed;
    this.exchangeTsMs = exchangeTsMs;
    this.localTsMs = localTsMs;
    return trimmed;
  }

  /** Apply a top-of-book update: levels better than the new best are stale and removed. */
  applyBbo(bbo: Bbo, exchangeTsMs = 0, localTsMs = 0): number {
    checkLevel("bbo bid", bbo.bidPrice, bbo.bidSize);
    checkLevel("bbo ask", bbo.askPrice, bbo.askSize);
    if (!(bbo.bidPrice < bbo.askPrice)) throw new CrossedBookError(bbo.bidPrice, bbo.askPrice);
    let trimmed = 0;
    // Bids above the new best bid and asks below the new best ask no longer exist.
    trimmed += this.bidSide.trimCrossing(nextUp(bbo.bidPrice));
    trimmed += this.askSide.trimCrossing(nextDown(bbo.askPrice));
    this.bidSide.setTop(bbo.bidPrice, bbo.bidSize);
    this.askSide.setTop(bbo.askPrice, bbo.askSize);
    trimmed += this.askSide.trimCrossing(bbo.bidPrice);
    trimmed += this.bidSide.trimCrossing(bbo.askPrice);
    this.trimmedLevels += trimmed;
    this.exchangeTsMs = exchangeTsMs;
    this.localTsMs = localTsMs;
    return trimmed;
  }

  /** Remove every level. */
  clear(): void {
    this.bidSide.clear();
    this.askSide.clear();
  }

  /** Best bid price (NaN when empty). */
  bestBid(): number {
    return this.bidSide.bestPrice();
  }

  /** Best ask price (NaN when empty). */
  bestAsk(): number {
    return this.askSide.bestPrice();
  }

  /** Size at the best bid. */
  bestBidSize(): number {
    return this.bidSide.bestSize();
  }

  /** Size at the best ask. */
  bestAskSize(): number {
    return this.askSide.bestSize();
  }

  /** Mid price (NaN unless both sides exist). */
  mid(): number {
    return (this.bidSide.bestPrice() + this.askSide.bestPrice()) / 2;
  }

  /** Size-weighted micro-price at the touch (NaN unless both sides exist). */
  microPrice(): number {
    const bs = this.bidSide.bestSize();
    const as = this.askSide.bestSize();
    if (bs + as <= 0) return this.mid();
    return (this.bidSide.bestPrice() * as + this.askSide.bestPrice() * bs) / (bs + as);
  }

  /** Whether both sides have at least one level. */
  isTwoSided(): boolean {
    return this.bidSide.length > 0 && this.askSide.length > 0;
  }

  /** Whether best bid ≥ best ask (never true after a successful update). */
  isCrossed(): boolean {
    return this.isTwoSided() && this.bidSide.bestPrice() >= this.askSide.bestPrice();
  }

  /** Displayed size at a price on one side ("bid" or "ask"). */
  sizeAt(bookSide: "bid" | "ask", price: number): number {
    return bookSide === "bid" ? this.bidSide.sizeAt(price) : this.askSide.sizeAt(price);
  }

  /** Cumulative displayed size from the touch through `price` on one side. */
  depthThrough(bookSide: "bid" | "ask", price: number): number {
    return bookSide === "bid" ? this.bidSide.depthThrough(price) : this.askSide.depthThrough(price);
  }

  /** Number of levels per side. */
  levelCount(): { bids: number; asks: number } {
    return { bids: this.bidSide.length, asks: this.askSide.length };
  }

  /** Top `depth` levels per side, best first. */
  snapshot(depth = Number.POSITIVE_INFINITY): BookSnapshot {
    return {
      bids: this.bidSide.levels(depth),
      asks: this.askSide.levels(depth),
      exchangeTsMs: this.exchangeTsMs,
      localTsMs: this.localTsMs,
    };
  }

  /** Best bid/offer or null when one side is empty. */
  bbo(): Bbo | null {
    if (!this.isTwoSided()) return null;
    return {
      bidPrice: this.bidSide.bestPrice(),
      bidSize: this.bidSide.bestSize(),
      askPrice: this.askSide.bestPrice(),
      askSize: this.askSide.bestSize(),
    };
  }
}

function nextUp(x: number): number {
  return x + Math.max(Math.abs(x) * 1e-12, Number.MIN_VALUE);
}

function nextDown(x: number): number {
  return x - Math.max(Math.abs(x) * 1e-12, Number.MIN_VALUE);
}
