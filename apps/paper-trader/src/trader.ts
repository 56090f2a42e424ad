/**
 * The quote loop as one object: market event → estimators → signals → quote engine → paper
 * exchange → analytics. It is wiring only: every decision is made by the packages.
 */
import {
  type AnalyticsLogger,
  BrierCalibration,
  DrawdownTracker,
  EdgeTracker,
  edgeSnapshotFromRecord,
  PerSignalSharpeTracker,
  SharpeTracker,
  SignalPnLAttributor,
  type StreamName,
  type StreamRecord,
} from "@mmkit/analytics";
import type {
  EwmaVolatility,
  IntensityEstimator,
  KillSwitch,
  MarketEvent,
  QuoteDecision,
  QuoteEngine,
  RiskState,
  SignalEffect,
} from "@mmkit/core";
import {
  type ExchangeEvent,
  eventTimeMs,
  type IntensityEstimate,
  type MarkoutRecord,
  type PaperExchange,
  type PaperFill,
  type PredictionRecord,
} from "@mmkit/exchange";
import type { CycleContext, SignalStack } from "@mmkit/signals";
import type { Logger } from "pino";
import type { PaperTraderConfig } from "./config.js";
import { logAnalytics } from "./analytics-logs.js";
import { fmt, priceText, signed } from "./logging.js";
import type { RunMetrics } from "./metrics.js";
import { newTransitions, type RiskTransitionKey } from "./kill-switch-log.js";
import { OrderManager } from "./order-manager.js";
import { contributionLine, edgeLine, equityLine, fillLine, header, predictionLine } from "./records.js";

/** Markout horizon (ms) whose realized edge is the per-fill PnL for attribution and the headline edge. */
export const PRIMARY_HORIZON_MS = 5000;

/** Everything the trader is built from (constructed by `buildTrader`). */
export interface TraderParts {
  config: PaperTraderConfig;
  logger: Logger;
  out: AnalyticsLogger | null;
  metrics: RunMetrics | null;
  exchange: PaperExchange;
  engine: QuoteEngine;
  signals: SignalStack;
  vol: EwmaVolatility;
  intensity: IntensityEstimator;
  killSwitch: KillSwitch;
  orderSizeBase: number;
  maxPositionLots: number;
  capitalQuote: number;
  clock: "exchange" | "local";
  /** Whether a lead venue feeds the LeadLag signal (`--binance-lead`). */
  leadEnabled: boolean;
  /** Currency of PnL, fees and capital, as the `[FILL PNL]` line labels them. */
  quoteCurrency: string;
}

/** Run counters that a checkpoint carries. */
export interface TraderCounters {
  events: number;
  cycles: number;
  fills: number;
  wins: number;
  markedFills: number;
  firstTsMs: number | null;
  lastTsMs: number;
  lastBookTsMs: number;
  nextQuoteMs: number;
  nextEquityMs: number;
  nextEquityLineMs: number;
  nextAnalyticsMs: number;
  nextWarmupLogMs: number;
  lastTransition: RiskTransitionKey | null;
  lastGlftBaseBps: number | null;
  /** Total PnL at the previous `[PNL SUMMARY]` (its `net` is the change since then). */
  pnlAtLastSummary: number;
  warmupDoneLogged: boolean;
  /** Fill predictions made from the tape's measured arrival curve (the exponential fit not usable). */
  empiricalPredictions: number;
}

/** How often (market ms) the loop samples equity, writes equity lines and logs warm-up. */
const EQUITY_SAMPLE_MS = 1000;
/**
 * One equity.jsonl line per equity sample (1 s): the report recomputes drawdown, underwater time
 * and Sharpe from these lines, so with every sample written its figures equal the trader's (at
 * 10 s lines its max drawdown missed dips between lines: 0.041 % vs the trader's 0.053 %).
 */
const EQUITY_LINE_MS = EQUITY_SAMPLE_MS;
const WARMUP_LOG_MS = 10_000;
/** Minimum market time between quote cycles (a fill triggers one immediately). */
export const QUOTE_INTERVAL_MS = 250;
/** A resting order is replaced only when its desired price moved at least this much. */
export const REQUOTE_THRESHOLD_BPS = 0.5;

