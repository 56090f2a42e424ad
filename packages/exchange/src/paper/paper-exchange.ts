import { CrossedBookError, L2Book, type MarketEvent, Rng, type Side, type Trade } from "@mmkit/core";
import {
  type PaperExchangeConfig,
  type PaperExchangeConfigInput,
  parsePaperExchangeConfig,
} from "./config.js";
import type {
  ActionKind,
  ActionResult,
  BatchAction,
  ExchangeEvent,
  IntensityEstimate,
  ModifyRequest,
  OrderView,
  PaperFill,
  PlaceRequest,
  RejectReason,
} from "./events.js";
import { type FillModel, type QueueSlot, fillModelFromConfig } from "./fill-models.js";
import { type LatencyModel, latencyFromConfig } from "./latency.js";
import { type LedgerState, type PnlSnapshot, PositionLedger } from "./ledger.js";
import { allocatePrint, observePrint } from "./matching.js";
import { RecordTracker, type RecordTrackerState } from "./records.js";
import {
  type PaperOrder,
  type VirtualOrder,
  insertByPriority,
  isRestingStatus,
  openSize,
  refreshStatus,
  removeFrom,
  viewOf,
} from "./resting.js";
import { validatePlace } from "./validate.js";

/** An order-entry, cancel or cancel-replace waiting for its latency to elapse. */
interface PendingAction {
  kind: "live" | "cancel" | "modify";
  effTsMs: number;
  seq: number;
  orderId: string;
  newOrderId?: string;
}

/** Everything needed to resume a run exactly (JSON-serializable). */
export interface PaperExchangeState {
  version: 1;
  nowMs: number;
  seq: number;
  orders: PaperOrder[];
  pending: PendingAction[];
  virtuals: VirtualOrder[];
  intensity: IntensityEstimate | null;
  book: {
    bids: { price: number; size: number; count?: number }[];
    asks: { price: number; size: number; count?: number }[];
  };
  ledger: LedgerState;
  records: RecordTrackerState;
  rng: {
    latency: [number, number, number, number];
    fill: [number, number, number, number];
    virtual: [number, number, number, number];
  };
  rejectedBookEvents: number;
}

/** Custom components replacing the ones named in the config (hftbacktest-style composition). */
export interface PaperExchangeComponents {
  latencyModel?: LatencyModel;
  fillModel?: FillModel;
}

const EMPTY: readonly ExchangeEvent[] = Object.freeze([]);

/**
 * A simulated venue driven in event time. The quote engine talks to it as to a live venue
 * (place / cancel / modify / batch, acks and order events); market events move the clock
 * (`exchangeTsMs` by default), update its L2 book, make orders live and cancels effective once
 * their latency has elapsed, and run the fill model on trade prints.
 */
export class PaperExchange {
  readonly config: PaperExchangeConfig;
  readonly fillModel: FillModel;
  readonly latencyModel: LatencyModel;
  /** The exchange's own copy of the public book (others' orders only; ours are not in it). */
  readonly book = new L2Book();
  /** Book events skipped because they would leave the book crossed. */
  rejectedBookEvents = 0;
  private readonly ledger: PositionLedger;
  private readonly tracker: RecordTracker;
  private readonly latencyRng: Rng;
  private readonly fillRng: Rng;
  private readonly virtualRng: Rng;
  private readonly tracksQueue: boolean;
  private clockMs = 0;
  private seq = 0;
  private orders = new Map<string, PaperOrder>();
  private bids: PaperOrder[] = [];
  private asks: PaperOrder[] = [];
  private virtuals: VirtualOrder[] = [];
  private pending: PendingAction[] = [];
  private intensity: IntensityEstimate | undefined;

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

  /** Current exchange clock (ms): the latest event or `advanceTo` time seen. */
  get nowMs(): number {
    return this.clockMs;
  }

  /** Set the fitted intensity used for predictions of orders that go live from now on. */
  setIntensity(intensity: IntensityEstimate | undefined): void {
    if (intensity !== undefined && !(intensity.aPerSec >= 0 && intensity.kappaPerFrac >= 0)) {
      throw new Error(`intensity needs aPerSec >= 0 and kappaPerFrac >= 0, got ${JSON.stringify(intensity)}`);
    }
    this.intensity = intensity;
  }

  /** Submit a post-only limit order; it goes live (or is rejected) after the order-entry latency. */
  place(req: PlaceRequest): ActionResult {
    const id = this.newId();
    const out: ExchangeEvent[] = [];
    const problem = validatePlace(req);
    if (problem !== null) {
      this.reject(out, this.clockMs, "place", id, req.clientId, problem.reason, problem.message);
      return { ok: false, orderId: id, events: out };
    }
    this.createOrder(id, req);
    this.schedule({ kind: "live", effTsMs: this.clockMs + this.entryLatency(), seq: this.seq, orderId: id });
    out.push({ type: "ack", tsMs: this.clockMs, action: "place", orderId: id, ...cid(req.clientId) });
    return { ok: true, orderId: id, events: out };
  }

