/**
 * The quote loop as one object: market event → estimators → signals → quote engine → paper
 * exchange → analytics. It is wiring only: every decision is made by the packages.
 */
import type { StreamName, StreamRecord } from "@mmkit/analytics";
import type { MarketEvent, QuoteDecision, RiskState, SignalEffect } from "@mmkit/core";
import {
  type ExchangeEvent,
  eventTimeMs,
  FeedHealthLog,
  FeedDelayTracker,
  LogThrottle,
} from "@mmkit/exchange";
import type { CycleContext } from "@mmkit/signals";
import { logAnalytics } from "./analytics-logs.js";
import { logTransitions } from "./kill-switch-log.js";
import { leadFrameAsOf } from "./lead-feed.js";
import { OffGridPrints } from "./off-grid-prints.js";
import { OrderManager } from "./order-manager.js";
import { predictionIntensity } from "./prediction-intensity.js";
import { contributionLine } from "./records.js";
import { EQUITY_SAMPLE_MS, type RunEventFields, TraderAnalytics } from "./trader-analytics.js";
import type { TraderParts } from "./trader-parts.js";
import { initialCounters, marketDataStale, type TraderCounters } from "./trader-counters.js";

export type { TraderParts };

const WARMUP_LOG_MS = 10_000;
/** Minimum market time between quote cycles (a fill triggers one immediately). */
export const QUOTE_INTERVAL_MS = 250;
/** A resting order is replaced only when its desired price moved at least this much. */
export const REQUOTE_THRESHOLD_BPS = 0.5;

/** The quote loop. Feed it events with `onEvent`; `stopReason` is set when it must stop (kill switch halted). */
export class PaperTrader {
  readonly p: TraderParts;
  readonly orders: OrderManager;
  /** Where fills, predictions, markouts and equity samples are recorded (owns the trackers below). */
  readonly analytics: TraderAnalytics;
  // The analytics' trackers, under the names the report, checkpoints and embedders use.
  readonly sharpe: TraderAnalytics["sharpe"];
  readonly perSignalSharpe: TraderAnalytics["perSignalSharpe"];
  readonly edge: TraderAnalytics["edge"];
  readonly attributor: TraderAnalytics["attributor"];
  readonly calibration: TraderAnalytics["calibration"];
  readonly drawdown: TraderAnalytics["drawdown"];
  counters: TraderCounters = initialCounters();
  /** Trade prints of this session off `p.gridCheck` (the first is warned about, the count reported). */
  readonly offGrid: OffGridPrints | null;
  /** Set when the loop must stop (kill switch halted). */
  stopReason: string | null = null;
  lastDecision: QuoteDecision | null = null;
  lastEffect: SignalEffect | null = null;
  /** Market time of the last `[ANALYTICS]` block logged (this session; NaN: none yet). */
  analyticsLoggedAtMs = Number.NaN;
  private fillSinceCycle = false;
  /** A resumed live session quotes only once its venue has sent a book (see {@link awaitFreshBook}). */
  private awaitingFreshBook = false;
  private nextPruneMs = 0;
  /** Time of the lead venue's last book update, as of its content (0: none yet; `--binance-lead` / `--lead-input`). */
  lastReferenceBookTsMs = 0;
  /** How late the lead venue's frames arrive (used on the local clock; checkpointed with a lead). */
  readonly leadDelay = new FeedDelayTracker();
  /** Book updates the paper exchange refused: the first logged, then one line a minute of market time. */
  private readonly rejectedBooks: LogThrottle;
  /** Trade prints the paper exchange refused as implausible: logged as `rejectedBooks`. */
  private readonly rejectedPrints: LogThrottle;
  /** Health lines of the traded venue and the lead: a flapping venue costs a few lines per minute. */
  private readonly feedHealthLog: FeedHealthLog;
  private readonly leadHealthLog: FeedHealthLog;

