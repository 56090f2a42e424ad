/** The paper venue's state (orders, book copy, ledger, records, hot numbers) and the helpers every layer shares. */
import { L2Book, Rng } from "@mmkit/core";
import {
  type PaperExchangeConfig,
  type PaperExchangeConfigInput,
  parsePaperExchangeConfig,
} from "./config.js";
import type { ActionKind, ExchangeEvent, IntensityEstimate, PlaceRequest, RejectReason } from "./events.js";
import { type FillModel, fillModelFromConfig } from "./fill-models.js";
import * as hs from "./hot-state.js";
import { type LatencyModel, latencyFromConfig } from "./latency.js";
import { PositionLedger } from "./ledger.js";
import { RecordTracker } from "./records.js";
import { PREDICTION, type PaperOrder } from "./resting.js";
import { VirtualBook, type VirtualNode } from "./virtual-book.js";

// Module-local copies of the hot-array indices, read per event (why: see hot-state.ts).
const { H2_ASK_HI, H2_BID_LO, H2_VBID_LO, H_ASK_LO, H_BID_HI, H_CLOCK, H_DEADLINE, H_VBID_HI } = hs;

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

/**
 * Internal base of `PaperExchange`: its state and the helpers every layer uses. The layers on top,
 * each in its own module: `OrderLifecycle` (activation, cancel, cancel-replace), `PendingActions`
 * (the latency queue), `PrintFills` (trade prints), `CrossedFills` (a book through our prices),
 * `BookUpkeep` (book events and queue positions), `OrderEntry` (place, cancel, modify, batch), then
 * `PaperExchange` (the rest of the public API).
 */
export abstract class VenueCore {
  readonly config: PaperExchangeConfig;
  readonly fillModel: FillModel;
  readonly latencyModel: LatencyModel;
  /** The exchange's own copy of the public book (others' orders only; ours are not in it). */
  readonly book = new L2Book();
  /** Book events skipped because they would leave the book crossed or hold an invalid level. */
  rejectedBookEvents = 0;
  /** Fills reported so far (the last one's `fillSeq`). */
  fillsReported = 0;
  /** Why the last book event was rejected (null: none yet; not checkpointed). */
  lastRejectedBookReason: string | null = null;
  /** Trade prints refused as implausible (beyond `printBandFactor` from the mid): they fill nothing. */
  rejectedTradeEvents = 0;
  /** Why the last print was refused (null: none yet; not checkpointed). */
  lastRejectedTradeReason: string | null = null;
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
  protected readonly hot = hs.newHot();
  /** The outer price bounds (see H2_*), read by delta events only. */
  protected readonly bounds = hs.newBounds();
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
  /** Clock time of the last accepted book update (NaN before the first): a silence past `maxDataGapMs` is an outage. */
  protected lastMarketTsMs = Number.NaN;

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

  /**
   * The book's mid, or while one side is empty (no mid) the last mid there was: markouts resolved
   * then measure the move up to the moment the book lost its side (NaN only before the first
   * mid). The print band judges prints by it too.
   */
  protected lastKnownMid(): number {
    const mid = this.book.mid();
    return Number.isFinite(mid) ? mid : this.ledger.markPrice;
  }

  /**
   * Tell the record tracker when market data has been silent past `maxDataGapMs` before `t`: from
   * the last accepted book update + the limit, outcomes are unknown until the next one
   * (`marketEvent`: whether `t` is one, which ends the outage; see {@link freshBook}).
   */
  protected noteDataGap(t: number, marketEvent: boolean): void {
    const last = this.lastMarketTsMs;
    if (t - last > this.config.maxDataGapMs) {
      this.tracker.unobserved.begin(last + this.config.maxDataGapMs);
      if (marketEvent) this.tracker.unobserved.end(t);
    }
  }

  /** The book accepted an update at `t`: an outage (if any) ends there, and the count restarts. */
  protected freshBook(t: number): void {
    this.noteDataGap(t, true);
    this.lastMarketTsMs = t;
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

function checkLatency(ms: number, name: string): number {
  if (!(ms >= 0) || !Number.isFinite(ms)) throw new Error(`latency model returned an invalid ${name}: ${ms}`);
  return ms;
}
