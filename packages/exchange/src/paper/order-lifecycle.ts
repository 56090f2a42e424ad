/** Order lifecycle: an order going live (or rejected as crossing), cancelled, or replaced by a modify. */
import type { ExchangeEvent, RejectReason } from "./events.js";
import {
  type PaperOrder,
  PREDICTION,
  insertByPriority,
  refreshStatus,
  removeFrom,
  viewOf,
} from "./resting.js";
import { VenueCore } from "./venue-core.js";
import { VirtualNode } from "./virtual-book.js";

/** Activation, cancel and cancel-replace of our orders once their latency has elapsed. */
export abstract class OrderLifecycle extends VenueCore {
  /**
   * Why a post-only order at `price` would take liquidity now, or null: it crosses the market's
   * touch, or one of our own resting orders on the other side (on a venue those are in the book, and
   * an ALO order that would match them is rejected like any other).
   */
  protected crossReason(side: PaperOrder["side"], price: number): string | null {
    if (side === "buy") {
      const ask = this.book.bestAsk();
      if (price >= ask) return `buy at ${price} would cross best ask ${ask}`;
      const own = this.asks[0]; // priority order: our lowest ask first
      return own !== undefined && price >= own.price
        ? `buy at ${price} would cross our own resting ask ${own.price} (order ${own.id})`
        : null;
    }
    const bid = this.book.bestBid();
    if (price <= bid) return `sell at ${price} would cross best bid ${bid}`;
    const own = this.bids[0]; // priority order: our highest bid first
    return own !== undefined && price <= own.price
      ? `sell at ${price} would cross our own resting bid ${own.price} (order ${own.id})`
      : null;
  }

  protected goLive(orderId: string, tsMs: number, out: ExchangeEvent[]): void {
    const o = this.orders.get(orderId);
    if (o === undefined || o.status !== "pending" || o.liveTsMs !== null) return;
    const cross = this.crossReason(o.side, o.price);
    if (cross !== null) {
      o.status = "rejected";
      this.orders.delete(o.id);
      this.reject(out, tsMs, "place", o.id, o.clientId, "postOnlyWouldCross", cross);
      return;
    }
    this.activate(o, tsMs, out);
  }

  protected activate(o: PaperOrder, tsMs: number, out: ExchangeEvent[]): void {
    o.liveTsMs = tsMs;
    const displayed = this.book.sizeAt(o.side === "buy" ? "bid" : "ask", o.price);
    o.queueAheadSize = this.fillModel.initialQueueAhead(displayed);
    o.levelSize = displayed;
    o.tradedSinceUpdate = 0;
    o.lagDecrease = 0;
    o.lagAheadCut = 0;
    refreshStatus(o);
    insertByPriority(o.side === "buy" ? this.bids : this.asks, o);
    this.refreshSpan();
    out.push({ type: "live", tsMs, order: viewOf(o) });
    const intensity = o.intensity ?? this.intensity;
    const mid = this.book.mid();
    if (intensity !== undefined && Number.isFinite(mid)) {
      // Optional inputs may be undefined here: openPrediction only copies the defined ones.
      o[PREDICTION] = this.tracker.openPrediction({
        orderId: o.id,
        clientId: o.clientId,
        cycleId: o.cycleId,
        level: o.level,
        side: o.side,
        price: o.price,
        size: o.size,
        liveTsMs: tsMs,
        midAtLive: mid,
        intensity,
        fillModel: this.fillModel.name,
        atPriceFillFactor: this.fillModel.atPriceFillFactor,
        tickSize: this.config.tickSize,
      });
    }
  }