  /**
   * `feedHealthLog`: the traded venue's health-line log, when the caller already logged health
   * events into it before this trader existed (the run, while waiting for the first book).
   */
  constructor(parts: TraderParts, options: { feedHealthLog?: FeedHealthLog } = {}) {
    this.p = parts;
    this.rejectedBooks = new LogThrottle(parts.logger, 60_000, () => this.counters.lastTsMs);
    this.rejectedPrints = new LogThrottle(parts.logger, 60_000, () => this.counters.lastTsMs);
    this.orders = new OrderManager(parts.exchange, REQUOTE_THRESHOLD_BPS);
    this.offGrid = parts.gridCheck === undefined ? null : new OffGridPrints(parts.gridCheck, parts.logger);
    const a = new TraderAnalytics(parts, this.orders);
    this.analytics = a;
    this.sharpe = a.sharpe;
    this.perSignalSharpe = a.perSignalSharpe;
    this.edge = a.edge;
    this.attributor = a.attributor;
    this.calibration = a.calibration;
    this.drawdown = a.drawdown;
    this.feedHealthLog = options.feedHealthLog ?? new FeedHealthLog(parts.logger, "[FEED]");
    this.leadHealthLog = new FeedHealthLog(parts.logger, "[LEAD FEED]");
  }

  /** At shutdown: log the counts of throttled feed lines (health events, refused books) not logged one by one. */
  flushThrottledLogs(): void {
    this.feedHealthLog.flush();
    this.leadHealthLog.flush();
    this.rejectedBooks.flush("[FEED] book updates refused by the paper exchange since the last line");
    this.rejectedPrints.flush("[FEED] trade prints refused by the paper exchange since the last line");
  }

  /** Process one market event end to end (`healthLogged`: a health event the caller already logged). */
  onEvent(ev: MarketEvent, healthLogged = false): void {
    if (ev.type === "trade" && this.p.exchange.printOutsideBand(ev.trade)) {
      this.refusePrint(ev);
      return;
    }
    const ts = eventTimeMs(ev, this.p.clock);
    const c = this.counters;
    if (c.firstTsMs === null) this.start(ts);
    // A hole in the data longer than the staleness limit (recording gap, feed outage): let the
    // risk checks see the silence before the first event after it, as the live timer would, so
    // quotes resting on the old book are pulled instead of being filled by the next print.
    const staleMs = this.p.killSwitch.config.staleDataMs;
    if (c.lastBookTsMs > 0 && ts - c.lastTsMs > staleMs) this.onTimer(c.lastTsMs + staleMs + 1);
    this.analytics.observe(ts, c, this.lastReferenceBookTsMs);
    if (ts > c.lastTsMs) c.lastTsMs = ts;
    c.events++;
    const book = this.p.exchange.book;
    const priorMid = book.mid();
    const rejectedBefore = this.p.exchange.rejectedBookEvents;
    this.handle(this.p.exchange.onMarketEvent(ev));
    const accepted = this.p.exchange.rejectedBookEvents === rejectedBefore;
    if (ev.type === "trade") {
      if (priorMid > 0) this.p.intensity.onTrade(ts, ev.trade.price, ev.trade.aggressor, priorMid);
      this.offGrid?.check(ev.trade.price, priorMid);
    } else if (ev.type === "health") {
      if (!healthLogged) this.feedHealthLog.note(ev);
    } else if (accepted) {
      // A late update (stamped before the last one) is not newer data: the freshness never goes back.
      const lastBookBeforeMs = c.lastBookTsMs;
      if (ts > c.lastBookTsMs) c.lastBookTsMs = ts;
      this.awaitingFreshBook = false;
      // Fresh data after a gap: the statistics resume (data_gap record) before this event's cycle.
      if (this.analytics.resumable(ts, c)) {
        this.analytics.sampleEquity(ts, c, true, this.lastReferenceBookTsMs, lastBookBeforeMs);
        c.nextEquityMs = ts + EQUITY_SAMPLE_MS;
      }
      const mid = book.mid();
      if (mid > 0) this.p.vol.update(ts, mid);
    } else {
      // A refused update (crossed, a price ≤ 0…) is not fresh data: the book keeps its last valid
      // state, and if only refused updates come the kill switch sees the feed go stale.
      this.rejectedBooks.note(
        { reason: this.p.exchange.lastRejectedBookReason },
        `[FEED] book update refused by the paper exchange (${this.p.exchange.lastRejectedBookReason}): the book keeps its last valid state, and the feed counts as stale while only refused updates arrive`,
      );
    }
    // The signals share the exchange's book: tell them whether it accepted this event.
    this.p.signals.onMarketEvent(ev, accepted);
    // A health event before any book (live: "connected") has nothing to quote on: a cycle would only
    // log a spurious "no market data yet" kill-switch transition at every start.
    if (ev.type === "health" && c.lastBookTsMs === 0) return;
    // Between the prints of one sweep nothing can be done (the venue matched them at once), and
    // its fills are reported after its last print: quote and sample then.
    if (ev.type === "trade" && ev.trade.sweepContinues === true) return;
    if (ts >= c.nextQuoteMs || this.fillSinceCycle) this.cycle(ts);
    this.periodic(ts);
  }

