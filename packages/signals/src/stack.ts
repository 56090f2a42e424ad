/**
 * `SignalStack`: owns every signal, the warm-up tracker and the integrator behind one small API —
 * `onMarketEvent(ev)`, `onOwnFill(fill)`, `onMarkout(...)`, `cycle(ctx)` — plus checkpoints, and
 * (opt-in) `onReferenceEvent(ev)` for the lead–lag signal's reference venue.
 */
import {
  type Fill,
  L2Book,
  type MarketEvent,
  type Side,
  type SignalAdjustment,
  type SignalEffect,
} from "@mmkit/core";
import { inactive } from "./adjust.js";
import { ALPHA_KAPPA_SIGNAL_NAME, AlphaKappaFeedback } from "./alpha-kappa.js";
import { FALLING_KNIFE_SIGNAL_NAME, FallingKnifeGuard } from "./falling-knife.js";
import { BOOK_IMBALANCE_SIGNAL_NAME, BookImbalanceSignal } from "./imbalance.js";
import { type IntegrateContext, SignalIntegrator } from "./integrator.js";
import { LEAD_LAG_SIGNAL_NAME, LeadLagSignal } from "./lead-lag.js";
import { REGIME_SIGNAL_NAME, RegimeDetector } from "./regime-detector.js";
import { RL_SIGNAL_NAME, type RlObservation, RlSpreadPolicy } from "./rl-policy.js";
import { applyBookEvent, badTimestamp } from "./stack-book-events.js";
import { resolveSignalStackConfig, type SignalStackConfig, type SignalStackOptions } from "./stack-config.js";
import type { CycleContext, CycleResult } from "./stack-cycle.js";
import { type SignalStackState, SignalStackStateSchema } from "./stack-state.js";
import { WarmupTracker } from "./warmup.js";

export type { LeadLagStackConfig, SignalStackConfig, SignalStackOptions } from "./stack-config.js";
export type { CycleContext, CycleResult } from "./stack-cycle.js";

const MAX_PENDING_MARKOUTS = 10_000;

/** Observation for a disabled `RlSpreadPolicy.step` (which does not read it). */
const IDLE_OBSERVATION: RlObservation = {
  tsMs: 0,
  inventoryFrac: 0,
  volRatio: 1,
  regime: 1,
  markoutBps: 0,
  pnlQuote: 0,
  notionalQuote: 1,
};

/** All signals + warm-up + integration behind one API (what the paper trader calls). */
export class SignalStack {
  readonly config: SignalStackConfig;
  /** The book the signals read: the stack's own, or the caller's in shared-book mode. */
  readonly book: L2Book;
  /** Whether the stack applies market events to `book` itself (false in shared-book mode). */
  readonly ownsBook: boolean;
  readonly warmup: WarmupTracker;
  readonly regime: RegimeDetector;
  readonly knife: FallingKnifeGuard;
  readonly alphaKappa: AlphaKappaFeedback;
  readonly rl: RlSpreadPolicy;
  readonly imbalance: BookImbalanceSignal;
  readonly integrator: SignalIntegrator;
  /** The lead–lag signal (null unless `config.leadLag.enabled`). */
  readonly leadLag: LeadLagSignal | null;
  /** The reference venue's book, updated by `onReferenceEvent` (null unless lead–lag is enabled). */
  readonly referenceBook: L2Book | null;
  /** Reference book events rejected as crossed (counted and ignored). */
  rejectedReferenceEvents = 0;
  private readonly exchangeClock: boolean;
  private readonly ictx: IntegrateContext = {
    cycleId: 0,
    tsMs: 0,
    regime: undefined,
    baseHalfSpreadBps: undefined,
  };
  private cycleId = 0;
  private lastTsMs = 0;
  private pendingMarkouts: { dueMs: number; side: Side; midAtFill: number }[] = [];
  /** Mid after the last two-sided book event (NaN before any): the mid in force until the next one. */
  private lastMid = Number.NaN;
  /** Time of the latest accepted book event on the stack's clock (NaN before any): the markouts' data-gap rule. */
  private lastBookTsMs = Number.NaN;
  /** Book events rejected as crossed (by the own book, or as reported by the caller in shared-book mode). */
  rejectedBookEvents = 0;