  /** Request a cancel; it takes effect after the cancel latency (fills before then are honoured). */
  cancel(orderId: string): ActionResult {
    const out: ExchangeEvent[] = [];
    const o = this.orders.get(orderId);
    if (o === undefined) {
      this.reject(
        out,
        this.clockMs,
        "cancel",
        orderId,
        undefined,
        "unknownOrder",
        `no open order ${orderId}`,
      );
      return { ok: false, orderId, events: out };
    }
    if (o.cancelRequested) {
      this.reject(
        out,
        this.clockMs,
        "cancel",
        orderId,
        o.clientId,
        "duplicateCancel",
        `order ${orderId} already has a cancel or modify in flight`,
      );
      return { ok: false, orderId, events: out };
    }
    o.cancelRequested = true;
    refreshStatus(o);
    this.seq++;
    this.schedule({ kind: "cancel", effTsMs: this.clockMs + this.cancelLatency(), seq: this.seq, orderId });
    out.push({ type: "ack", tsMs: this.clockMs, action: "cancel", orderId, ...cid(o.clientId) });
    return { ok: true, orderId, events: out };
  }

  /**
   * Cancel-replace with a NEW order id (like Hyperliquid's modify). After the order-entry latency
   * the old order is cancelled and the new one goes live atomically; if the old one is no longer
   * open, or the new price would cross, the modify is rejected and the old order stays as it is.
   */
  modify(orderId: string, update: ModifyRequest): ActionResult {
    const newId = this.newId();
    const out: ExchangeEvent[] = [];
    const old = this.orders.get(orderId);
    if (old === undefined || old.liveTsMs === null || old.cancelRequested) {
      const reason: RejectReason = old === undefined ? "unknownOrder" : "orderNotOpen";
      this.reject(
        out,
        this.clockMs,
        "modify",
        newId,
        old?.clientId,
        reason,
        `order ${orderId} is not open for modify`,
      );
      return { ok: false, orderId: newId, events: out };
    }
    const req: PlaceRequest = {
      side: old.side,
      price: update.price,
      size: update.size,
      postOnly: true,
      ...cid(old.clientId),
      ...(old.cycleId !== undefined ? { cycleId: old.cycleId } : {}),
      ...(old.level !== undefined ? { level: old.level } : {}),
      ...(old.intensity !== undefined ? { intensity: old.intensity } : {}),
      ...(old.predicted !== undefined ? { predicted: old.predicted } : {}),
    };
    const problem = validatePlace(req);
    if (problem !== null) {
      this.reject(out, this.clockMs, "modify", newId, old.clientId, problem.reason, problem.message);
      return { ok: false, orderId: newId, events: out };
    }
    old.cancelRequested = true;
    refreshStatus(old);
    this.createOrder(newId, req);
    this.schedule({
      kind: "modify",
      effTsMs: this.clockMs + this.entryLatency(),
      seq: this.seq,
      orderId,
      newOrderId: newId,
    });
    out.push({
      type: "ack",
      tsMs: this.clockMs,
      action: "modify",
      orderId: newId,
      replacesOrderId: orderId,
      ...cid(old.clientId),
    });
    return { ok: true, orderId: newId, events: out };
  }

  /** Apply several actions in order, as one request (each gets its own latency draw). */
  batch(actions: readonly BatchAction[]): ActionResult[] {
    return actions.map((a) =>
      a.type === "place"
        ? this.place(a.order)
        : a.type === "cancel"
          ? this.cancel(a.orderId)
          : this.modify(a.orderId, a.update),
    );
  }

  /**
   * Feed one market event. Actions whose latency ended at or before its time happen first, then
   * the event (book update or trade → fills), then records whose horizons ended are emitted.
   * An event older than the clock is processed at the current clock.
   */
  onMarketEvent(ev: MarketEvent): readonly ExchangeEvent[] {
    let t = this.config.clock === "exchange" ? ev.exchangeTsMs : ev.localTsMs;
    if (!(t >= this.clockMs)) t = this.clockMs;
    const out: ExchangeEvent[] = [];
    if (this.pending.length > 0) this.runPending(t, out);
    this.tracker.resolve(t, false, this.book.mid(), out);
    switch (ev.type) {
      case "trade":
        this.onTrade(ev.trade, t, out);
        break;
      case "snapshot":
      case "delta":
      case "bbo":
        this.applyBook(ev);
        break;
      case "health":
        break;
    }
    this.clockMs = t;
    this.resolveRecords(t, out);
    return out.length === 0 ? EMPTY : out;
  }