  /**
   * A print far beyond the mid (corrupt data, e.g. 1e300 in a recording): the paper exchange refuses
   * and counts it, and nothing else sees it — no fill, estimator, signal, clock or quote cycle, as
   * if it had never been received (so it is not in the processed-event count either).
   */
  private refusePrint(ev: Extract<MarketEvent, { type: "trade" }>): void {
    this.p.exchange.onMarketEvent(ev);
    this.rejectedPrints.note(
      { reason: this.p.exchange.lastRejectedTradeReason },
      `[FEED] trade print refused by the paper exchange (${this.p.exchange.lastRejectedTradeReason}): taken as corrupt data, it fills nothing and feeds no estimator or signal`,
    );
  }

  /**
   * A market event of the lead venue (`--binance-lead`): it feeds the LeadLag signal only — never
   * the paper exchange's book, the estimators or the quote clock, which follow the traded venue.
   */
  onReferenceEvent(ev: MarketEvent): void {
    if (ev.type === "health") {
      this.leadHealthLog.note(ev);
      this.p.signals.onReferenceEvent(ev);
      return;
    }
    // On the local clock a frame counts as of its venue stamp: one delivered 3 s late is 3 s old.
    const e = this.p.clock === "local" ? leadFrameAsOf(ev, this.leadDelay) : ev;
    if (e.type !== "trade") this.lastReferenceBookTsMs = eventTimeMs(e, this.p.clock);
    this.p.signals.onReferenceEvent(e);
  }

  /**
   * A resumed live session: its book is the previous process's until the venue sends one, so
   * nothing is quoted before that (a restarted bot waits for fresh data too).
   */
  awaitFreshBook(): void {
    this.awaitingFreshBook = true;
  }

  /** Time passes without market data (live mode timer): runs risk checks and periodic work. */
  onTimer(tsMs: number): void {
    if (this.counters.firstTsMs === null) return;
    this.analytics.observe(tsMs, this.counters, this.lastReferenceBookTsMs);
    // Time passed even without data: the records written at shutdown must not go back behind the
    // equity lines this timer wrote during an outage.
    if (tsMs > this.counters.lastTsMs) this.counters.lastTsMs = tsMs;
    this.handle(this.p.exchange.advanceTo(Math.max(tsMs, this.p.exchange.nowMs)));
    this.cycle(tsMs);
    this.periodic(tsMs);
  }

  private start(ts: number): void {
    const c = this.counters;
    c.firstTsMs = ts;
    c.nextQuoteMs = ts;
    c.nextEquityMs = ts;
    c.nextEquityLineMs = ts;
    c.nextAnalyticsMs = ts + this.p.config.analyticsEverySec * 1000;
    c.nextWarmupLogMs = ts;
    this.writeEvent(ts, "run_start", { reason: `source ${this.p.config.source}` });
  }