  /**
   * Create a stack; every unspecified option takes its component default. Pass `book` to share a
   * book the caller owns and updates (see `SignalStackOptions.book`).
   */
  constructor(config: Partial<SignalStackConfig> & SignalStackOptions = {}) {
    this.config = resolveSignalStackConfig(config);
    this.ownsBook = config.book === undefined;
    this.book = config.book ?? new L2Book();
    this.exchangeClock = this.config.clock === "exchange";
    this.warmup = new WarmupTracker(this.config.warmup);
    this.regime = new RegimeDetector(this.config.regime);
    this.knife = new FallingKnifeGuard(this.config.knife);
    this.alphaKappa = new AlphaKappaFeedback(this.config.alphaKappa);
    this.rl = new RlSpreadPolicy({ numRegimes: this.regime.config.numStates, ...this.config.rl });
    this.imbalance = new BookImbalanceSignal(this.config.imbalance);
    this.integrator = new SignalIntegrator(this.config.integrator);
    const { enabled, ...leadLagConfig } = this.config.leadLag;
    this.leadLag = enabled === true ? new LeadLagSignal(leadLagConfig) : null;
    this.referenceBook = enabled === true ? new L2Book() : null;
  }

  /**
   * Feed one normalized market event. Crossed book updates are counted and ignored. An event whose
   * clock timestamp is not finite throws a RangeError before any state (book, signals, warm-up)
   * changes.
   *
   * Own book (default): the stack applies the event to its book; `bookAccepted` is ignored.
   * Shared book: the caller has already applied the event to `book`; `bookAccepted` says whether
   * that book accepted it (false = rejected as crossed: counted, and the signals skip the event,
   * exactly as with an own book). Default true.
   */
  onMarketEvent(ev: MarketEvent, bookAccepted = true): void {
    const ts = this.exchangeClock ? ev.exchangeTsMs : ev.localTsMs;
    if (!Number.isFinite(ts)) throw badTimestamp("SignalStack.onMarketEvent", this.exchangeClock, ts);
    if (ts > this.lastTsMs) this.lastTsMs = ts;
    switch (ev.type) {
      case "snapshot":
      case "delta":
      case "bbo": {
        if (this.ownsBook ? !this.applyOwn(ev) : !bookAccepted) {
          this.rejectedBookEvents++;
          return;
        }
        // Book time on the stack's clock (a late update counts at the latest time seen, as the
        // paper exchange's clock does): markouts due in a data gap before it are unknown.
        const prevBookTsMs = this.lastBookTsMs;
        this.lastBookTsMs = this.lastTsMs;
        if (this.pendingMarkouts.length > 0) this.dropMarkoutsInGap(prevBookTsMs, this.lastTsMs);
        this.warmup.onBookUpdate(ts);
        const book = this.book;
        if (!book.isTwoSided()) {
          this.imbalance.onOneSidedBook();
          return;
        }
        const bid = book.bestBid();
        const ask = book.bestAsk();
        const mid = (bid + ask) / 2;
        this.regime.onQuote(ts, bid, ask);
        this.knife.onMid(ts, mid);
        this.imbalance.onBbo(ts, bid, book.bestBidSize(), ask, book.bestAskSize());
        if (this.pendingMarkouts.length > 0) this.settleMarkouts(ts, mid);
        if (this.leadLag !== null) this.leadLag.onLocalMid(ts, mid);
        this.lastMid = mid;
        return;
      }
      case "trade":
        this.warmup.onTrade(ts);
        this.regime.onTrade(ts);
        this.knife.onTrade(ts, ev.trade.aggressor, ev.trade.size);
        return;
      case "health":
        return;
    }
  }

