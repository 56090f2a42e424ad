import { CrossedBookError, L2Book, type MarketEvent, Rng, type Side, type Trade } from "@mmkit/core";
import {
  type PaperExchangeConfig,
  type PaperExchangeConfigInput,
  parsePaperExchangeConfig,
} from "./config.js";
import type {
  ActionKind,
  ExchangeEvent,
  IntensityEstimate,
  PaperFill,
  PlaceRequest,
  RejectReason,
} from "./events.js";
import { type FillModel, type QueueSlot, fillModelFromConfig } from "./fill-models.js";
import { type LatencyModel, latencyFromConfig } from "./latency.js";
import { PositionLedger } from "./ledger.js";
import { allocatePrint, observePrint } from "./matching.js";
import { RecordTracker } from "./records.js";
import { priceSet, touchesLevel } from "./level-touch.js";
import { VirtualBook } from "./virtual-book.js";
import { type PaperOrder, insertByPriority, openSize, refreshStatus, removeFrom, viewOf } from "./resting.js";

/** An order-entry, cancel or cancel-replace waiting for its latency to elapse. */
export interface PendingAction {
  kind: "live" | "cancel" | "modify";
  effTsMs: number;
  seq: number;
  orderId: string;
  newOrderId?: string;
}

/** Custom components replacing the ones named in the config (hftbacktest-style composition). */
export interface PaperExchangeComponents {
  latencyModel?: LatencyModel;
  fillModel?: FillModel;
}

/** Internal base of `PaperExchange`: state, pending actions, activation, matching, records. */
export abstract class VenueCore {
  readonly config: PaperExchangeConfig;
  readonly fillModel: FillModel;
  readonly latencyModel: LatencyModel;
  /** The exchange's own copy of the public book (others' orders only; ours are not in it). */
  readonly book = new L2Book();
  /** Book events skipped because they would leave the book crossed. */
  rejectedBookEvents = 0;
  protected readonly ledger: PositionLedger;
  protected readonly tracker: RecordTracker;
  protected readonly latencyRng: Rng;
  protected readonly fillRng: Rng;
  protected readonly virtualRng: Rng;
  protected readonly tracksQueue: boolean;
  protected clockMs = 0;
  protected seq = 0;
  protected orders = new Map<string, PaperOrder>();
  protected bids: PaperOrder[] = [];
  protected asks: PaperOrder[] = [];
  /** Cancelled orders still observed for their prediction, by order id. */
  protected readonly virtuals = new VirtualBook();
  protected pending: PendingAction[] = [];
  protected intensity: IntensityEstimate | undefined;

  /** Create from a config (validated, defaults applied) and optional custom components. */
  constructor(config: PaperExchangeConfigInput = {}, components: PaperExchangeComponents = {}) {
    this.config = parsePaperExchangeConfig(config);
    const c = this.config;
    this.fillModel =
      components.fillModel ??
      fillModelFromConfig(
        c.fillModel === "touch"
          ? { name: "touch", touchProb: c.touchProb }
          : c.fillModel === "queue"
            ? { name: "queue", queueShare: c.queueShare }
            : { name: "through" },
      );
    this.latencyModel = components.latencyModel ?? latencyFromConfig(c.latency);
    this.ledger = new PositionLedger(c.startingEquityQuote);
    this.tracker = new RecordTracker(c.horizonsSec);
    this.latencyRng = new Rng(c.seed);
    this.fillRng = new Rng(c.seed ^ 0x5bd1e995);
    this.virtualRng = new Rng(c.seed ^ 0x27d4eb2f);
    this.tracksQueue = this.fillModel.name === "queue";
    this.intensity = c.intensity;
  }

  protected newId(): string {
    this.seq++;
    return `paper-${this.seq}`;
  }

  protected entryLatency(): number {
    return checkLatency(this.latencyModel.orderEntryMs(this.latencyRng), "orderEntryMs");
  }

  protected cancelLatency(): number {
    return checkLatency(this.latencyModel.cancelMs(this.latencyRng), "cancelMs");
  }

  protected createOrder(id: string, req: PlaceRequest): PaperOrder {
    const o: PaperOrder = {
      id,
      side: req.side,
      price: req.price,
      size: req.size,
      filledSize: 0,
      status: "pending",
      createdTsMs: this.clockMs,
      liveTsMs: null,
      seq: this.seq,
      cancelRequested: false,
      queueAheadSize: 0,
      levelSize: 0,
      tradedSinceUpdate: 0,
      ...cid(req.clientId),
      ...(req.cycleId !== undefined ? { cycleId: req.cycleId } : {}),
      ...(req.level !== undefined ? { level: req.level } : {}),
      ...(req.intensity !== undefined ? { intensity: req.intensity } : {}),
      ...(req.predicted !== undefined ? { predicted: req.predicted } : {}),
    };
    this.orders.set(id, o);
    return o;
  }