  /** One quote cycle: risk → signals → engine → orders. */
  cycle(ts: number): void {
    const p = this.p;
    const c = this.counters;
    this.fillSinceCycle = false;
    c.nextQuoteMs = ts + QUOTE_INTERVAL_MS;
    c.cycles++;
    const pnl = p.exchange.pnl();
    const injected =
      p.config.crashAtSec !== undefined &&
      c.firstTsMs !== null &&
      ts - c.firstTsMs >= p.config.crashAtSec * 1000;
    const equity = injected ? Number.NaN : pnl.equityQuote;
    const mid = p.exchange.book.mid();
    const maxPosBase = p.maxPositionLots * p.orderSizeBase;
    let riskState: RiskState;
    try {
      riskState = p.killSwitch.update({
        tsMs: ts,
        equityQuote: Number.isFinite(pnl.markPrice) || injected ? equity : p.capitalQuote,
        inventoryBase: pnl.positionBase,
        lastMarketDataTsMs: c.lastBookTsMs,
      });
    } catch (err) {
      riskState = p.killSwitch.recordError(ts, err);
    }
    const fit = p.intensity.value();
    const volConfidence = p.vol.confidence();
    const cycleCtx: CycleContext = {
      tsMs: ts,
      inventoryFrac: Math.max(-1, Math.min(1, pnl.positionBase / maxPosBase)),
      pnlQuote: Number.isFinite(pnl.totalPnlQuote) ? pnl.totalPnlQuote : 0,
      notionalQuote: mid > 0 ? maxPosBase * mid : p.capitalQuote,
      estimatorConfidence: Math.min(volConfidence, p.intensity.confidence()),
    };
    if (c.lastGlftBaseBps !== null) cycleCtx.baseHalfSpreadBps = c.lastGlftBaseBps;
    const cyc = p.signals.cycle(cycleCtx);
    const decision = p.engine.decide({
      tsMs: ts,
      cycleId: cyc.record.cycleId,
      book: p.exchange.book,
      sigma: { sigmaPerSqrtSec: p.vol.value(), confidence: volConfidence },
      intensity: { fit, confidence: p.intensity.confidence() },
      signals: cyc.effect,
      inventoryBase: pnl.positionBase,
      riskState,
    });
    if (decision.fault !== null && p.exchange.book.isTwoSided())
      riskState = p.killSwitch.halt(ts, decision.fault);
    logTransitions(this);
    this.lastDecision = decision;
    this.lastEffect = cyc.effect;
    if (decision.trace !== null) c.lastGlftBaseBps = decision.trace.glftBaseBps;
    if (riskState === "halted") {
      this.handle(this.orders.cancelAll());
      this.stopReason = `kill switch HALTED: ${p.killSwitch.reason()}`;
      return;
    }
    // Blind: no accepted book for longer than the staleness limit (or none yet in a resumed live
    // session). Even reduce-only quotes would rest on prices nobody has seen for that long and
    // fill at them on the first fresh book.
    if (this.awaitingFreshBook || marketDataStale(c, ts, p.killSwitch.config.staleDataMs)) {
      this.handle(this.orders.cancelAll());
      return;
    }
    const intensity = predictionIntensity(fit, decision.effective.sigmaPerSqrtSec, p.intensity);
    if (intensity !== null) p.exchange.setIntensity(intensity);
    const events = this.orders.reconcile(decision.ladder, {
      cycleId: cyc.record.cycleId,
      mid,
      predictedAdverseBps: Math.max(0, p.signals.alphaKappa.toxicityBps),
      pAdverseGivenFill: p.signals.alphaKappa.adverseProbability(),
      feeBps: p.exchange.config.makerFeeBps,
      sigmaPerSqrtSec: decision.effective.sigmaPerSqrtSec,
      gamma: decision.effective.gamma,
      inventoryBase: pnl.positionBase,
      tsMs: ts,
      intensity,
      maxPositionBase: maxPosBase,
      reduceOnly: riskState === "reduceOnly",
    });
    if (ts >= this.nextPruneMs) {
      this.nextPruneMs = ts + 1000;
      this.orders.prune(ts);
    }
    // Only a cycle that placed or replaced an order can have fills attributed to it: record those
    // (keeps signal_contributions.jsonl proportional to order activity, not to the cycle rate).
    if (events.some((e) => e.type === "ack" && e.action !== "cancel")) {
      const line = contributionLine(cyc.record, decision.trace);
      this.write("signal_contributions", line);
      this.attributor.recordCycle(line);
    }
    this.handle(events);
    if (p.metrics !== null && decision.trace !== null)
      p.metrics.halfSpreadBps.set(decision.trace.halfSpreadBps);
  }

