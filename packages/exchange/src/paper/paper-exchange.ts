import type { MarketEvent, Side } from "@mmkit/core";
import type {
  ActionResult,
  BatchAction,
  ExchangeEvent,
  IntensityEstimate,
  ModifyRequest,
  OrderView,
  PlaceRequest,
  RejectReason,
} from "./events.js";
import type { LedgerState, PnlSnapshot } from "./ledger.js";
import { BookUpkeep } from "./book-upkeep.js";
import * as hs from "./hot-state.js";
import type { PendingAction } from "./venue-core.js";
import type { RecordTrackerState } from "./records.js";
import type { SweepFill } from "./print-fills.js";
import {
  type PaperOrder,
  type VirtualOrder,
  insertByPriority,
  isRestingStatus,
  refreshStatus,
  viewOf,
} from "./resting.js";
import { intensityProblem, validatePlace } from "./validate.js";
import { VirtualNode } from "./virtual-book.js";

// Module-local copies of the hot-array indices, read per event (why: see hot-state.ts).
const { H_PENDING } = hs;

export type { PaperExchangeComponents } from "./venue-core.js";

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
  /**
   * `fillCrossed`'s quantities already shown to our real orders (absent in older checkpoints:
   * none); before `crossShownVirtual` existed, one memory shared with the virtual orders.
   */
  crossShown?: [number, number];
  /** The same for the virtual orders (absent in older checkpoints: derived from `crossShown`). */
  crossShownVirtual?: [number, number];
  /** Clock time of the last market event (absent in older checkpoints, or before the first: none). */
  lastMarketTsMs?: number;
  /** Fills of a sweep still going on at the checkpoint, not reported yet (absent: none). */
  sweepFills?: SweepFill[];
}

/**
 * A simulated venue driven in event time. The quote engine talks to it as to a live venue
 * (place / cancel / modify / batch, acks and order events); market events move the clock
 * (`exchangeTsMs` by default), update its L2 book, make orders live and cancels effective once
 * their latency has elapsed, and run the fill model on trade prints.
 */
const EMPTY: readonly ExchangeEvent[] = Object.freeze([]);

/** An `ack` of a place or cancel (an absent clientId is undefined: JSON omits it). */
function ackEvent(
  tsMs: number,
  action: "place" | "cancel",
  orderId: string,
  clientId: string | undefined,
): ExchangeEvent {
  return { type: "ack", tsMs, action, orderId, clientId };
}

/**
 * A simulated venue driven in event time. The quote engine talks to it as to a live venue
 * (place / cancel / modify / batch, acks and order events); market events move the clock
 * (`exchangeTsMs` by default), update its L2 book, make orders live and cancels effective once
 * their latency has elapsed, and run the fill model on trade prints.
 */
export class PaperExchange extends BookUpkeep {
  /** Current exchange clock (ms): the latest event or `advanceTo` time seen. */
  get nowMs(): number {
    return this.clockMs;
  }

  /** Set the fitted intensity used for predictions of orders that go live from now on. */
  setIntensity(intensity: IntensityEstimate | undefined): void {
    const problem = intensity === undefined ? null : intensityProblem(intensity);
    if (problem !== null) throw new Error(problem);
    this.intensity = intensity;
  }

