import type { Quote, QuoteLadder, Side } from "@mmkit/core";
import type {
  ExchangeEvent,
  IntensityEstimate,
  PaperExchange,
  PlaceRequest,
  PredictedEdge,
} from "@mmkit/exchange";
import { ExpiryHeap } from "./expiry-heap.js";
import { expectedSpreadAtFillBps } from "./spread-at-fill.js";

/** What the order manager needs to know to tag and predict a new order. */
export interface PlacementContext {
  cycleId: number;
  /** Mid when the quote was decided (for edge records: `mid_at_placement`). */
  mid: number;
  /** Predicted adverse selection in bps (positive = cost) for new orders. */
  predictedAdverseBps: number;
  /** Predicted probability that a fill of a new order is adversely selected. */
  pAdverseGivenFill: number;
  /** Maker fee in bps. */
  feeBps: number;
  /** Market state at the decision, kept for the order's prediction record. */
  sigmaPerSqrtSec: number;
  gamma: number;
  inventoryBase: number;
  /** Decision time (ms). */
  tsMs: number;
  /** Position limit in base units: no order is sent that could take |position| beyond it. */
  maxPositionBase: number;
  /** Reduce-only (kill switch): no order is sent that could grow |position| or flip its sign. */
  reduceOnly: boolean;
  /** The intensity the exchange predicts fills with this cycle (null: none, the placement depth is the predicted spread). */
  intensity: IntensityEstimate | null;
}

/** Per-order context kept until the order is terminal (bounded by the number of resting orders). */
export interface OrderContext {
  side: Side;
  level: number;
  cycleId: number;
  midAtPlacement: number;
  predicted: PredictedEdge;
  pAdverseGivenFill: number;
  sigmaPerSqrtSec: number;
  gamma: number;
  inventoryBase: number;
  /** When the order became terminal (its records still arrive until the longest horizon passes). */
  terminalTsMs: number | null;
}

/** How long a terminal order's context is kept for its late records: the longest horizon (30 s) after its last fill, plus margin (ms). */
export const CONTEXT_RETENTION_MS = 45_000;

/** Reconcile counters. */
export interface OrderManagerStats {
  placed: number;
  modified: number;
  cancelled: number;
  kept: number;
  rejected: number;
  /** Placements and size increases not sent (or replaced by a cancel) because the position limit left no room (0 after restoring an older checkpoint's stats). */
  limited: number;
}

/**
 * Keeps the paper exchange's resting orders in line with the desired ladder: one order per
 * (side, level); an order is replaced only when its price moved by at least the requote threshold
 * or its size changed (so queue position is not thrown away on every tick), and cancelled when its
 * level disappears (pulled side, reduce-only, halted).
 *
 * Pre-trade limit: the ladder is sized from the filled position, but orders still pending, and
 * orders whose cancel or modify is in flight, can fill too. An order is sent only if the position
 * stays within ±maxPositionBase (reduce-only: does not grow or flip) even if every open order on its
 * side filled; a replacement that would break that is sent as a cancel instead. The level is quoted
 * again once cancels take effect. What can still exceed the limit: a partial fill of an order during
 * its own modify's flight (the replacement has the full size), and fills of orders already resting
 * when the limit or the reduce-only state changed (their cancels race the market).
 */
export class OrderManager {
  private readonly byLevel = new Map<string, string>();
  private readonly contexts = new Map<string, OrderContext>();
  /** Terminal orders by terminal time, so pruning visits only the expired ones. */
  private readonly terminal = new ExpiryHeap();
  /** Size each side may still add this reconcile without risking the position limit. */
  private readonly room: Record<Side, number> = { buy: 0, sell: 0 };
  readonly stats: OrderManagerStats = {
    placed: 0,
    modified: 0,
    cancelled: 0,
    kept: 0,
    rejected: 0,
    limited: 0,
  };

  constructor(
    private readonly exchange: PaperExchange,
    private readonly requoteThresholdBps: number,
  ) {}

  /** Context of one of our orders (undefined once it is terminal and forgotten). */
  context(orderId: string): OrderContext | undefined {
    return this.contexts.get(orderId);
  }