  /**
   * Feed one market event of the reference venue (same instrument) for the lead–lag signal, in the
   * stack's clock. Snapshot / delta / BBO events update `referenceBook` (a crossed one is counted in
   * `rejectedReferenceEvents` and ignored) and its mid feeds the signal; trade and health events
   * are ignored (freshness comes from the book's updates). No effect while lead–lag is disabled.
   */
  onReferenceEvent(ev: MarketEvent): void {
    const signal = this.leadLag;
    const book = this.referenceBook;
    if (signal === null || book === null) return;
    if (ev.type !== "snapshot" && ev.type !== "delta" && ev.type !== "bbo") return;
    const ts = this.exchangeClock ? ev.exchangeTsMs : ev.localTsMs;
    if (!Number.isFinite(ts)) throw badTimestamp("SignalStack.onReferenceEvent", this.exchangeClock, ts);
    if (!applyBookEvent(book, ev)) {
      this.rejectedReferenceEvents++;
      return;
    }
    if (book.isTwoSided()) signal.onReferenceMid(ts, (book.bestBid() + book.bestAsk()) / 2);
  }

  /** Apply a book event to the own book; false when it was rejected as crossed. */
  private applyOwn(ev: Extract<MarketEvent, { type: "snapshot" | "delta" | "bbo" }>): boolean {
    return applyBookEvent(this.book, ev);
  }

  /** Record one of our fills: counts for warm-up and schedules its automatic markout. */
  onOwnFill(fill: Fill): void {
    if (!Number.isFinite(fill.tsMs)) {
      throw new RangeError(`SignalStack.onOwnFill: fill.tsMs must be finite, got ${fill.tsMs}`);
    }
    this.warmup.onFill();
    if (this.config.markoutHorizonMs > 0 && fill.midAtFill > 0) {
      if (this.pendingMarkouts.length >= MAX_PENDING_MARKOUTS) this.pendingMarkouts.shift();
      this.pendingMarkouts.push({
        dueMs: fill.tsMs + this.config.markoutHorizonMs,
        side: fill.side,
        midAtFill: fill.midAtFill,
      });
    }
  }

  /**
   * At a stop: forget the markouts still pending. The run records them as incomplete (null in
   * edge_validation.jsonl), so AlphaKappa does not learn them either — settled after a resume they
   * would read the pre-stop mid as the mid at their horizon.
   */
  discardPendingMarkouts(): void {
    this.pendingMarkouts.length = 0;
  }

  /** Record an externally computed markout of one of our fills. */
  onMarkout(side: Side, midAtFill: number, midAtHorizon: number): void {
    this.alphaKappa.onMarkout(side, midAtFill, midAtHorizon);
  }

  /**
   * A book was accepted at `bookMs` after the previous one at `prevBookMs`: a horizon strictly
   * between `prevBookMs + maxDataGapMs` and `bookMs` fell in a data gap, where the mid is unknown —
   * those markouts are dropped, not learned (the paper exchange's records of them are null).
   */
  private dropMarkoutsInGap(prevBookMs: number, bookMs: number): void {
    const from = prevBookMs + this.config.maxDataGapMs;
    // NaN (no book before this one): nothing is known to be unobserved
    if (!(bookMs > from)) return;
    const kept = this.pendingMarkouts.filter((p) => !(p.dueMs > from && p.dueMs < bookMs));
    if (kept.length < this.pendingMarkouts.length) this.pendingMarkouts = kept;
  }

  /**
   * Settle the markouts due at or before `tsMs` (a book event whose mid is `mid`) with the mid in
   * force at their horizon: the last mid at or before it, i.e. the previous event's mid for a
   * horizon that ended before `tsMs` and this event's mid for one ending exactly at `tsMs` (the
   * convention of the paper exchange's markout records).
   */
  private settleMarkouts(tsMs: number, mid: number): void {
    if (this.pendingMarkouts.length === 0) return;
    if (!(mid > 0)) return;
    const before = this.lastMid > 0 ? this.lastMid : mid;
    let i = 0;
    while (i < this.pendingMarkouts.length && this.pendingMarkouts[i]!.dueMs <= tsMs) {
      const p = this.pendingMarkouts[i]!;
      this.alphaKappa.onMarkout(p.side, p.midAtFill, p.dueMs < tsMs ? before : mid);
      i++;
    }
    if (i > 0) this.pendingMarkouts.splice(0, i);
  }