  /** Submit a post-only limit order; it goes live (or is rejected) after the order-entry latency. */
  place(req: PlaceRequest): ActionResult {
    const id = this.newId();
    const problem = validatePlace(req);
    if (problem !== null) {
      const out: ExchangeEvent[] = [];
      this.reject(out, this.clockMs, "place", id, req.clientId, problem.reason, problem.message);
      return { ok: false, orderId: id, events: out };
    }
    this.createOrder(id, req);
    this.schedule({ kind: "live", effTsMs: this.clockMs + this.entryLatency(), seq: this.seq, orderId: id });
    return { ok: true, orderId: id, events: [ackEvent(this.clockMs, "place", id, req.clientId)] };
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
    return { ok: true, orderId, events: [ackEvent(this.clockMs, "cancel", orderId, o.clientId)] };
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
    // Internal request (validatePlace and createOrder skip the undefined optional fields).
    const req: PlaceRequest = {
      side: old.side,
      price: update.price,
      size: update.size,
      postOnly: true,
      clientId: old.clientId,
      cycleId: update.cycleId ?? old.cycleId,
      level: old.level,
      intensity: update.intensity ?? old.intensity,
      predicted: update.predicted ?? old.predicted,
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
    const ack: ExchangeEvent = {
      type: "ack",
      tsMs: this.clockMs,
      action: "modify",
      orderId: newId,
      replacesOrderId: orderId,
      clientId: old.clientId,
    };
    return { ok: true, orderId: newId, events: [ack] };
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
   *
   * An action submitted at clock t takes effect no earlier than t + latency and only after every
   * event stamped t: an event at the current clock runs no pending action. Without that, a zero
   * latency would let a re-quote made after one print of a sweep fill on the next print of the
   * same sweep (same time stamp). With a latency > 0 it changes nothing (pending actions then all
   * end after the clock).
   */
  onMarketEvent(ev: MarketEvent): readonly ExchangeEvent[] {
    let t = this.exchangeClock ? ev.exchangeTsMs : ev.localTsMs;
    if (!(t >= this.clockMs)) t = this.clockMs;
    const out: ExchangeEvent[] = [];
    // Anything but a print ends a sweep that was going on (its fills happened before this event).
    if (ev.type !== "trade") this.endSweep(out);
    // Before the pending actions: those due inside an outage resolve records there too. A health
    // event (connected, stale…) is not market data: it neither ends an outage nor restarts the count.
    const data = ev.type !== "health";
    this.noteDataGap(t, data);
    if (data) this.lastMarketTsMs = t;
    if (t > this.clockMs && this.hot[H_PENDING]! <= t) this.runPending(t, out);
    // Through resolveRecords, so the virtual orders of the predictions emitted here are released too
    // (a direct tracker.resolve left them orphaned: observed, drawing random numbers, never freed).
    this.resolveRecords(t, out, false);
    switch (ev.type) {
      case "trade":
        this.onTrade(ev.trade, t, out);
        break;
      case "snapshot":
      case "delta":
      case "bbo":
        this.applyBook(ev, t, out);
        break;
      case "health":
        break;
    }
    this.clockMs = t;
    this.resolveRecords(t, out);
    return out.length === 0 ? EMPTY : out;
  }

  /**
   * Advance the clock without a market event (timer tick): latencies and horizons elapse. As for
   * `onMarketEvent`, pending actions run only when the clock moves forward: more events stamped
   * with the current clock may still come, and an action submitted now takes effect after them.
   */
  advanceTo(tsMs: number): readonly ExchangeEvent[] {
    if (!Number.isFinite(tsMs)) throw new Error(`advanceTo needs a finite tsMs, got ${tsMs}`);
    const t = Math.max(tsMs, this.clockMs);
    const out: ExchangeEvent[] = [];
    this.endSweep(out);
    this.noteDataGap(t, false);
    if (t > this.clockMs && this.hot[H_PENDING]! <= t) this.runPending(t, out);
    this.clockMs = t;
    this.resolveRecords(t, out);
    return out.length === 0 ? EMPTY : out;
  }

  /** Emit every open prediction/markout record now, marked incomplete (call at shutdown). */
  flushRecords(): ExchangeEvent[] {
    const out: ExchangeEvent[] = [];
    this.endSweep(out); // a sweep cut by the end of the run: its fills first (they open markouts)
    this.tracker.flush(this.clockMs, out);
    this.virtuals.clear();
    return out;
  }

  /** View of one of our non-terminal orders (undefined once filled, cancelled or rejected). */
  order(orderId: string): OrderView | undefined {
    const o = this.orders.get(orderId);
    return o === undefined ? undefined : viewOf(o);
  }

  /**
   * Unfilled size of our non-terminal orders on one side (pending, live, cancel pending: all can
   * still fill): what the position can still move by on that side, for pre-trade limit checks.
   * An order and its in-flight replacement (modify) count once, at the larger of the two: the
   * replacement goes live only if the old one has not filled completely.
   */
  openSizeOn(side: Side): number {
    let sum = 0;
    for (const o of this.orders.values()) if (o.side === side) sum += o.size - o.filledSize;
    for (const a of this.pending) {
      if (a.kind !== "modify" || a.newOrderId === undefined) continue;
      const old = this.orders.get(a.orderId);
      const neu = this.orders.get(a.newOrderId);
      if (old !== undefined && neu !== undefined && old.side === side)
        sum -= Math.min(old.size - old.filledSize, neu.size - neu.filledSize);
    }
    return sum;
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
    return { ...this.tracker.openCounts(), virtualOrders: this.virtuals.size };
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
      virtuals: this.virtuals.toState(),
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
      crossShown: this.crossShown,
      crossShownVirtual: this.crossShownVirtual,
      ...(Number.isFinite(this.lastMarketTsMs) ? { lastMarketTsMs: this.lastMarketTsMs } : {}),
      ...(this.sweepFills.length > 0 ? { sweepFills: this.sweepFills } : {}),
    });
  }

  /** Restore from `getState()` (the config and components must match the original run). */
  setState(state: PaperExchangeState): void {
    if (state.version !== 1)
      throw new Error(`unsupported paper exchange state version ${String(state.version)}`);
    const s = structuredClone(state);
    this.clockMs = s.nowMs;
    this.seq = s.seq;
    // queue fields added later start at 0 (nothing pending) in an older checkpoint's orders
    for (const o of s.orders) {
      o.lagDecrease ??= 0;
      o.lagAheadCut ??= 0;
      o.lagTsMs ??= 0;
    }
    this.orders = new Map(s.orders.map((o) => [o.id, o]));
    this.bids = [];
    this.asks = [];
    for (const o of s.orders) {
      if (o.liveTsMs !== null && isRestingStatus(o.status))
        insertByPriority(o.side === "buy" ? this.bids : this.asks, o);
    }
    this.refreshSpan();
    this.pending = s.pending;
    this.refreshPendingHead();
    this.tracker.setState(s.records);
    // Each virtual order goes back with its prediction (which releases it when emitted).
    this.virtuals.clear();
    for (const v of s.virtuals) {
      const h = this.tracker.handleOf(v.orderId);
      const node = this.virtuals.insert(new VirtualNode(v.orderId, v.side, v.price, v, h));
      if (h >= 0) this.tracker.attach(h, node);
    }
    this.intensity = s.intensity ?? undefined;
    this.book.clear();
    this.book.applySnapshot(s.book.bids, s.book.asks);
    this.ledger.setState(s.ledger);
    this.latencyRng.setState(s.rng.latency);
    this.fillRng.setState(s.rng.fill);
    this.virtualRng.setState(s.rng.virtual);
    this.rejectedBookEvents = s.rejectedBookEvents;
    this.lastMarketTsMs = s.lastMarketTsMs ?? Number.NaN;
    this.sweepFills = s.sweepFills ?? [];
    // After the book and the orders: an older checkpoint's shared memory is split using them.
    this.restoreCrossShown(s.crossShown, s.crossShownVirtual);
  }
}
