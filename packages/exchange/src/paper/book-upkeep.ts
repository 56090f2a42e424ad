/** Book upkeep: applying a book event to the exchange's book copy and to the queue positions at the changed levels. */
import { CrossedBookError, InvalidLevelError, type MarketEvent, type Side } from "@mmkit/core";
import { CrossedFills } from "./crossed-fills.js";
import type { ExchangeEvent } from "./events.js";
import type { QueueSlot } from "./fill-models.js";
import * as hs from "./hot-state.js";
import type { PaperOrder } from "./resting.js";
import type { PriceBucket, SidePrices } from "./virtual-book.js";

// Module-local copies of the hot-array indices, read per event (why: see hot-state.ts).
const { H2_ASK_HI, H2_BID_LO, H2_VASK_HI, H2_VBID_LO, H_ASK_LO, H_BID_HI, H_VASK_LO, H_VBID_HI } = hs;

/** Book events: the book copy, then queue upkeep of our and the virtual orders, then crossed fills. */
export abstract class BookUpkeep extends CrossedFills {
  /**
   * Apply a book event, then fill the resting orders (and observe the virtual ones) that the book
   * has moved onto or through (`fillCrossed`); false when the book refused it (crossed or invalid).
   */
  protected applyBook(
    ev: Exclude<MarketEvent, { type: "trade" | "health" }>,
    t: number,
    out: ExchangeEvent[],
  ): boolean {
    const accepted = this.applyBookLevels(ev, t);
    if (accepted) this.fillCrossed(t, out);
    return accepted;
  }

  /** Apply a book event to the book and the queue positions; false when it was rejected (crossed or invalid). */
  private applyBookLevels(ev: Exclude<MarketEvent, { type: "trade" | "health" }>, t: number): boolean {
    let trimmed = 0;
    try {
      if (ev.type === "snapshot") this.book.applySnapshot(ev.bids, ev.asks, ev.exchangeTsMs, ev.localTsMs);
      else if (ev.type === "delta")
        trimmed = this.book.applyDelta(ev.bids, ev.asks, ev.exchangeTsMs, ev.localTsMs);
      else trimmed = this.book.applyBbo(ev.bbo, ev.exchangeTsMs, ev.localTsMs);
    } catch (e) {
      // A crossed book or a level with a price ≤ 0 (e.g. a venue's "0.00" for an empty side) is
      // data to reject, not a reason to stop the run: the book keeps its last valid state.
      if (e instanceof CrossedBookError || e instanceof InvalidLevelError) {
        this.rejectedBookEvents++;
        this.lastRejectedBookReason = e.message;
        return false;
      }
      throw e;
    }
    this.ledger.mark(this.book.mid());
    if (!this.tracksQueue) return true;
    const all = ev.type === "snapshot" || trimmed > 0;
    if (!all && ev.type === "delta") {
      // Only the levels in the delta changed: our orders at those prices, and the virtual orders
      // there through the price index (O(levels), not O(virtual orders)).
      const { bids, asks } = ev;
      // A side's span test is false when it has no orders (NaN).
      const hot = this.hot;
      const b = this.bounds;
      if (bids.length > 0) {
        if (b[H2_BID_LO]! <= hot[H_BID_HI]!)
          this.levelOrders(this.bids, bids, b[H2_BID_LO]!, hot[H_BID_HI]!, t);
        if (b[H2_VBID_LO]! <= hot[H_VBID_HI]!)
          this.levelVirtuals(this.virtuals.buy, "bid", bids, b[H2_VBID_LO]!, hot[H_VBID_HI]!, t);
      }
      if (asks.length > 0) {
        if (hot[H_ASK_LO]! <= b[H2_ASK_HI]!)
          this.levelOrders(this.asks, asks, hot[H_ASK_LO]!, b[H2_ASK_HI]!, t);
        if (hot[H_VASK_LO]! <= b[H2_VASK_HI]!)
          this.levelVirtuals(this.virtuals.sell, "ask", asks, hot[H_VASK_LO]!, b[H2_VASK_HI]!, t);
      }
      return true;
    }
    if (all) {
      for (const o of this.bids) this.updateLevel(o, t);
      for (const o of this.asks) this.updateLevel(o, t);
      for (let v = this.virtuals.head(); v !== null; v = v.next) this.updateLevel(v, t);
      return true;
    }
    if (ev.type === "bbo") {
      // The new touch changes the levels at or through it (bids at or above the new best bid,
      // asks at or below the new best ask).
      const bidPrice = ev.bbo.bidPrice;
      const askPrice = ev.bbo.askPrice;
      const hot = this.hot;
      if (hot[H_BID_HI]! >= bidPrice)
        for (const o of this.bids) if (o.price >= bidPrice) this.updateLevel(o, t);
      if (hot[H_ASK_LO]! <= askPrice)
        for (const o of this.asks) if (o.price <= askPrice) this.updateLevel(o, t);
      // Virtual bids at or above the bid (keys = price ascending), virtual asks at or below the
      // ask (keys = −price ascending), each in ascending price order.
      // Both ranges are at the touch end of the keys (usually empty): walk in from there.
      if (hot[H_VBID_HI]! >= bidPrice) {
        const vb = this.virtuals.buy;
        const bk = vb.keys;
        const nb = bk.length;
        let first = nb;
        while (first > 0 && bk[first - 1]! >= bidPrice) first--;
        for (let i = first; i < nb; i++) this.levelBucket(vb.buckets[i]!, "bid", bk[i]!, t);
      }
      if (hot[H_VASK_LO]! <= askPrice) {
        const vs = this.virtuals.sell;
        const sk = vs.keys;
        for (let i = sk.length - 1; i >= 0 && -sk[i]! <= askPrice; i--)
          this.levelBucket(vs.buckets[i]!, "ask", -sk[i]!, t);
      }
    }
    return true;
  }