  /** Run one quote cycle: update time-driven parts, collect adjustments, integrate. */
  cycle(ctx: CycleContext): CycleResult {
    const ts = ctx.tsMs;
    if (!Number.isFinite(ts)) throw new RangeError(`SignalStack.cycle: ctx.tsMs must be finite, got ${ts}`);
    if (ts > this.lastTsMs) this.lastTsMs = ts;
    this.warmup.onTime(ts);
    if (ctx.estimatorConfidence !== undefined) this.warmup.setEstimatorConfidence(ctx.estimatorConfidence);
    this.regime.onTime(ts);
    this.knife.advance(ts);
    if (this.leadLag !== null) this.leadLag.advance(ts);
    const warm = this.warmup.complete;
    const regimeView = warm ? this.regime.currentView() : undefined;

    const rlInputs = ctx.pnlQuote !== undefined && ctx.notionalQuote !== undefined && ctx.notionalQuote > 0;
    const rlOn = warm && this.config.rlEnabled && rlInputs;
    // While disabled (warm-up, no PnL input) the policy neither acts nor learns. Between decisions
    // a step would only return the action in force, and a disabled step does not read the
    // observation: build one only when the policy decides.
    if (rlOn && this.rl.due(ts)) {
      const vr = this.knife.volRatio();
      this.rl.step(
        {
          tsMs: ts,
          inventoryFrac: ctx.inventoryFrac ?? 0,
          volRatio: Number.isFinite(vr) ? vr : 1,
          regime: regimeView?.state ?? 1,
          markoutBps: this.alphaKappa.toxicityBps,
          pnlQuote: ctx.pnlQuote ?? 0,
          notionalQuote: ctx.notionalQuote ?? 1,
        },
        true,
      );
    } else if (!rlOn) {
      this.rl.step(IDLE_OBSERVATION, false);
    }
    let adjustments: SignalAdjustment[];
    const leadLag = this.leadLag;
    if (warm) {
      adjustments = [
        this.regime.adjustmentFor(regimeView),
        this.knife.adjustment(),
        this.alphaKappa.adjustment(),
        this.imbalance.adjustment(ts),
        this.rl.adjustment(rlOn, ctx.baseHalfSpreadBps, this.config.rlEnabled ? "no pnl input" : "disabled"),
      ];
      if (leadLag !== null) adjustments.push(leadLag.adjustment(ts));
    } else {
      const note = this.warmup.note();
      adjustments = [
        inactive(REGIME_SIGNAL_NAME, note),
        inactive(FALLING_KNIFE_SIGNAL_NAME, note),
        inactive(ALPHA_KAPPA_SIGNAL_NAME, note),
        inactive(BOOK_IMBALANCE_SIGNAL_NAME, note),
        inactive(RL_SIGNAL_NAME, note),
      ];
      if (leadLag !== null) adjustments.push(inactive(LEAD_LAG_SIGNAL_NAME, note));
    }
    this.cycleId++;
    // The integrator keeps no reference to its context: one object serves every cycle.
    const ictx = this.ictx;
    ictx.cycleId = this.cycleId;
    ictx.tsMs = ts;
    ictx.regime = regimeView;
    ictx.baseHalfSpreadBps = ctx.baseHalfSpreadBps;
    const { effect, record } = this.integrator.integrate(adjustments, ictx);
    return { effect, record, adjustments };
  }

  /** The `[WARMUP]` log line. */
  warmupLogLine(): string {
    return this.warmup.logLine();
  }