/** The quote loop. Feed it events with `onEvent`; `stopReason` is set when it must stop (kill switch halted). */
export class PaperTrader {
  readonly p: TraderParts;
  readonly orders: OrderManager;
  readonly sharpe: SharpeTracker;
  readonly perSignalSharpe: PerSignalSharpeTracker;
  readonly edge: EdgeTracker;
  readonly attributor: SignalPnLAttributor;
  readonly calibration = new Map<number, BrierCalibration>();
  readonly drawdown = new DrawdownTracker();
  counters: TraderCounters = {
    events: 0,
    cycles: 0,
    fills: 0,
    wins: 0,
    markedFills: 0,
    firstTsMs: null,
    lastTsMs: 0,
    lastBookTsMs: 0,
    nextQuoteMs: 0,
    nextEquityMs: 0,
    nextEquityLineMs: 0,
    nextAnalyticsMs: 0,
    nextWarmupLogMs: 0,
    lastTransition: null,
    lastGlftBaseBps: null,
    pnlAtLastSummary: 0,
    warmupDoneLogged: false,
    empiricalPredictions: 0,
  };
  /** Set when the loop must stop (kill switch halted). */
  stopReason: string | null = null;
  lastDecision: QuoteDecision | null = null;
  lastEffect: SignalEffect | null = null;
  private fillSinceCycle = false;
  private nextPruneMs = 0;
  /** Time of the lead venue's last book update (0: none yet; `--binance-lead` / `--lead-input`). */
  lastReferenceBookTsMs = 0;

  constructor(parts: TraderParts) {
    this.p = parts;
    this.orders = new OrderManager(parts.exchange, REQUOTE_THRESHOLD_BPS);
    this.sharpe = new SharpeTracker({ capitalBase: parts.capitalQuote });
    this.perSignalSharpe = new PerSignalSharpeTracker({ capitalBase: parts.capitalQuote });
    this.edge = new EdgeTracker({ primaryHorizonMs: PRIMARY_HORIZON_MS });
    // PnL = the primary-horizon markout edge: fills closer than twice that horizon share moves
    this.attributor = new SignalPnLAttributor({ overlapBandwidthMs: 2 * PRIMARY_HORIZON_MS });
    // No bootstrap sample: the run report needs only the bin sums (the calibration report recomputes from files).
    for (const h of parts.exchange.config.horizonsSec)
      this.calibration.set(h * 1000, new BrierCalibration({ reservoirSize: 0 }));
  }

  /** Process one market event end to end. */
  onEvent(ev: MarketEvent): void {
    const ts = eventTimeMs(ev, this.p.clock);
    const c = this.counters;
    if (c.firstTsMs === null) this.start(ts);
    // A hole in the data longer than the staleness limit (recording gap, feed outage): let the
    // risk checks see the silence before the first event after it, as the live timer would, so
    // quotes resting on the old book are pulled instead of being filled by the next print.
    const staleMs = this.p.killSwitch.config.staleDataMs;
    if (c.lastBookTsMs > 0 && ts - c.lastTsMs > staleMs) this.onTimer(c.lastTsMs + staleMs + 1);
    if (ts > c.lastTsMs) c.lastTsMs = ts;
    c.events++;
    const book = this.p.exchange.book;
    const priorMid = book.mid();
    const rejectedBefore = this.p.exchange.rejectedBookEvents;
    this.handle(this.p.exchange.onMarketEvent(ev));
    if (ev.type === "trade") {
      if (priorMid > 0) this.p.intensity.onTrade(ts, ev.trade.price, ev.trade.aggressor, priorMid);
    } else if (ev.type === "health") {
      this.p.logger.warn({ status: ev.status, reason: ev.reason }, `[FEED] ${ev.status}: ${ev.reason}`);
    } else {
      c.lastBookTsMs = ts;
      const mid = book.mid();
      if (mid > 0) this.p.vol.update(ts, mid);
    }
    // The signals share the exchange's book: tell them whether it accepted this event.
    this.p.signals.onMarketEvent(ev, this.p.exchange.rejectedBookEvents === rejectedBefore);
    // A health event before any book (live: "connected") has nothing to quote on: a cycle would only
    // log a spurious "no market data yet" kill-switch transition at every start.
    if (ev.type === "health" && c.lastBookTsMs === 0) return;
    if (ts >= c.nextQuoteMs || this.fillSinceCycle) this.cycle(ts);
    this.periodic(ts);
  }

