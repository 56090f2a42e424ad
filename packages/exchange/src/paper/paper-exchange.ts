/** The paper venue's public API: order entry (order-entry.ts), market events and the clock, views and checkpoints. */
import type { MarketEvent, Side, Trade } from "@mmkit/core";
import type { ExchangeEvent, IntensityEstimate, OrderView } from "./events.js";
import type { LedgerState, PnlSnapshot } from "./ledger.js";
import * as hs from "./hot-state.js";
import { OrderEntry } from "./order-entry.js";
import type { PendingAction } from "./venue-core.js";
import type { RecordTrackerState } from "./records.js";
import type { SweepFill } from "./print-fills.js";
import { type PaperOrder, type VirtualOrder, insertByPriority, isRestingStatus, viewOf } from "./resting.js";
import { intensityProblem } from "./validate.js";
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
  /** Prints refused as implausible (absent in older checkpoints: none). */
  rejectedTradeEvents?: number;
  /** Fills reported so far (absent in older checkpoints: the trader sets it from its own count). */
  fillsReported?: number;
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

/** The shared empty answer of an event that changed nothing (callers must not mutate it). */
const EMPTY: readonly ExchangeEvent[] = Object.freeze([]);

/**
 * A simulated venue driven in event time. The quote engine talks to it as to a live venue
 * (place / cancel / modify / batch, acks and order events); market events move the clock
 * (`exchangeTsMs` by default), update its L2 book, make orders live and cancels effective once
 * their latency has elapsed, and run the fill model on trade prints.
 */
export class PaperExchange extends OrderEntry {
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

  /**
   * Feed one market event. Actions whose latency ended at or before its time happen first, then
   * the event (book update or trade → fills), then records whose horizons ended are emitted.
   * An event older than the clock is processed at the current clock. A non-finite time stamp, or a
   * trade with a non-finite price or a negative or non-finite size, is a RangeError naming the field
   * (it used to run at the current clock, or be dropped without a word).
   *
   * An action submitted at clock t takes effect no earlier than t + latency and only after every
   * event stamped t: an event at the current clock runs no pending action. Without that, a zero
   * latency would let a re-quote made after one print of a sweep fill on the next print of the
   * same sweep (same time stamp). With a latency > 0 it changes nothing (pending actions then all
   * end after the clock).
   */
  onMarketEvent(ev: MarketEvent): readonly ExchangeEvent[] {
    let t = this.exchangeClock ? ev.exchangeTsMs : ev.localTsMs;
    if (!(t >= this.clockMs)) {
      if (!Number.isFinite(t))
        throw new RangeError(
          `PaperExchange.onMarketEvent: ${this.exchangeClock ? "exchangeTsMs" : "localTsMs"} of a ${ev.type} event must be finite, got ${t}`,
        );
      t = this.clockMs;
    }
    if (ev.type === "trade") {
      checkTrade(ev.trade);
      // Refused before anything moves (clock, latencies, horizons, a sweep): as if never received.
      if (this.printOutsideBand(ev.trade)) {
        this.rejectedTradeEvents++;
        this.lastRejectedTradeReason = `a ${ev.trade.aggressor} print at ${ev.trade.price} is more than ${this.config.printBandFactor}× away from the mid ${Number(this.lastKnownMid().toPrecision(12))}`;
        return EMPTY;
      }
    }
    const out: ExchangeEvent[] = [];
    // Anything but a print ends a sweep that was going on (its fills happened before this event).
    if (ev.type !== "trade") this.endSweep(out);
    // Before the pending actions: those due inside an outage resolve records there too. Outcomes
    // need the mid, so only a book update the book accepts is fresh data (it ends an outage and
    // restarts the count, below): prints alone (trades flowing while the book feed is stuck), a
    // refused book or a health event do not — markouts on a frozen mid would read no adverse move.
    this.noteDataGap(t, false);
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
        if (this.applyBook(ev, t, out)) this.freshBook(t);
        break;
      case "health":
        break;
    }
    this.clockMs = t;
    this.resolveRecords(t, out);
    return out.length === 0 ? EMPTY : out;
  }

  /**
   * True for a print beyond `printBandFactor` from the mid — the book's, or while it has none
   * (one-sided, empty) the last one — i.e. corrupt data: `onMarketEvent` refuses it (counted in
   * `rejectedTradeEvents`) without changing anything else.
   */
  printOutsideBand(tr: Trade): boolean {
    const mid = this.lastKnownMid();
    const f = this.config.printBandFactor;
    // NaN (no two-sided book yet): nothing to judge against, both tests are false.
    return tr.price > mid * f || tr.price < mid / f;
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
      ...(this.rejectedTradeEvents > 0 ? { rejectedTradeEvents: this.rejectedTradeEvents } : {}),
      fillsReported: this.fillsReported,
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
    this.rejectedTradeEvents = s.rejectedTradeEvents ?? 0;
    this.fillsReported = s.fillsReported ?? 0;
    this.lastMarketTsMs = s.lastMarketTsMs ?? Number.NaN;
    this.sweepFills = s.sweepFills ?? [];
    // After the book and the orders: an older checkpoint's shared memory is split using them.
    this.restoreCrossShown(s.crossShown, s.crossShownVirtual);
  }
}

/** RangeError for a print no venue could send (the exchange used to drop it without a word). */
function checkTrade(tr: Trade): void {
  if (!Number.isFinite(tr.price))
    throw new RangeError(`PaperExchange.onMarketEvent: trade price must be finite, got ${tr.price}`);
  if (!(tr.size >= 0 && tr.size < Number.POSITIVE_INFINITY))
    throw new RangeError(`PaperExchange.onMarketEvent: trade size must be finite and >= 0, got ${tr.size}`);
}