  /** Take a live order off the book; keep observing its prediction as a virtual order. */
  protected removeLive(o: PaperOrder, tsMs: number, reason: "user" | "replaced", out: ExchangeEvent[]): void {
    removeFrom(o.side === "buy" ? this.bids : this.asks, o);
    this.refreshSpan();
    o.status = "cancelled";
    this.orders.delete(o.id);
    // Still observed (prediction open, no fill yet): the cancel censors the record and the order
    // lives on as a virtual order, kept with its prediction, which releases it when emitted.
    const h = this.predictionOf(o);
    if (h >= 0 && this.tracker.cancelObservedAt(h, tsMs)) {
      const v = this.virtuals.insert(new VirtualNode(o.id, o.side, o.price, o, h));
      this.tracker.attach(h, v);
    }
    out.push(cancelledEvent(tsMs, o.id, o.clientId, o.filledSize, reason));
  }

  protected cancelNow(orderId: string, tsMs: number, out: ExchangeEvent[]): void {
    const o = this.orders.get(orderId);
    if (o === undefined) {
      this.reject(
        out,
        tsMs,
        "cancel",
        orderId,
        undefined,
        "orderNotOpen",
        `order ${orderId} was filled before the cancel took effect`,
      );
      return;
    }
    if (o.liveTsMs === null) {
      o.status = "cancelled";
      this.orders.delete(o.id);
      out.push(cancelledEvent(tsMs, o.id, o.clientId, 0, "user"));
      // The replacement of a modify still in flight: a modify keeps the order's identity on a
      // venue, so the cancel is for the order, whichever version rests — the old one goes now.
      // (Keeping it left it resting unmanaged after a stop, to fill on the first print of the
      // resumed session before any quote cycle could pull it.)
      const old = this.modifyOriginOf(orderId);
      if (old !== undefined) this.removeLive(old, tsMs, "user", out);
      return;
    }
    this.removeLive(o, tsMs, "user", out);
  }

  /** The live order a pending modify would replace with `newId`, if any. */
  private modifyOriginOf(newId: string): PaperOrder | undefined {
    for (const a of this.pending) {
      if (a.kind !== "modify" || a.newOrderId !== newId) continue;
      const old = this.orders.get(a.orderId);
      return old !== undefined && old.liveTsMs !== null ? old : undefined;
    }
    return undefined;
  }

  protected modifyNow(oldId: string, newId: string, tsMs: number, out: ExchangeEvent[]): void {
    const neu = this.orders.get(newId);
    const old = this.orders.get(oldId);
    // The replacement was cancelled before the modify took effect, and the old order with it
    // (see cancelNow): nothing is left to modify.
    if (neu === undefined) return;
    const cross = this.crossReason(neu.side, neu.price);
    if (old === undefined)
      this.failModify(
        neu,
        old,
        tsMs,
        "orderNotOpen",
        `order ${oldId} was filled before the modify took effect`,
        out,
      );
    else if (cross !== null) this.failModify(neu, old, tsMs, "postOnlyWouldCross", cross, out);
    else {
      this.removeLive(old, tsMs, "replaced", out);
      this.activate(neu, tsMs, out);
    }
  }

  /** A modify could not take effect: the replacement is rejected, the old order stays as it was. */
  private failModify(
    neu: PaperOrder,
    old: PaperOrder | undefined,
    tsMs: number,
    reason: RejectReason,
    message: string,
    out: ExchangeEvent[],
  ): void {
    neu.status = "rejected";
    this.orders.delete(neu.id);
    if (old === undefined) {
      this.reject(out, tsMs, "modify", neu.id, neu.clientId, reason, message);
      return;
    }
    old.cancelRequested = false;
    refreshStatus(old);
    this.reject(
      out,
      tsMs,
      "modify",
      neu.id,
      neu.clientId,
      reason,
      `${message}; ${old.id} stays open`,
      old.id,
    );
  }
}

/** A `cancelled` event (an absent clientId is undefined: JSON omits it). */
function cancelledEvent(
  tsMs: number,
  orderId: string,
  clientId: string | undefined,
  filledSize: number,
  reason: "user" | "replaced",
): ExchangeEvent {
  return { type: "cancelled", tsMs, orderId, clientId, filledSize, reason };
}
