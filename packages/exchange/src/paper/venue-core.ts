import {
  CrossedBookError,
  InvalidLevelError,
  L2Book,
  type MarketEvent,
  Rng,
  roundToLot,
  type Side,
  type Trade,
} from "@mmkit/core";
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
import { type PriceBucket, type SidePrices, VirtualBook, VirtualNode } from "./virtual-book.js";
import {
  PREDICTION,
  type PaperOrder,
  insertByPriority,
  openSize,
  refreshStatus,
  removeFrom,
  viewOf,
} from "./resting.js";

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
  /** config.clock is "exchange". */
  protected readonly exchangeClock: boolean;
  /** Current exchange clock (ms); kept in `hot` with the other per-event numbers. */
  protected get clockMs(): number {
    return this.hot[H_CLOCK]!;
  }
  protected set clockMs(ms: number) {
    this.hot[H_CLOCK] = ms;
  }
  protected seq = 0;
  protected orders = new Map<string, PaperOrder>();
  protected bids: PaperOrder[] = [];
  protected asks: PaperOrder[] = [];
  /**
   * The numbers every market event checks, in one small array (one or two cache lines instead of
   * the objects they summarize; see the H_* indices): the next pending action time, the next
   * record deadline, the clock, and the inner price bounds (highest bid, lowest ask) of our orders
   * and of the virtual orders.
   */
  protected readonly hot = newHot();
  /** The outer price bounds (see H2_*), read by delta events only. */
  protected readonly bounds = newBounds();
  /** Cancelled orders still observed for their prediction, by side and price (see VirtualBook). */
  protected readonly virtuals = new VirtualBook(this.bounds, H2_VBID_LO, this.hot, H_VBID_HI);
  protected pending: PendingAction[] = [];
  /** Scratch: the virtual orders a resolve released. */
  private readonly released: unknown[] = [];
  protected intensity: IntensityEstimate | undefined;
  /**
   * Opposite-side quantity (asks reaching our bids, bids reaching our asks) already shown to our
   * orders by `fillCrossed` while the book stays on or through them: each quantity fills once.
   * Kept apart for our real orders (`crossShown`) and the virtual ones (`crossShownVirtual`), so
   * that each sees exactly what it would see without the other (a virtual order's deeper price
   * must not mark quantity as shown to a real order that it never reached, and vice versa).
   */
  protected crossShown: [number, number] = [0, 0];
  protected crossShownVirtual: [number, number] = [0, 0];

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
            ? { name: "queue", queueShare: c.queueShare, tradeLagMs: c.queueTradeLagMs }
            : { name: "through" },
      );
    this.latencyModel = components.latencyModel ?? latencyFromConfig(c.latency);
    this.ledger = new PositionLedger(c.startingEquityQuote, c.lotSize);
    this.tracker = new RecordTracker(c.horizonsSec);
    this.tracker.mirrorDeadline(this.hot, H_DEADLINE);
    this.exchangeClock = c.clock === "exchange";
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
    const { side, price, size, clientId, cycleId, level, intensity, predicted } = req;
    const createdTsMs = this.clockMs;
    const seq = this.seq;
    // One literal, one hidden class, no spread: absent optional fields are stored as undefined,
    // which JSON (checkpoints) omits exactly as a missing key.
    const o: PaperOrder = {
      id,
      side,
      price,
      size,
      filledSize: 0,
      status: "pending",
      createdTsMs,
      liveTsMs: null,
      seq,
      cancelRequested: false,
      queueAheadSize: 0,
      levelSize: 0,
      tradedSinceUpdate: 0,
      lagDecrease: 0,
      lagAheadCut: 0,
      lagTsMs: 0,
      clientId,
      cycleId,
      level,
      intensity,
      predicted,
      [PREDICTION]: -1,
    };
    this.orders.set(id, o);
    return o;
  }

  /** Insert into the pending queue, ordered by (effective time, seq); stable for equal keys. */
  protected schedule(a: PendingAction): void {
    const p = this.pending;
    const n = p.length;
    let i = n;
    while (
      i > 0 &&
      (p[i - 1]!.effTsMs > a.effTsMs || (p[i - 1]!.effTsMs === a.effTsMs && p[i - 1]!.seq > a.seq))
    )
      i--;
    if (i === n) p.push(a);
    else {
      p.push(p[n - 1]!);
      for (let k = n - 1; k > i; k--) p[k] = p[k - 1]!;
      p[i] = a;
    }
    if (i === 0) this.refreshPendingHead();
  }

  /** Mirror the first pending action's time into `hot` (+∞ when none). */
  protected refreshPendingHead(): void {
    this.hot[H_PENDING] = this.pending.length > 0 ? this.pending[0]!.effTsMs : Number.POSITIVE_INFINITY;
  }

  /** Whether `tracker.resolve(t, inclusive, …)` has anything to do (from the mirrored deadline). */
  protected recordsDue(t: number, inclusive: boolean): boolean {
    const d = this.hot[H_DEADLINE]!;
    return !(inclusive ? t < d : t <= d);
  }

  protected reject(
    out: ExchangeEvent[],
    tsMs: number,
    action: ActionKind,
    orderId: string,
    clientId: string | undefined,
    reason: RejectReason,
    message: string,
    keptOrderId?: string,
  ): void {
    out.push({ type: "reject", tsMs, action, orderId, clientId, reason, message, keptOrderId });
  }

  /**
   * Run every pending action effective at or before `t`, each at its own effective time. Called
   * only when the clock moves forward (`t` > clock): an action submitted at the clock with zero
   * latency takes effect after every event stamped with that time, still stamped with it. (Every
   * other pending action ends after the clock: each event or `advanceTo` runs those ending by then.)
   */
  protected runPending(t: number, out: ExchangeEvent[]): void {
    // The due actions are a prefix of the queue (nothing below schedules new ones): run them in
    // order, then drop the prefix at once instead of shifting the array once per action.
    const p = this.pending;
    let done = 0;
    try {
      while (done < p.length && p[done]!.effTsMs <= t) {
        const a = p[done++]!;
        this.resolveRecords(a.effTsMs, out, false);
        if (a.kind === "live") this.goLive(a.orderId, a.effTsMs, out);
        else if (a.kind === "cancel") this.cancelNow(a.orderId, a.effTsMs, out);
        else this.modifyNow(a.orderId, a.newOrderId!, a.effTsMs, out);
      }
    } finally {
      if (done > 0) {
        dropFront(p, done);
        this.refreshPendingHead();
      }
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
      return;
    }
    this.removeLive(o, tsMs, "user", out);
  }

  protected modifyNow(oldId: string, newId: string, tsMs: number, out: ExchangeEvent[]): void {
    const neu = this.orders.get(newId);
    const old = this.orders.get(oldId);
    if (neu === undefined) {
      // The replacement was cancelled before the modify took effect: the old order stays, and the
      // client is told so (it tracked the replacement; the old order would rest unmanaged).
      if (old !== undefined) {
        old.cancelRequested = false;
        refreshStatus(old);
        const message = `replacement ${newId} was cancelled before the modify took effect: ${oldId} stays open`;
        this.reject(out, tsMs, "modify", newId, old.clientId, "replacementCancelled", message, oldId);
      }
      return;
    }
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

  /**
   * Apply a book event, then fill the resting orders (and observe the virtual ones) that the book
   * has moved onto or through (`fillCrossed`).
   */
  protected applyBook(
    ev: Exclude<MarketEvent, { type: "trade" | "health" }>,
    t: number,
    out: ExchangeEvent[],
  ): void {
    if (this.applyBookLevels(ev, t)) this.fillCrossed(t, out);
  }

  /**
   * An opposite-side best price at or through one of our resting prices means an order arrived
   * that would have traded with ours first (the recorded book does not contain our orders, so in
   * the recording it rested or traded with others). It is shown to our orders as a print at that
   * best price, of the opposite displayed quantity at prices reaching our best order and not shown
   * before: orders strictly through it fill in every model; at its price the fill model decides
   * (touch p, queue after the queue ahead, never in `through`), exactly as for a print.
   *
   * Real and virtual orders are crossed separately, each with its own best price and its own
   * quantity already shown: real fills are exactly those without any virtual order, and virtual
   * outcomes those the virtual orders would get as the only orders.
   */
  protected fillCrossed(t: number, out: ExchangeEvent[]): void {
    const hot = this.hot;
    // Best prices (NaN when none: every comparison is false).
    const ask = this.book.bestAsk();
    const bid = this.book.bestBid();
    const real = this.crossShown;
    const r0 = this.crossedPrint(0, real, ask, hot[H_BID_HI]!, t);
    if (r0 !== null) this.fillReal(r0, t, false, out);
    const r1 = this.crossedPrint(1, real, bid, hot[H_ASK_LO]!, t);
    if (r1 !== null) this.fillReal(r1, t, false, out);
    // After the real fills (which may not touch virtual orders): the virtual bounds as they are now.
    const virt = this.crossShownVirtual;
    const v0 = this.crossedPrint(0, virt, ask, hot[H_VBID_HI]!, t);
    if (v0 !== null) this.observeVirtual(v0, t, false);
    const v1 = this.crossedPrint(1, virt, bid, hot[H_VASK_LO]!, t);
    if (v1 !== null) this.observeVirtual(v1, t, false);
  }

  /** Whether our best order at `ours` is on or through the opposite best price `touch` (false on NaN). */
  private static crosses(side: 0 | 1, touch: number, ours: number): boolean {
    return side === 0 ? ours >= touch : ours <= touch;
  }

  /**
   * One side of `fillCrossed`: the displayed opposite quantity reaching `ours` (our best bid,
   * side 0, hit by the asks; our best ask, side 1, lifted by the bids) not yet in `shown`, as a
   * print at the opposite best price `touch` (null when none; `shown` resets when not crossed).
   */
  private crossedPrint(
    side: 0 | 1,
    shown: [number, number],
    touch: number,
    ours: number,
    t: number,
  ): Trade | null {
    if (!VenueCore.crosses(side, touch, ours)) {
      shown[side] = 0;
      return null;
    }
    const before = shown[side];
    const qty = this.book.depthThrough(side === 0 ? "ask" : "bid", ours);
    shown[side] = qty;
    if (!(qty > before)) return null;
    const aggressor = side === 0 ? "sell" : "buy";
    return { price: touch, size: newQty(qty, before), aggressor, exchangeTsMs: t, localTsMs: t };
  }

  /**
   * Restore `fillCrossed`'s memories from a checkpoint. One written before real and virtual orders
   * were crossed separately has a single shared memory (`shared`, for the more aggressive of the
   * two best prices); each side's own is then what it would be after the last book event: the
   * opposite quantity reaching its best price (0 when not crossed), never more than `shared`.
   * That is exact unless our prices changed since then, and never shows a quantity twice.
   */
  protected restoreCrossShown(
    shared: [number, number] | undefined,
    virtual: [number, number] | undefined,
  ): void {
    if (shared === undefined) {
      this.crossShown = [0, 0];
      this.crossShownVirtual = virtual ?? [0, 0];
      return;
    }
    if (virtual !== undefined) {
      this.crossShown = shared;
      this.crossShownVirtual = virtual;
      return;
    }
    const hot = this.hot;
    const reach = (side: 0 | 1, ours: number): number => {
      const touch = side === 0 ? this.book.bestAsk() : this.book.bestBid();
      return VenueCore.crosses(side, touch, ours)
        ? Math.min(shared[side], this.book.depthThrough(side === 0 ? "ask" : "bid", ours))
        : 0;
    };
    this.crossShown = [reach(0, hot[H_BID_HI]!), reach(1, hot[H_ASK_LO]!)];
    this.crossShownVirtual = [reach(0, hot[H_VBID_HI]!), reach(1, hot[H_VASK_LO]!)];
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

  /** Recompute `span` from the order lists (after an insert or removal: a few orders). */
  protected refreshSpan(): void {
    const span = this.hot;
    const bids = this.bids;
    const asks = this.asks;
    let lo = Number.NaN;
    let hi = Number.NaN;
    for (let i = 0; i < bids.length; i++) {
      const p = bids[i]!.price;
      if (i === 0 || p < lo) lo = p;
      if (i === 0 || p > hi) hi = p;
    }
    this.bounds[H2_BID_LO] = lo;
    span[H_BID_HI] = hi;
    lo = Number.NaN;
    hi = Number.NaN;
    for (let i = 0; i < asks.length; i++) {
      const p = asks[i]!.price;
      if (i === 0 || p < lo) lo = p;
      if (i === 0 || p > hi) hi = p;
    }
    span[H_ASK_LO] = lo;
    this.bounds[H2_ASK_HI] = hi;
  }

  /** Handle of an order's prediction (−1: none); orders restored by setState look it up once. */
  protected predictionOf(o: PaperOrder): number {
    let h = o[PREDICTION];
    if (h === undefined) {
      h = this.tracker.handleOf(o.id);
      o[PREDICTION] = h;
    }
    return h;
  }

  protected updateLevel(slot: QueueSlot & { side: Side; price: number }, t: number): void {
    this.fillModel.onLevelSize(slot, this.book.sizeAt(slot.side === "buy" ? "bid" : "ask", slot.price), t);
  }

  /** Allocate one print across our orders (best price first, time priority), then to virtual orders. */
  protected onTrade(tr: Trade, t: number, out: ExchangeEvent[]): void {
    if (!(tr.size > 0) || !Number.isFinite(tr.price)) return;
    this.fillReal(tr, t, true, out);
    this.observeVirtual(tr, t, true);
  }

  /** A print's fills of our real orders. */
  private fillReal(tr: Trade, t: number, recorded: boolean, out: ExchangeEvent[]): void {
    // Our best order on the hit side (lowest ask / highest bid) must be reached for anything to
    // happen (NaN: no orders on that side).
    const buy = tr.aggressor === "buy";
    const hot = this.hot;
    if (buy ? hot[H_ASK_LO]! <= tr.price : hot[H_BID_HI]! >= tr.price) {
      const list = buy ? this.asks : this.bids;
      const fills = allocatePrint(list, tr, this.fillModel, this.fillRng, this.config.lotSize, recorded, t);
      if (fills.length > 0) {
        for (let i = 0; i < fills.length; i++) {
          const f = fills[i]!;
          if (this.executeFill(f.order, f.size, t, tr.id, out)) removeFrom(list, f.order);
        }
        this.refreshSpan();
      }
    }
  }

  /** A print seen by the virtual orders (they consume nothing and never fill for real). */
  private observeVirtual(tr: Trade, t: number, recorded: boolean): void {
    // Virtual orders reached: asks at or below a buy print, bids at or above a sell print.
    const hot = this.hot;
    if (tr.aggressor === "buy" ? hot[H_VASK_LO]! <= tr.price : hot[H_VBID_HI]! >= tr.price) {
      const filled = observePrint(this.virtuals, tr, this.fillModel, this.virtualRng, recorded, t);
      if (filled.length > 0) {
        for (const v of filled) this.tracker.noteFillAt(v.prediction, t);
        for (const v of filled) this.virtuals.remove(v);
      }
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
    const lot = this.config.lotSize;
    // Whole lots stay whole: 0.0071 + 0.0232 is 0.0303, not 0.030299999999999997.
    if (lot > 0) o.filledSize = roundToLot(o.filledSize, lot, "nearest");
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
    const { id: orderId, clientId, side, price, cycleId, level } = o;
    const remainingSize = lot > 0 ? roundToLot(openSize(o), lot, "nearest") : openSize(o);
    const fillModel = this.fillModel.name;
    const positionAfter = this.ledger.positionBase;
    // One literal, no spread: absent optional fields are undefined, which JSON omits like missing keys.
    const fill: PaperFill = {
      orderId,
      clientId,
      side,
      price,
      size,
      feeQuote,
      liquidity: "maker",
      tsMs: t,
      midAtFill: mid,
      cycleId,
      level,
      remainingSize,
      tradeId,
      fillModel,
      positionAfter,
      feeBps,
      realizedPnlAfter: this.ledger.realizedPnlQuote,
      totalPnlAfter: this.ledger.totalPnlQuote,
    };
    out.push({ type: "fill", tsMs: t, fill });
    this.tracker.noteFillAt(this.predictionOf(o), t);
    this.tracker.openMarkout(fill, feeBps, o.predicted);
    if (o.status !== "filled") return false;
    this.orders.delete(o.id);
    out.push({ type: "filled", tsMs: t, orderId: o.id, clientId: o.clientId });
    return true;
  }

  /**
   * The book's mid, or while one side is empty (no mid) the last mid there was: markouts resolved
   * then measure the move up to the moment the book lost its side, never NaN.
   */
  private lastKnownMid(): number {
    const mid = this.book.mid();
    return Number.isFinite(mid) ? mid : this.ledger.markPrice;
  }

  protected resolveRecords(t: number, out: ExchangeEvent[], inclusive = true): void {
    if (!this.recordsDue(t, inclusive)) return;
    // The virtual orders of the predictions emitted here are done.
    const released = this.released;
    this.tracker.resolve(t, inclusive, this.lastKnownMid(), out, released);
    if (released.length > 0) {
      for (let i = 0; i < released.length; i++) this.virtuals.remove(released[i] as VirtualNode);
      released.length = 0;
    }
  }
}

// Indices into VenueCore.hot: at most 8 doubles, so that V8 keeps the array's storage on the heap
// next to it (no separate backing store to fetch).
/** Effective time of the first pending action (+∞ when none). */
/** Quantity not shown before, without the subtraction's float noise (0.3, not 0.29999999999999993). */
function newQty(qty: number, shown: number): number {
  return shown === 0 ? qty : Number((qty - shown).toPrecision(12));
}

export const H_PENDING = 0;
/** Next record deadline (maintained by RecordTracker.mirrorDeadline). */
const H_DEADLINE = 1;
/** The exchange clock (VenueCore.clockMs). */
const H_CLOCK = 2;
/** Our highest bid and lowest ask (NaN for a side with none). */
const H_BID_HI = 3;
const H_ASK_LO = 4;
/** The highest virtual bid and lowest virtual ask (maintained by VirtualBook). */
const H_VBID_HI = 5;
const H_VASK_LO = 6;

// Indices into VenueCore.bounds: the outer bounds, only needed for deltas.
/** Our lowest bid and highest ask. */
const H2_BID_LO = 0;
const H2_ASK_HI = 1;
/** The lowest virtual bid and highest virtual ask (maintained by VirtualBook). */
const H2_VBID_LO = 2;
const H2_VASK_HI = 3;

function newHot(): Float64Array {
  const h = new Float64Array(8);
  h.fill(Number.NaN);
  h[H_PENDING] = Number.POSITIVE_INFINITY;
  h[H_DEADLINE] = Number.POSITIVE_INFINITY;
  h[H_CLOCK] = 0;
  return h;
}

function newBounds(): Float64Array {
  return new Float64Array([Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
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

/** Remove the first `n` items of an array in place. */
function dropFront<T>(a: T[], n: number): void {
  const len = a.length;
  if (n >= len) {
    a.length = 0;
    return;
  }
  for (let k = n; k < len; k++) a[k - n] = a[k]!;
  a.length = len - n;
}

function checkLatency(ms: number, name: string): number {
  if (!(ms >= 0) || !Number.isFinite(ms)) throw new Error(`latency model returned an invalid ${name}: ${ms}`);
  return ms;
}