  /** Handle exchange events: fills, terminal orders, predictions, markouts. */
  handle(events: readonly ExchangeEvent[]): void {
    for (const e of events) {
      switch (e.type) {
        case "fill":
          this.fillSinceCycle = true;
          this.analytics.onFill(e.fill, this.counters);
          break;
        case "filled":
        case "cancelled":
          this.orders.onTerminal(e.orderId, e.tsMs);
          break;
        case "reject":
          if (e.action === "modify" && e.keptOrderId !== undefined)
            this.handle(this.orders.onModifyNotDone(e.orderId, e.keptOrderId, e.tsMs));
          else if (e.action === "place" || e.action === "modify") this.orders.onTerminal(e.orderId, e.tsMs);
          break;
        case "prediction":
          this.analytics.onPrediction(e.record, this.counters);
          break;
        case "markout":
          this.analytics.onMarkout(e.record, this.counters);
          break;
        default:
          break;
      }
    }
  }

  /** At shutdown: a last equity sample at `ts` when the latest is older (see `TraderAnalytics.sampleFinalEquity`). */
  sampleFinalEquity(ts: number): void {
    this.analytics.sampleFinalEquity(ts, this.counters, this.lastReferenceBookTsMs);
  }

  /** Set the metrics to the state as of the last event (a restored trader, before its first event). */
  publishMetrics(): void {
    this.analytics.publishMetrics(this.counters.lastTsMs, this.counters, this.lastReferenceBookTsMs);
  }

  /** Time-driven work: equity samples, equity lines, analytics, warm-up logs. */
  private periodic(ts: number): void {
    const c = this.counters;
    // Until the exchange has a mark price (its first mid) every event tries: the run's first equity
    // sample must come before its first fill, not a whole sampling interval later.
    if (
      ts >= c.nextEquityMs &&
      this.analytics.sampleEquity(ts, c, ts >= c.nextEquityLineMs, this.lastReferenceBookTsMs)
    )
      c.nextEquityMs = ts + EQUITY_SAMPLE_MS;
    if (ts >= c.nextWarmupLogMs && !c.warmupDoneLogged) {
      c.nextWarmupLogMs = ts + WARMUP_LOG_MS;
      this.p.logger.info(this.p.signals.warmupLogLine());
      if (this.p.signals.warmup.complete) c.warmupDoneLogged = true;
    }
    if (ts >= c.nextAnalyticsMs) {
      c.nextAnalyticsMs = ts + this.p.config.analyticsEverySec * 1000;
      this.writeAnalytics(ts);
      logAnalytics(this, ts);
    }
  }

  /** Write sharpe_metrics (portfolio and per signal) and signal_pnl lines (`final`: at shutdown, every markout in). */
  writeAnalytics(ts: number, final = false): void {
    this.analytics.writeAnalytics(ts, final);
  }

  /** Write a run event line (events.jsonl). */
  writeEvent(tsMs: number, kind: string, fields: RunEventFields): void {
    this.analytics.writeEvent(tsMs, kind, fields);
  }

  /** Write one record to a stream (no-op without an output logger). */
  write<S extends StreamName>(stream: S, record: StreamRecord[S]): void {
    this.analytics.write(stream, record);
  }
}
