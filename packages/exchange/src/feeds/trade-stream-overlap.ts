/**
 * A Binance capture holding both the `@trade` stream (one print per maker) and `aggTrade` (the same
 * prints merged per taker order and price, with the `@trade` ids it covers as `f`..`l`) would count
 * every taker order twice. Ids tell which prints one stream already delivered:
 *
 * - an `aggTrade` whose prints the `@trade` stream already delivered (its `l` at or below the last
 *   `@trade` id seen) is dropped, and so is one that starts at the next id expected (the last seen
 *   + 1) while that stream is live (a print within `LIVE_MS` of exchange time): it delivers them next;
 * - otherwise it counts (no `@trade` stream, one that lags, or one that stopped, e.g. a later
 *   recording part without it), and the `@trade` prints inside its ids are dropped when they come.
 *
 * An `aggTrade` without `f`/`l` cannot be placed: it is dropped once a `@trade` print was seen.
 */

/** The print frame facts this needs: which stream, the print's id, an `aggTrade`'s `@trade` ids. */
export interface StreamPrint {
  eventType: "trade" | "aggTrade";
  event: { exchangeTsMs: number; trade: { id?: string } };
  tradeIds?: { first: number; last: number };
}

/** A `@trade` print this recent (exchange ms) means the stream is live. */
const LIVE_MS = 1000;

/** Counted `aggTrade` id ranges kept (the `@trade` stream lags by a few taker orders at most). */
const MAX_RANGES = 256;

/** Decides, frame by frame, which of the two streams' prints count. */
export class TradeStreamOverlap {
  /** Highest `@trade` id seen, counted or not (−∞ before the first). */
  private lastTradeId = Number.NEGATIVE_INFINITY;
  /** Exchange time of the latest `@trade` print. */
  private lastTradeTsMs = Number.NEGATIVE_INFINITY;
  /** `@trade` id ranges of counted `aggTrade` prints, oldest first. */
  private readonly counted: { first: number; last: number }[] = [];

  /** Null when the print counts, else the `extra` counter of its drop. */
  admit(p: StreamPrint): "aggTradesDroppedForTrade" | "tradesInCountedAggTrade" | null {
    if (p.eventType === "trade") {
      const id = Number(p.event.trade.id);
      if (!Number.isFinite(id)) return null;
      if (id > this.lastTradeId) this.lastTradeId = id; // the stream is live up to here either way
      if (p.event.exchangeTsMs > this.lastTradeTsMs) this.lastTradeTsMs = p.event.exchangeTsMs;
      return this.inCountedAggTrade(id) ? "tradesInCountedAggTrade" : null;
    }
    const ids = p.tradeIds;
    if (ids === undefined)
      return this.lastTradeId > Number.NEGATIVE_INFINITY ? "aggTradesDroppedForTrade" : null;
    if (ids.last <= this.lastTradeId) return "aggTradesDroppedForTrade";
    const live = p.event.exchangeTsMs - this.lastTradeTsMs <= LIVE_MS;
    if (ids.first <= this.lastTradeId + 1 && live) return "aggTradesDroppedForTrade";
    this.counted.push(ids);
    if (this.counted.length > MAX_RANGES) this.counted.shift();
    return null;
  }

  private inCountedAggTrade(id: number): boolean {
    for (let i = this.counted.length - 1; i >= 0; i--) {
      const r = this.counted[i]!;
      if (id >= r.first && id <= r.last) return true;
    }
    return false;
  }
}