  /** Advance the clock without a market event (timer tick): latencies and horizons elapse. */
  advanceTo(tsMs: number): readonly ExchangeEvent[] {
    if (!Number.isFinite(tsMs)) throw new Error(`advanceTo needs a finite tsMs, got ${tsMs}`);
    const t = Math.max(tsMs, this.clockMs);
    const out: ExchangeEvent[] = [];
    if (this.pending.length > 0) this.runPending(t, out);
    this.clockMs = t;
    this.resolveRecords(t, out);
    return out.length === 0 ? EMPTY : out;
  }

  /** Emit every open prediction/markout record now, marked incomplete (call at shutdown). */
  flushRecords(): ExchangeEvent[] {
    const out: ExchangeEvent[] = [];
    this.tracker.flush(this.clockMs, out);
    this.virtuals = [];
    return out;
  }

  /** View of one of our non-terminal orders (undefined once filled, cancelled or rejected). */
  order(orderId: string): OrderView | undefined {
    const o = this.orders.get(orderId);
    return o === undefined ? undefined : viewOf(o);
  }

  /** Our non-terminal orders (pending, live, cancel pending), in submission order. */
  openOrders(): OrderView[] {
    return [...this.orders.values()].sort((a, b) => a.seq - b.seq).map(viewOf);
  }

  /** Position, PnL and its decomposition at the current mid. */
  pnl(): PnlSnapshot {
    return this.ledger.snapshot();
  }

  /** Number of open (prediction, markout) records and virtual orders. */
  openRecordCounts(): { predictions: number; markouts: number; virtualOrders: number } {
    return { ...this.tracker.openCounts(), virtualOrders: this.virtuals.length };
  }

  /** Serializable state for checkpoints. */
  getState(): PaperExchangeState {
    const snap = this.book.snapshot();
    return structuredClone({
      version: 1 as const,
      nowMs: this.clockMs,
      seq: this.seq,
      orders: [...this.orders.values()],
      pending: this.pending,
      virtuals: this.virtuals,
      intensity: this.intensity ?? null,
      book: { bids: snap.bids, asks: snap.asks },
      ledger: this.ledger.getState(),
      records: this.tracker.getState(),
      rng: {
        latency: this.latencyRng.getState(),
        fill: this.fillRng.getState(),
        virtual: this.virtualRng.getState(),
      },
      rejectedBookEvents: this.rejectedBookEvents,
    });
  }

  /** Restore from `getState()` (the config and components must match the original run). */
  setState(state: PaperExchangeState): void {
    if (state.version !== 1)
      throw new Error(`unsupported paper exchange state version ${String(state.version)}`);
    const s = structuredClone(state);
    this.clockMs = s.nowMs;
    this.seq = s.seq;
    this.orders = new Map(s.orders.map((o) => [o.id, o]));
    this.bids = [];
    this.asks = [];
    for (const o of s.orders) {
      if (o.liveTsMs !== null && isRestingStatus(o.status))
        insertByPriority(o.side === "buy" ? this.bids : this.asks, o);
    }
    this.pending = s.pending;
    this.virtuals = s.virtuals;
    this.intensity = s.intensity ?? undefined;
    this.book.clear();
    this.book.applySnapshot(s.book.bids, s.book.asks);
    this.ledger.setState(s.ledger);
    this.tracker.setState(s.records);
    this.latencyRng.setState(s.rng.latency);
    this.fillRng.setState(s.rng.fill);
    this.virtualRng.setState(s.rng.virtual);
    this.rejectedBookEvents = s.rejectedBookEvents;
  }

  // ---- internals ----

  private newId(): string {
    this.seq++;
    return `paper-${this.seq}`;
  }

  private entryLatency(): number {
    return checkLatency(this.latencyModel.orderEntryMs(this.latencyRng), "orderEntryMs");
  }

  private cancelLatency(): number {
    return checkLatency(this.latencyModel.cancelMs(this.latencyRng), "cancelMs");
  }