  /** Our orders (one side) resting at a price listed in a delta: each updated once, in list order. */
  private levelOrders(
    list: readonly PaperOrder[],
    levels: readonly { price: number }[],
    lo: number,
    hi: number,
    t: number,
  ): void {
    // Most delta levels are outside the span [lo, hi] of our few prices: one pass over the levels
    // against that span first.
    let any = false;
    for (let j = 0; j < levels.length; j++) {
      const p = levels[j]!.price;
      if (p >= lo && p <= hi) {
        any = true;
        break;
      }
    }
    if (!any) return;
    for (let i = 0; i < list.length; i++) {
      const o = list[i]!;
      const price = o.price;
      for (let j = 0; j < levels.length; j++) {
        if (levels[j]!.price === price) {
          this.updateLevel(o, t);
          break;
        }
      }
    }
  }

  /** Virtual orders (one side) at each price listed in a delta, in level order. */
  private levelVirtuals(
    vs: SidePrices,
    bookSide: "bid" | "ask",
    levels: readonly { price: number }[],
    lo: number,
    hi: number,
    t: number,
  ): void {
    for (let j = 0; j < levels.length; j++) {
      const price = levels[j]!.price;
      if (price >= lo && price <= hi && vs.mayHave(price)) {
        const i = vs.find(price);
        if (i >= 0) this.levelBucket(vs.buckets[i]!, bookSide, price, t);
      }
    }
  }

  /** Show the displayed size at `price` to the virtual orders resting there. */
  private levelBucket(at: PriceBucket, bookSide: "bid" | "ask", price: number, t: number): void {
    const size = this.book.sizeAt(bookSide, price);
    const items = at.items;
    for (let k = at.head; k < items.length; k++) this.fillModel.onLevelSize(items[k]!, size, t);
  }

  protected updateLevel(slot: QueueSlot & { side: Side; price: number }, t: number): void {
    this.fillModel.onLevelSize(slot, this.book.sizeAt(slot.side === "buy" ? "bid" : "ask", slot.price), t);
  }
}