  /**
   * A market event of the lead venue (`--binance-lead`): it feeds the LeadLag signal only — never
   * the paper exchange's book, the estimators or the quote clock, which follow the traded venue.
   */
  onReferenceEvent(ev: MarketEvent): void {
    if (ev.type === "health") {
      this.p.logger.warn({ status: ev.status, reason: ev.reason }, `[LEAD FEED] ${ev.status}: ${ev.reason}`);
    } else if (ev.type !== "trade") {
      this.lastReferenceBookTsMs = eventTimeMs(ev, this.p.clock);
    }
    this.p.signals.onReferenceEvent(ev);
  }

  /** Time passes without market data (live mode timer): runs risk checks and periodic work. */
  onTimer(tsMs: number): void {
    if (this.counters.firstTsMs === null) return;
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
    this.logTransitions();
    this.lastDecision = decision;
    this.lastEffect = cyc.effect;
    if (decision.trace !== null) c.lastGlftBaseBps = decision.trace.glftBaseBps;
    if (riskState === "halted") {
      this.handle(this.orders.cancelAll());
      this.stopReason = `kill switch HALTED: ${p.killSwitch.reason()}`;
      return;
    }
    let intensity: IntensityEstimate | null = null;
    if (fit.aPerSec > 0 && fit.kappaPerFrac > 0) {
      // Predictions use the quoting model: arrivals A·e^{−κδ} while the mid diffuses with the σ
      // the quotes were priced with (their depth changes over the 1–30 s horizons). When the
      // exponential does not fit the tape (A, κ are the fallback prior, e.g. a deep BTC book where
      // nearly every print is at the touch), the arrival rates come from the tape itself instead:
      // the estimator's empirical curve, once it has its minimum sample.
      const sigma = decision.effective.sigmaPerSqrtSec;
      const curve = fit.usedFallback ? p.intensity.arrivalCurve() : null;
      const sigmaPerSqrtSec = Number.isFinite(sigma) && sigma > 0 ? sigma : 0;
      intensity =
        curve === null
          ? { aPerSec: fit.aPerSec, kappaPerFrac: fit.kappaPerFrac, sigmaPerSqrtSec }
          : { aPerSec: fit.aPerSec, kappaPerFrac: fit.kappaPerFrac, sigmaPerSqrtSec, curve };
      p.exchange.setIntensity(intensity);
    }
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
          this.onFill(e.fill);
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
          this.onPrediction(e.record);
          break;
        case "markout":
          this.onMarkout(e.record);
          break;
        default:
          break;
      }
    }
  }

  private onFill(fill: PaperFill): void {
    const p = this.p;
    const c = this.counters;
    c.fills++;
    this.fillSinceCycle = true;
    const line = fillLine(fill, `F${c.fills}`);
    this.write("fills", line);
    this.sharpe.recordFill(line.spread_capture - line.fee);
    p.signals.onOwnFill(fill);
    const depthBps =
      ((fill.side === "buy" ? fill.midAtFill - fill.price : fill.price - fill.midAtFill) / fill.midAtFill) *
      1e4;
    if (p.logger.isLevelEnabled("info"))
      p.logger.info(
        `[FILL PNL] side=${fill.side === "buy" ? "Buy" : "Sell"} price=${fill.price} size=${fill.size} spread_capture=${signed(line.spread_capture, 4)} fee=${fmt(line.fee, 4)} (${p.quoteCurrency}) mid_at_fill=${priceText(fill.midAtFill)} depth_bps=${fmt(depthBps, 3)} inventory_after=${fmt(fill.positionAfter, 6)} level=${fill.level ?? "?"} model=${fill.fillModel}`,
      );
    if (p.metrics !== null) p.metrics.fills.inc({ side: fill.side });
  }

  private onPrediction(rec: PredictionRecord): void {
    const ctx = this.orders.context(rec.orderId);
    const line = predictionLine(rec, ctx ?? null);
    this.write("predictions", line);
    if (rec.arrivalModel === "empirical") this.counters.empiricalPredictions++;
    for (const h of line.horizons) {
      if (h.filled === null) continue;
      this.calibration.get(h.horizon_ms)?.update(h.p_fill, h.filled);
    }
  }

  private onMarkout(rec: MarkoutRecord): void {
    const line = edgeLine(rec, this.orders.context(rec.orderId), PRIMARY_HORIZON_MS);
    this.write("edge_validation", line);
    this.edge.update(edgeSnapshotFromRecord(line));
    const edgeBps = line.realized_edge_bps;
    if (edgeBps === null) return;
    const c = this.counters;
    c.markedFills++;
    if (edgeBps > 0) c.wins++;
    this.attributor.recordFill(rec.cycleId ?? null, edgeBps, rec.fillTsMs);
    const pnlQuote = (edgeBps * rec.fillPrice * rec.size) / 1e4;
    const active = rec.cycleId === undefined ? null : this.attributor.activeSignals(rec.cycleId);
    this.perSignalSharpe.recordFill(rec.fillTsMs, pnlQuote, active ?? []);
  }

  /**
   * At shutdown: a last equity sample and line at `ts` (the last event's time) when the latest
   * sample is older, so equity.jsonl reaches the end of the run and the report closes the same
   * Sharpe buckets the trader closed (else the last minute counted in one and not the other).
   */
  sampleFinalEquity(ts: number): void {
    // The latest periodic sample was at nextEquityMs − EQUITY_SAMPLE_MS (a checkpointed counter).
    if (ts > this.counters.nextEquityMs - EQUITY_SAMPLE_MS) this.sampleEquity(ts, true);
  }

  /** Age (s) of the lead venue's last book update at `ts`: +∞ before the first, null without a lead. */
  private leadAgeSec(ts: number): number | null {
    if (!this.p.leadEnabled) return null;
    const last = this.lastReferenceBookTsMs;
    return last > 0 ? Math.max(0, (ts - last) / 1000) : Number.POSITIVE_INFINITY;
  }

  /** One equity sample: Sharpe, drawdown and per-signal trackers, the equity line, the metrics. */
  private sampleEquity(ts: number, writeLine: boolean): void {
    const c = this.counters;
    const pnl = this.p.exchange.pnl();
    if (!(Number.isFinite(pnl.equityQuote) && Number.isFinite(pnl.markPrice))) return;
    this.sharpe.update(ts, pnl.equityQuote);
    this.drawdown.update(ts, pnl.equityQuote);
    this.perSignalSharpe.advanceTo(ts);
    if (writeLine) {
      c.nextEquityLineMs = ts + EQUITY_LINE_MS;
      const dd = this.drawdown.state();
      this.write("equity", equityLine(ts, pnl, dd?.drawdownFrac ?? 0, c.fills));
    }
    this.p.metrics?.sample({
      pnlQuote: pnl.totalPnlQuote,
      equityQuote: pnl.equityQuote,
      positionBase: pnl.positionBase,
      riskState: this.p.killSwitch.state(),
      feedAgeSec: Math.max(0, (ts - c.lastBookTsMs) / 1000),
      leadAgeSec: this.leadAgeSec(ts),
      eventsTotal: c.events,
    });
  }

  /** Time-driven work: equity samples, equity lines, analytics, warm-up logs. */
  private periodic(ts: number): void {
    const c = this.counters;
    if (ts >= c.nextEquityMs) {
      c.nextEquityMs = ts + EQUITY_SAMPLE_MS;
      this.sampleEquity(ts, ts >= c.nextEquityLineMs);
    }
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

  /** Write sharpe_metrics (portfolio and per signal) and signal_pnl lines. */
  writeAnalytics(ts: number): void {
    this.write("sharpe_metrics", this.sharpe.summary(ts));
    for (const s of Object.values(this.perSignalSharpe.summaries(ts))) this.write("sharpe_metrics", s);
    this.write("signal_pnl", this.attributor.summary(ts));
  }

  private logTransitions(): void {
    const all = this.p.killSwitch.transitions();
    const c = this.counters;
    // The transition log is bounded: log only the ones after the last logged one.
    for (const t of newTransitions(all, c.lastTransition)) {
      this.p.logger.warn(`[KILL SWITCH] ${t.from} -> ${t.to}: ${t.reason}`);
      this.writeEvent(t.tsMs, "kill_switch", { from: t.from, to: t.to, reason: t.reason });
      this.p.metrics?.setRiskState(t.to);
      c.lastTransition = { tsMs: t.tsMs, to: t.to, reason: t.reason };
    }
  }

  /** Write a run event line (events.jsonl). */
  writeEvent(
    tsMs: number,
    kind: string,
    fields: { from?: string; to?: string; reason?: string; details?: Record<string, unknown> },
  ): void {
    this.write("events", { ...header(tsMs), kind, ...fields });
  }

  /** Write one record to a stream (no-op without an output logger). */
  write<S extends StreamName>(stream: S, record: StreamRecord[S]): void {
    if (this.p.out !== null) this.p.out.write(stream, record);
  }
}