  private createOrder(id: string, req: PlaceRequest): PaperOrder {
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

  private schedule(a: PendingAction): void {
    const p = this.pending;
    let i = p.length;
    while (
      i > 0 &&
      (p[i - 1]!.effTsMs > a.effTsMs || (p[i - 1]!.effTsMs === a.effTsMs && p[i - 1]!.seq > a.seq))
    )
      i--;
    p.splice(i, 0, a);
  }

  private reject(
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
  private runPending(t: number, out: ExchangeEvent[]): void {
    while (this.pending.length > 0 && this.pending[0]!.effTsMs <= t) {
      const a = this.pending.shift()!;
      this.resolveRecords(a.effTsMs, out, false);
      if (a.kind === "live") this.goLive(a.orderId, a.effTsMs, out);
      else if (a.kind === "cancel") this.cancelNow(a.orderId, a.effTsMs, out);
      else this.modifyNow(a.orderId, a.newOrderId!, a.effTsMs, out);
    }
  }

  private crossReason(side: PaperOrder["side"], price: number): string | null {
    if (side === "buy") {
      const ask = this.book.bestAsk();
      return price >= ask ? `buy at ${price} would cross best ask ${ask}` : null;
    }
    const bid = this.book.bestBid();
    return price <= bid ? `sell at ${price} would cross best bid ${bid}` : null;
  }

  private goLive(orderId: string, tsMs: number, out: ExchangeEvent[]): void {
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

  private activate(o: PaperOrder, tsMs: number, out: ExchangeEvent[]): void {
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
  private removeLive(o: PaperOrder, tsMs: number, reason: "user" | "replaced", out: ExchangeEvent[]): void {
    removeFrom(o.side === "buy" ? this.bids : this.asks, o);
    o.status = "cancelled";
    this.orders.delete(o.id);
    if (this.tracker.isObserving(o.id)) {
      this.tracker.noteCancelled(o.id, tsMs);
      this.virtuals.push({
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

  private cancelNow(orderId: string, tsMs: number, out: ExchangeEvent[]): void {
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

  private modifyNow(oldId: string, newId: string, tsMs: number, out: ExchangeEvent[]): void {
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

  private applyBook(ev: Exclude<MarketEvent, { type: "trade" | "health" }>): void {
    let trimmed = 0;
    try {
      if (ev.type === "snapshot") this.book.applySnapshot(ev.bids, ev.asks, ev.exchangeTsMs, ev.localTsMs);
      else if (ev.type === "delta") trimmed = this.book.applyDelta(ev.bids, ev.asks, ev.exchangeTsMs, ev.localTsMs);
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
    for (const o of this.bids) if (all || touchesLevel(ev, o)) this.updateLevel(o);
    for (const o of this.asks) if (all || touchesLevel(ev, o)) this.updateLevel(o);
    for (const v of this.virtuals) if (all || touchesLevel(ev, v)) this.updateLevel(v);
  }

  private updateLevel(slot: QueueSlot & { side: Side; price: number }): void {
    this.fillModel.onLevelSize(slot, this.book.sizeAt(slot.side === "buy" ? "bid" : "ask", slot.price));
  }

  /** Allocate one print across our orders (best price first, time priority), then to virtual orders. */
  private onTrade(tr: Trade, t: number, out: ExchangeEvent[]): void {
    if (!(tr.size > 0) || !Number.isFinite(tr.price)) return;
    const list = tr.aggressor === "buy" ? this.asks : this.bids;
    if (list.length > 0) {
      const fills = allocatePrint(list, tr, this.fillModel, this.fillRng);
      for (const f of fills) if (this.executeFill(f.order, f.size, t, tr.id, out)) removeFrom(list, f.order);
    }
    if (this.virtuals.length > 0) {
      const filled = observePrint(this.virtuals, tr, this.fillModel, this.virtualRng);
      for (const id of filled) this.tracker.noteFill(id, t);
      if (filled.length > 0) this.virtuals = this.virtuals.filter((v) => !filled.includes(v.orderId));
    }
  }

  /** Book a fill; returns true when the order is now completely filled. */
  private executeFill(
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

  private resolveRecords(t: number, out: ExchangeEvent[], inclusive = true): void {
    const before = out.length;
    this.tracker.resolve(t, inclusive, this.book.mid(), out);
    if (this.virtuals.length > 0 && out.length !== before) {
      this.virtuals = this.virtuals.filter((v) => this.tracker.isObserving(v.orderId));
    }
  }
}

/** Whether a (non-trimming) book update can have changed the displayed size at an order's price. */
function touchesLevel(
  ev: Exclude<MarketEvent, { type: "trade" | "health" }>,
  o: { side: Side; price: number },
): boolean {
  if (ev.type === "bbo") return o.side === "buy" ? o.price >= ev.bbo.bidPrice : o.price <= ev.bbo.askPrice;
  if (ev.type === "snapshot") return true;
  const levels = o.side === "buy" ? ev.bids : ev.asks;
  for (const l of levels) if (l.price === o.price) return true;
  return false;
}

function cid(clientId: string | undefined): { clientId?: string } {
  return clientId === undefined ? {} : { clientId };
}

function checkLatency(ms: number, name: string): number {
  if (!(ms >= 0) || !Number.isFinite(ms)) throw new Error(`latency model returned an invalid ${name}: ${ms}`);
  return ms;
}