  /** Bring resting orders in line with `ladder`; returns the exchange events of the actions. */
  reconcile(ladder: QuoteLadder, ctx: PlacementContext): ExchangeEvent[] {
    const out: ExchangeEvent[] = [];
    const pos = ctx.inventoryBase;
    const max = ctx.maxPositionBase;
    const room = this.room;
    room.buy = (ctx.reduceOnly ? Math.max(0, -pos) : max - pos) - this.exchange.openSizeOn("buy");
    room.sell = (ctx.reduceOnly ? Math.max(0, pos) : max + pos) - this.exchange.openSizeOn("sell");
    // sizes are on a lot grid: a few ulps of the limit are not a breach
    room.buy += max * 1e-9;
    room.sell += max * 1e-9;
    for (const q of ladder.bids) this.applyQuote(levelKey(q.side, q.level), q, ctx, out);
    for (const q of ladder.asks) this.applyQuote(levelKey(q.side, q.level), q, ctx, out);
    // Levels no longer wanted, in insertion order (deleting the current entry while iterating a Map is safe).
    for (const [key, orderId] of this.byLevel) {
      if (wantedIn(ladder.bids, key) || wantedIn(ladder.asks, key)) continue;
      this.cancelOrder(orderId, out);
      this.byLevel.delete(key);
    }
    return out;
  }

  /** Cancel every resting order (shutdown, halt). */
  cancelAll(): ExchangeEvent[] {
    const out: ExchangeEvent[] = [];
    for (const orderId of this.byLevel.values()) this.cancelOrder(orderId, out);
    // The original of a modify in flight goes with its replacement's cancel: the exchange cancels
    // the order, whichever version rests.
    this.byLevel.clear();
    return out;
  }

  /** An order became terminal (filled, cancelled, rejected): free its level; keep its context a while. */
  onTerminal(orderId: string, tsMs: number): void {
    const c = this.contexts.get(orderId);
    if (c === undefined) return;
    if (c.terminalTsMs === null) {
      c.terminalTsMs = tsMs;
      this.terminal.push(orderId, tsMs);
    }
    const key = levelKey(c.side, c.level);
    if (this.byLevel.get(key) === orderId) this.byLevel.delete(key);
  }

  /**
   * A modify did not take effect (rejected, or its replacement cancelled first): the replacement
   * `newId` is terminal and `keptOrderId` still rests as it was. Track the kept order on the level
   * again (the next reconcile keeps, moves or cancels it), so no order rests unmanaged.
   */
  onModifyNotDone(newId: string, keptOrderId: string, tsMs: number): ExchangeEvent[] {
    const c = this.contexts.get(newId);
    this.onTerminal(newId, tsMs);
    const kept = this.contexts.get(keptOrderId);
    const side = kept?.side ?? c?.side;
    const level = kept?.level ?? c?.level;
    if (side === undefined || level === undefined || this.exchange.order(keptOrderId) === undefined)
      return [];
    const key = levelKey(side, level);
    const current = this.byLevel.get(key);
    // Another live order took the level meanwhile: the kept one is surplus.
    if (current !== undefined && current !== keptOrderId && this.exchange.order(current) !== undefined) {
      const out: ExchangeEvent[] = [];
      this.cancelOrder(keptOrderId, out);
      return out;
    }
    this.byLevel.set(key, keptOrderId);
    return [];
  }

  /** Drop contexts of orders terminal for longer than the retention (bounded memory). */
  prune(nowMs: number): void {
    this.terminal.popWhile(
      (terminalTsMs) => nowMs - terminalTsMs > CONTEXT_RETENTION_MS,
      (id) => this.contexts.delete(id),
    );
  }

  /** Serializable state (order ids per level and their contexts). */
  getState(): { byLevel: [string, string][]; contexts: [string, OrderContext][]; stats: OrderManagerStats } {
    return { byLevel: [...this.byLevel], contexts: [...this.contexts], stats: { ...this.stats } };
  }

  /** Restore from `getState()`. */
  setState(s: {
    byLevel: [string, string][];
    contexts: [string, OrderContext][];
    stats: OrderManagerStats;
  }): void {
    this.byLevel.clear();
    this.contexts.clear();
    for (const [k, v] of s.byLevel) this.byLevel.set(k, v);
    this.terminal.clear();
    for (const [k, v] of s.contexts) {
      this.contexts.set(k, v);
      if (v.terminalTsMs !== null) this.terminal.push(k, v.terminalTsMs);
    }
    Object.assign(this.stats, s.stats);
  }