  /**
   * A `[SIGNALS]` log line in the original's shape, plus our regime (and, when lead–lag is enabled,
   * ` lead_lag_bps=<deviation d> lead_beta=<β̂>`).
   */
  signalsLogLine(effect: SignalEffect): string {
    const dir = this.knife.direction;
    const ll = this.leadLag;
    const lead =
      ll === null ? "" : ` lead_lag_bps=${ll.deviationBps.toFixed(2)} lead_beta=${ll.beta.toFixed(2)}`;
    return `[SIGNALS] alpha=${this.imbalance.edgeBps.toFixed(2)} falling_knife=${this.knife.active && dir < 0} rising_knife=${
      this.knife.active && dir > 0
    } momentum_severity=${this.knife.severity.toFixed(2)} knife_score=${this.knife.score.toFixed(2)} kappa_used=${effect.kappaMult.toFixed(3)} as_warmed_up=${
      this.alphaKappa.confidence() >= 0.5
    } regime=${effect.regime === undefined ? "n/a" : this.regime.stateLabel(effect.regime.state)} warmup=${this.warmup.progressPct()}%${lead}`;
  }

  /**
   * JSON-serializable checkpoint of every component. Books are kept whole: a depth-diff feed never
   * resends a level that has not changed, so a level cut from the checkpoint would stay missing
   * after a restore once the price reached it. A shared book is left out (empty): its owner
   * checkpoints it.
   */
  getState(): SignalStackState {
    const state: SignalStackState = {
      version: 1,
      cycleId: this.cycleId,
      lastTsMs: this.lastTsMs,
      pendingMarkouts: this.pendingMarkouts.map((p) => ({ ...p })),
      lastMid: this.lastMid > 0 ? this.lastMid : undefined,
      ...(Number.isFinite(this.lastBookTsMs) ? { lastBookTsMs: this.lastBookTsMs } : {}),
      warmup: this.warmup.getState(),
      regime: this.regime.getState(),
      knife: this.knife.getState(),
      alphaKappa: this.alphaKappa.getState(),
      rl: this.rl.getState(),
      imbalance: this.imbalance.getState(),
      book: this.ownsBook ? this.book.snapshot() : { bids: [], asks: [], exchangeTsMs: 0, localTsMs: 0 },
    };
    // Only when enabled: a disabled stack's checkpoint has no `leadLag` key at all.
    if (this.leadLag !== null && this.referenceBook !== null) {
      state.leadLag = { signal: this.leadLag.getState(), referenceBook: this.referenceBook.snapshot() };
    }
    return state;
  }

  /**
   * Restore a checkpoint (validated; throws a clear Error naming the bad field). A shared book is
   * not touched (its owner restores it); an own book is rebuilt from the checkpoint's levels.
   */
  setState(raw: unknown): void {
    const parsed = SignalStackStateSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`signal stack: invalid checkpoint: ${parsed.error.message}`);
    const s = parsed.data;
    this.cycleId = s.cycleId;
    this.lastTsMs = s.lastTsMs;
    this.pendingMarkouts = s.pendingMarkouts.map((p) => ({ ...p }));
    this.lastMid = s.lastMid ?? Number.NaN;
    this.lastBookTsMs = s.lastBookTsMs ?? Number.NaN;
    this.warmup.setState(s.warmup);
    this.regime.setState(s.regime);
    this.knife.setState(s.knife);
    this.alphaKappa.setState(s.alphaKappa);
    this.rl.setState(s.rl);
    this.imbalance.setState(s.imbalance);
    if (this.leadLag !== null && this.referenceBook !== null) {
      // A checkpoint without lead–lag state (older, or written with it disabled) starts it afresh.
      this.referenceBook.clear();
      if (s.leadLag === undefined) {
        this.leadLag.reset();
      } else {
        this.leadLag.setState(s.leadLag.signal);
        const rb = s.leadLag.referenceBook;
        if (rb.bids.length > 0 || rb.asks.length > 0) {
          this.referenceBook.applySnapshot(rb.bids, rb.asks, rb.exchangeTsMs, rb.localTsMs);
        }
      }
    }
    if (!this.ownsBook) return; // shared book: its owner restores it
    this.book.clear();
    if (s.book.bids.length > 0 || s.book.asks.length > 0) {
      this.book.applySnapshot(s.book.bids, s.book.asks, s.book.exchangeTsMs, s.book.localTsMs);
    }
  }
}