  protected schedule(a: PendingAction): void {
    const p = this.pending;
    let i = p.length;
    while (
      i > 0 &&
      (p[i - 1]!.effTsMs > a.effTsMs || (p[i - 1]!.effTsMs === a.effTsMs && p[i - 1]!.seq > a.seq))
    )
      i--;
    p.splice(i, 0, a);
  }

  protected reject(
    out: ExchangeEvent[],
    tsMs: number,
    action: ActionKind,
    orderId: string,
    clientId: string | undefined,
    reason: RejectReason,
    message: string,
  ): void {
    out.push({ type: "reject", tsMs, action, orderId, ...cid(clientId), reason, message });
  }

  /** Run every pending action effective at or before `t`, each at its own effective time. */
  protected runPending(t: number, out: ExchangeEvent[]): void {
    while (this.pending.length > 0 && this.pending[0]!.effTsMs <= t) {
      const a = this.pending.shift()!;
      this.resolveRecords(a.effTsMs, out, false);
      if (a.kind === "live") this.goLive(a.orderId, a.effTsMs, out);
      else if (a.kind === "cancel") this.cancelNow(a.orderId, a.effTsMs, out);
      else this.modifyNow(a.orderId, a.newOrderId!, a.effTsMs, out);
    }
  }

  protected crossReason(side: PaperOrder["side"], price: number): string | null {
    if (side === "buy") {
      const ask = this.book.bestAsk();
      return price >= ask ? `buy at ${price} would cross best ask ${ask}` : null;
    }
    const bid = this.book.bestBid();
    return price <= bid ? `sell at ${price} would cross best bid ${bid}` : null;
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
    refreshStatus(o);
    insertByPriority(o.side === "buy" ? this.bids : this.asks, o);
    out.push({ type: "live", tsMs, order: viewOf(o) });
    const intensity = o.intensity ?? this.intensity;
    const mid = this.book.mid();
    if (intensity !== undefined && Number.isFinite(mid)) {
      this.tracker.openPrediction({
        orderId: o.id,
        ...cid(o.clientId),
        ...(o.cycleId !== undefined ? { cycleId: o.cycleId } : {}),
        ...(o.level !== undefined ? { level: o.level } : {}),
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
    o.status = "cancelled";
    this.orders.delete(o.id);
    if (this.tracker.isObserving(o.id)) {
      this.tracker.noteCancelled(o.id, tsMs);
      this.virtuals.set(o.id, {
        orderId: o.id,
        side: o.side,
        price: o.price,
        queueAheadSize: o.queueAheadSize,
        levelSize: o.levelSize,
        tradedSinceUpdate: o.tradedSinceUpdate,
      });
    }
    out.push({
      type: "cancelled",
      tsMs,
      orderId: o.id,
      ...cid(o.clientId),
      filledSize: o.filledSize,
      reason,
    });
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
      out.push({ type: "cancelled", tsMs, orderId: o.id, ...cid(o.clientId), filledSize: 0, reason: "user" });
      return;
    }
    this.removeLive(o, tsMs, "user", out);
  }

  protected modifyNow(oldId: string, newId: string, tsMs: number, out: ExchangeEvent[]): void {
    const neu = this.orders.get(newId);
    const old = this.orders.get(oldId);
    if (neu === undefined) {
      // The replacement was cancelled before the modify took effect: the old order stays.
      if (old !== undefined) {
        old.cancelRequested = false;
        refreshStatus(old);
      }
      return;
    }
    const fail = (reason: RejectReason, message: string): void => {
      neu.status = "rejected";
      this.orders.delete(newId);
      if (old !== undefined) {
        old.cancelRequested = false;
        refreshStatus(old);
      }
      this.reject(out, tsMs, "modify", newId, neu.clientId, reason, message);
    };
    const cross = this.crossReason(neu.side, neu.price);
    if (old === undefined) fail("orderNotOpen", `order ${oldId} was filled before the modify took effect`);
    else if (cross !== null) fail("postOnlyWouldCross", cross);
    else {
      this.removeLive(old, tsMs, "replaced", out);
      this.activate(neu, tsMs, out);
    }
  }

  protected applyBook(ev: Exclude<MarketEvent, { type: "trade" | "health" }>): void {
    let trimmed = 0;
    try {
      if (ev.type === "snapshot") this.book.applySnapshot(ev.bids, ev.asks, ev.exchangeTsMs, ev.localTsMs);
      else if (ev.type === "delta")
        trimmed = this.book.applyDelta(ev.bids, ev.asks, ev.exchangeTsMs, ev.localTsMs);
      else trimmed = this.book.applyBbo(ev.bbo, ev.exchangeTsMs, ev.localTsMs);
    } catch (e) {
      if (e instanceof CrossedBookError) {
        this.rejectedBookEvents++;
        return;
      }
      throw e;
    }
    this.ledger.mark(this.book.mid());
    if (!this.tracksQueue) return;
    const all = ev.type === "snapshot" || trimmed > 0;
    if (!all && ev.type === "delta") {
      // Index the changed prices once: O(levels + orders) instead of O(levels × orders).
      const nOrders = this.bids.length + this.asks.length;
      if (nOrders > 0) {
        const bidPrices = priceSet(ev.bids);
        const askPrices = priceSet(ev.asks);
        const touched = (o: { side: Side; price: number }): boolean =>
          (o.side === "buy" ? bidPrices : askPrices)?.has(o.price) === true;
        for (const o of this.bids) if (touched(o)) this.updateLevel(o);
        for (const o of this.asks) if (touched(o)) this.updateLevel(o);
      }
      if (this.virtuals.size > 0) {
        for (const l of ev.bids) for (const v of this.virtuals.atPrice("buy", l.price)) this.updateLevel(v);
        for (const l of ev.asks) for (const v of this.virtuals.atPrice("sell", l.price)) this.updateLevel(v);
      }
      return;
    }
    for (const o of this.bids) if (all || touchesLevel(ev, o)) this.updateLevel(o);
    for (const o of this.asks) if (all || touchesLevel(ev, o)) this.updateLevel(o);
    if (all) {
      for (const v of this.virtuals.values()) this.updateLevel(v);
    } else if (ev.type === "bbo") {
      for (const v of this.virtuals.atOrThrough("buy", ev.bbo.bidPrice)) this.updateLevel(v);
      for (const v of this.virtuals.atOrThrough("sell", ev.bbo.askPrice)) this.updateLevel(v);
    }
  }

  protected updateLevel(slot: QueueSlot & { side: Side; price: number }): void {
    this.fillModel.onLevelSize(slot, this.book.sizeAt(slot.side === "buy" ? "bid" : "ask", slot.price));
  }

  /** Allocate one print across our orders (best price first, time priority), then to virtual orders. */
  protected onTrade(tr: Trade, t: number, out: ExchangeEvent[]): void {
    if (!(tr.size > 0) || !Number.isFinite(tr.price)) return;
    const list = tr.aggressor === "buy" ? this.asks : this.bids;
    if (list.length > 0) {
      const fills = allocatePrint(list, tr, this.fillModel, this.fillRng);
      for (const f of fills) if (this.executeFill(f.order, f.size, t, tr.id, out)) removeFrom(list, f.order);
    }
    if (this.virtuals.size > 0) {
      const filled = observePrint(this.virtuals.reachedBy(tr), tr, this.fillModel, this.virtualRng);
      for (const id of filled) this.tracker.noteFill(id, t);
      for (const id of filled) this.virtuals.delete(id);
    }
  }

  /** Book a fill; returns true when the order is now completely filled. */
  protected executeFill(
    o: PaperOrder,
    size: number,
    t: number,
    tradeId: string | undefined,
    out: ExchangeEvent[],
  ): boolean {
    o.filledSize += size;
    if (o.size - o.filledSize <= o.size * 1e-12) o.filledSize = o.size;
    const bookMid = this.book.mid();
    const mid = Number.isFinite(bookMid)
      ? bookMid
      : Number.isFinite(this.ledger.markPrice)
        ? this.ledger.markPrice
        : o.price;
    const feeBps = this.config.makerFeeBps;
    const feeQuote = (o.price * size * feeBps) / 1e4;
    this.ledger.fill(o.side, o.price, size, feeQuote, mid);
    refreshStatus(o);
    const fill: PaperFill = {
      orderId: o.id,
      ...cid(o.clientId),
      side: o.side,
      price: o.price,
      size,
      feeQuote,
      liquidity: "maker",
      tsMs: t,
      midAtFill: mid,
      ...(o.cycleId !== undefined ? { cycleId: o.cycleId } : {}),
      ...(o.level !== undefined ? { level: o.level } : {}),
      remainingSize: openSize(o),
      ...(tradeId !== undefined ? { tradeId } : {}),
      fillModel: this.fillModel.name,
      positionAfter: this.ledger.positionBase,
    };
    out.push({ type: "fill", tsMs: t, fill });
    this.tracker.noteFill(o.id, t);
    this.tracker.openMarkout(fill, feeBps, o.predicted);
    if (o.status !== "filled") return false;
    this.orders.delete(o.id);
    out.push({ type: "filled", tsMs: t, orderId: o.id, ...cid(o.clientId) });
    return true;
  }

  protected resolveRecords(t: number, out: ExchangeEvent[], inclusive = true): void {
    const before = out.length;
    this.tracker.resolve(t, inclusive, this.book.mid(), out);
    if (this.virtuals.size > 0) {
      for (let i = before; i < out.length; i++) {
        const e = out[i]!;
        if (e.type === "prediction") this.virtuals.delete(e.record.orderId);
      }
    }
  }
}

/** Whether a (non-trimming) book update can have changed the displayed size at an order's price. */
/** `{ clientId }` when defined, else `{}` (keeps optional fields absent). */
export function cid(clientId: string | undefined): { clientId?: string } {
  return clientId === undefined ? {} : { clientId };
}

function checkLatency(ms: number, name: string): number {
  if (!(ms >= 0) || !Number.isFinite(ms)) throw new Error(`latency model returned an invalid ${name}: ${ms}`);
  return ms;
}