  private applyQuote(key: string, q: Quote, ctx: PlacementContext, out: ExchangeEvent[]): void {
    const existingId = this.byLevel.get(key);
    const existing = existingId === undefined ? undefined : this.exchange.order(existingId);
    if (existingId !== undefined && existing === undefined) {
      this.onTerminal(existingId, ctx.tsMs);
    }
    if (existing !== undefined) {
      const remaining = existing.size - existing.filledSize;
      const movedBps = (Math.abs(existing.price - q.price) / q.price) * 1e4;
      const sameSize = Math.abs(remaining - q.size) <= q.size * 1e-9;
      if (existing.status === "cancelPending") return;
      if (movedBps < this.requoteThresholdBps && sameSize) {
        this.stats.kept++;
        return;
      }
      if (existing.status === "open" || existing.status === "partiallyFilled") {
        // The replacement takes the old order's place when it goes live (a modify cannot add to a
        // fill the old one gets meanwhile beyond that fill itself): it adds its size difference.
        const added = q.size - remaining;
        if (added > this.room[q.side]) {
          this.stats.limited++;
          this.cancelOrder(existing.id, out);
          this.byLevel.delete(key);
          return;
        }
        this.room[q.side] -= Math.max(0, added);
        // The replacement belongs to this cycle: its fills and records are attributed to it.
        const predicted = this.predictedEdge(q, ctx);
        const res = this.exchange.modify(existing.id, {
          price: q.price,
          size: q.size,
          cycleId: ctx.cycleId,
          predicted,
        });
        pushAll(out, res.events);
        if (res.ok) {
          this.stats.modified++;
          this.track(key, res.orderId, q, ctx, predicted);
          return;
        }
        this.stats.rejected++;
        return;
      }
      // Pending (not live yet): let it arrive; the next cycle will adjust it.
      return;
    }
    if (q.size > this.room[q.side]) {
      this.stats.limited++;
      return;
    }
    this.room[q.side] -= q.size;
    const predicted = this.predictedEdge(q, ctx);
    const req: PlaceRequest = {
      side: q.side,
      price: q.price,
      size: q.size,
      postOnly: true,
      cycleId: ctx.cycleId,
      level: q.level,
      predicted,
    };
    const res = this.exchange.place(req);
    pushAll(out, res.events);
    if (res.ok) {
      this.stats.placed++;
      this.track(key, res.orderId, q, ctx, predicted);
    } else {
      this.stats.rejected++;
    }
  }

  private track(
    key: string,
    orderId: string,
    q: Quote,
    ctx: PlacementContext,
    predicted: PredictedEdge,
  ): void {
    this.byLevel.set(key, orderId);
    this.contexts.set(orderId, {
      side: q.side,
      level: q.level,
      cycleId: ctx.cycleId,
      midAtPlacement: ctx.mid,
      predicted,
      pAdverseGivenFill: ctx.pAdverseGivenFill,
      sigmaPerSqrtSec: ctx.sigmaPerSqrtSec,
      gamma: ctx.gamma,
      inventoryBase: ctx.inventoryBase,
      terminalTsMs: null,
    });
  }

  /**
   * The edge predicted for a new order: the spread a fill is expected to capture against the mid
   * at that moment (`expectedSpreadAtFillBps`; the quoted depth until there is a fill model), minus
   * the predicted adverse selection and the fee.
   */
  private predictedEdge(q: Quote, ctx: PlacementContext): PredictedEdge {
    const atFill =
      ctx.intensity === null
        ? null
        : expectedSpreadAtFillBps(
            ctx.intensity,
            this.exchange.fillModel.atPriceFillFactor,
            this.exchange.config.tickSize,
            q.side,
            q.price,
            ctx.mid,
          );
    const spreadBps = atFill ?? q.depthBps;
    return {
      spreadBps,
      adverseBps: ctx.predictedAdverseBps,
      edgeBps: spreadBps - ctx.predictedAdverseBps - ctx.feeBps,
    };
  }

  private cancelOrder(orderId: string, out: ExchangeEvent[]): void {
    const view = this.exchange.order(orderId);
    if (view === undefined || view.status === "cancelPending") return;
    const res = this.exchange.cancel(orderId);
    pushAll(out, res.events);
    if (res.ok) this.stats.cancelled++;
  }
}

/** Level keys of the first levels, built once (the key of every quote is looked up each cycle). */
const LEVEL_KEYS: Record<Side, string[]> = {
  buy: Array.from({ length: 32 }, (_, i) => `buy:${i}`),
  sell: Array.from({ length: 32 }, (_, i) => `sell:${i}`),
};

function levelKey(side: Side, level: number): string {
  return LEVEL_KEYS[side][level] ?? `${side}:${level}`;
}

function wantedIn(quotes: readonly Quote[], key: string): boolean {
  for (const q of quotes) if (levelKey(q.side, q.level) === key) return true;
  return false;
}

function pushAll<T>(out: T[], items: readonly T[]): void {
  for (const x of items) out.push(x);
}
