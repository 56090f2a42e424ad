/**
 * The trader's analytics: the paper exchange's fill, prediction and markout records and the
 * periodic equity samples, into the trackers (Sharpe, drawdown, edge, attribution, calibration)
 * and the JSONL streams. The trader dispatches and schedules; this records.
 */
import {
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
import type { MarkoutRecord, PaperFill, PnlSnapshot, PredictionRecord } from "@mmkit/exchange";
import { fmt, moneyExtraDecimals, priceText, signed } from "./logging.js";
import { decimalText } from "./instrument.js";
import type { OrderManager } from "./order-manager.js";
import { edgeLine, equityLine, fillLine, header, predictionLine } from "./records.js";
import type { TraderParts } from "./trader.js";
import { marketDataStale, type TraderCounters } from "./trader-counters.js";

/** Markout horizon (ms) whose realized edge is the per-fill PnL for attribution and the headline edge. */
export const PRIMARY_HORIZON_MS = 5000;

/** How often (market ms) the loop samples equity, writes equity lines and logs warm-up. */
export const EQUITY_SAMPLE_MS = 1000;
/**
 * One equity.jsonl line per equity sample (1 s): the report recomputes drawdown, underwater time
 * and Sharpe from these lines, so with every sample written its figures equal the trader's (at
 * 10 s lines its max drawdown missed dips between lines: 0.041 % vs the trader's 0.053 %).
 */
const EQUITY_LINE_MS = EQUITY_SAMPLE_MS;

/** The fields of a run event line besides its header and kind. */
export type RunEventFields = {
  from?: string;
  to?: string;
  reason?: string;
  details?: Record<string, unknown>;
};

/** The trackers and streams the trader's records go to (its counters are passed in: a checkpoint replaces them). */
export class TraderAnalytics {
  readonly sharpe: SharpeTracker;
  readonly perSignalSharpe: PerSignalSharpeTracker;
  readonly edge: EdgeTracker;
  readonly attributor: SignalPnLAttributor;
  readonly calibration = new Map<number, BrierCalibration>();
  readonly drawdown = new DrawdownTracker();
  private readonly p: TraderParts;
  private readonly orders: OrderManager;
  /**
   * How far behind the clock the per-signal Sharpe closes its buckets: a fill's PnL is its markout
   * edge, known once the longest markout horizon has passed (the record comes then, later still
   * after a silence up to the staleness limit), and it must land in the fill's own bucket. Booked at
   * the markout's arrival instead, every fill fell ~30 s late: 2–20 % off per signal (review).
   */
  private readonly signalPnlLagMs: number;

  constructor(parts: TraderParts, orders: OrderManager) {
    this.p = parts;
    this.orders = orders;
    this.sharpe = new SharpeTracker({ capitalBase: parts.capitalQuote });
    this.perSignalSharpe = new PerSignalSharpeTracker({ capitalBase: parts.capitalQuote });
    this.signalPnlLagMs =
      Math.max(...parts.exchange.config.horizonsSec) * 1000 + parts.killSwitch.config.staleDataMs;
    this.edge = new EdgeTracker({ primaryHorizonMs: PRIMARY_HORIZON_MS });
    // PnL = the primary-horizon markout edge: fills closer than twice that horizon share moves
    this.attributor = new SignalPnLAttributor({ overlapBandwidthMs: 2 * PRIMARY_HORIZON_MS });
    // No bootstrap sample: the run report needs only the bin sums (the calibration report recomputes from files).
    for (const h of parts.exchange.config.horizonsSec)
      this.calibration.set(h * 1000, new BrierCalibration({ reservoirSize: 0 }));
  }

  onFill(fill: PaperFill, c: TraderCounters): void {
    const p = this.p;
    c.fills++;
    const line = fillLine(fill, `F${c.fills}`);
    this.write("fills", line);
    this.sharpe.recordFill(line.spread_capture - line.fee);
    p.signals.onOwnFill(fill);
    const depthBps =
      ((fill.side === "buy" ? fill.midAtFill - fill.price : fill.price - fill.midAtFill) / fill.midAtFill) *
      1e4;
    if (p.logger.isLevelEnabled("info")) {
      const d4 = 4 + moneyExtraDecimals(p.capitalQuote);
      p.logger.info(
        `[FILL PNL] side=${fill.side === "buy" ? "Buy" : "Sell"} price=${decimalText(fill.price)} size=${decimalText(fill.size)} spread_capture=${signed(line.spread_capture, d4)} fee=${fmt(line.fee, d4)} (${p.quoteCurrency}) mid_at_fill=${priceText(fill.midAtFill)} depth_bps=${fmt(depthBps, 3)} inventory_after=${fmt(fill.positionAfter, 6)} level=${fill.level ?? "?"} model=${fill.fillModel}`,
      );
    }
    if (p.metrics !== null) p.metrics.fills.inc({ side: fill.side });
  }

  onPrediction(rec: PredictionRecord, c: TraderCounters): void {
    const ctx = this.orders.context(rec.orderId);
    const line = predictionLine(rec, ctx ?? null);
    this.write("predictions", line);
    if (rec.arrivalModel === "empirical") c.empiricalPredictions++;
    for (const h of line.horizons) {
      if (h.filled === null) continue;
      this.calibration.get(h.horizon_ms)?.update(h.p_fill, h.filled);
    }
  }

  onMarkout(rec: MarkoutRecord, c: TraderCounters): void {
    const line = edgeLine(rec, this.orders.context(rec.orderId), PRIMARY_HORIZON_MS);
    this.write("edge_validation", line);
    this.edge.update(edgeSnapshotFromRecord(line));
    const edgeBps = line.realized_edge_bps;
    if (edgeBps === null) return;
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
  sampleFinalEquity(ts: number, c: TraderCounters, lastReferenceBookTsMs: number): void {
    // The latest periodic sample was at nextEquityMs − EQUITY_SAMPLE_MS (a checkpointed counter).
    if (ts > c.nextEquityMs - EQUITY_SAMPLE_MS) this.sampleEquity(ts, c, true, lastReferenceBookTsMs);
  }

  /** Age (s) of the lead venue's last book update at `ts`: +∞ before the first, null without a lead. */
  private leadAgeSec(ts: number, last: number): number | null {
    if (!this.p.leadEnabled) return null;
    return last > 0 ? Math.max(0, (ts - last) / 1000) : Number.POSITIVE_INFINITY;
  }

  /**
   * Time nobody observed: once the last accepted book is older than the kill switch's staleness
   * limit, the Sharpe trackers pause from the instant it went stale (`SharpeTracker.pause`), after
   * an equity line there (the last observed instant: the report pauses where the trader did). The
   * first fresh sample resumes them ({@link sampleEquity}). Called before anything at `ts` is
   * processed, so the line holds the equity as it was when the data went stale.
   */
  observe(ts: number, c: TraderCounters, lastReferenceBookTsMs: number): void {
    if (c.lastBookTsMs <= 0 || this.sharpe.pausedAtMs() !== null) return;
    const staleFromMs = c.lastBookTsMs + this.p.killSwitch.config.staleDataMs;
    if (!(ts > staleFromMs)) return;
    if (staleFromMs > c.nextEquityLineMs - EQUITY_LINE_MS)
      this.sampleEquity(staleFromMs, c, true, lastReferenceBookTsMs);
    this.pauseStatistics(staleFromMs);
  }

  /**
   * Nothing is observed from `ts` until fresh data comes: the Sharpe trackers pause there (the data
   * went stale; a live run stopped, whose `--resume` continues it later) instead of counting the time.
   */
  pauseStatistics(ts: number): void {
    this.sharpe.pause(ts);
    this.perSignalSharpe.pause(ts);
  }

  /** Whether a sample at `ts` would end a pause of the statistics (fresh data again). */
  resumable(ts: number, c: TraderCounters): boolean {
    return this.sharpe.pausedAtMs() !== null && !this.stale(ts, c);
  }

  private stale(ts: number, c: TraderCounters): boolean {
    return marketDataStale(c, ts, this.p.killSwitch.config.staleDataMs);
  }

  /**
   * One equity sample: Sharpe, drawdown and per-signal trackers, the equity line, the metrics.
   * False (nothing sampled) while the exchange has no mark price yet. While market data is stale
   * only the metrics are sampled (the marks are old: nothing new to record); the first sample
   * with fresh data after a pause writes a `data_gap` event and an equity line carrying
   * `unobserved_since_ms`, and resumes the trackers.
   */
  sampleEquity(
    ts: number,
    c: TraderCounters,
    writeLine: boolean,
    lastReferenceBookTsMs: number,
    lastBookBeforeMs?: number,
  ): boolean {
    const pnl = this.p.exchange.pnl();
    if (!(Number.isFinite(pnl.equityQuote) && Number.isFinite(pnl.markPrice))) return false;
    // A pause ends only with fresh data (the caller passes the last book before it): a timer sample
    // right after a resume sees the checkpoint's book, which is not data of this session.
    const pausedAt = this.sharpe.pausedAtMs();
    if (!this.stale(ts, c) && (pausedAt === null || lastBookBeforeMs !== undefined)) {
      const skippedBefore = this.sharpe.unobservedBuckets;
      this.sharpe.update(ts, pnl.equityQuote);
      this.drawdown.update(ts, pnl.equityQuote);
      // Per-signal buckets close one markout lag behind, but never before the run's first sample:
      // the per-signal windows cover the same buckets as the portfolio's.
      const firstMs = this.sharpe.firstSampleTsMs() ?? ts;
      this.perSignalSharpe.advanceTo(Math.max(ts - this.signalPnlLagMs, firstMs));
      if (writeLine || pausedAt !== null) {
        c.nextEquityLineMs = ts + EQUITY_LINE_MS;
        const dd = this.drawdown.state();
        const line = equityLine(ts, pnl, dd?.drawdownFrac ?? 0, c.fills);
        if (pausedAt !== null) line.unobserved_since_ms = pausedAt;
        this.write("equity", line);
      }
      // (a pause ends only here, where the caller gave the last book before the fresh one)
      if (pausedAt !== null && lastBookBeforeMs !== undefined)
        this.noteDataGap(pausedAt, ts, this.sharpe.unobservedBuckets - skippedBefore, lastBookBeforeMs);
    }
    this.publishMetrics(ts, c, lastReferenceBookTsMs, pnl);
    return true;
  }

  /** Set the Prometheus gauges to the state at `ts` (nothing is written or sampled for statistics). */
  publishMetrics(
    ts: number,
    c: TraderCounters,
    lastReferenceBookTsMs: number,
    pnl: PnlSnapshot = this.p.exchange.pnl(),
  ): void {
    if (this.p.metrics === null || !Number.isFinite(pnl.equityQuote)) return;
    this.p.metrics.sample({
      pnlQuote: pnl.totalPnlQuote,
      equityQuote: pnl.equityQuote,
      positionBase: pnl.positionBase,
      riskState: this.p.killSwitch.state(),
      feedAgeSec: Math.max(0, (ts - c.lastBookTsMs) / 1000),
      leadAgeSec: this.leadAgeSec(ts, lastReferenceBookTsMs),
      eventsTotal: c.events,
      rejectedBookEvents: this.p.exchange.rejectedBookEvents,
      rejectedTradeEvents: this.p.exchange.rejectedTradeEvents,
    });
  }

  /**
   * The events.jsonl record and log line of a data gap that just ended: the statistics paused at
   * `staleFromMs` (the last book went stale there, or a stop paused them at its own last instant),
   * `lastBookMs` is the last accepted book before the fresh one at `ts`.
   */
  private noteDataGap(staleFromMs: number, ts: number, skippedBuckets: number, lastBookMs: number): void {
    const gapSec = (ts - lastBookMs) / 1000;
    const reason = `no accepted market data for ${fmt(gapSec, 1)} s (feed outage, recording gap or a stop between sessions): ${skippedBuckets} whole Sharpe bucket(s) left out as unobserved`;
    this.p.logger.warn(`[FEED] ${reason}`);
    this.writeEvent(ts, "data_gap", {
      reason,
      details: {
        last_book_ts_ms: lastBookMs,
        unobserved_since_ms: staleFromMs,
        gap_secs: gapSec,
        unobserved_buckets: skippedBuckets,
      },
    });
  }

  /**
   * Write sharpe_metrics (portfolio and per signal) and signal_pnl lines. `final`: every markout is
   * in (shutdown, after the flush), so the per-signal buckets close up to `ts` too; those lines
   * carry `final: true` (a periodic write may have happened at the same ts, with lagged buckets).
   */
  writeAnalytics(ts: number, final = false): void {
    const mark = <T extends object>(r: T): T => (final ? { ...r, final: true } : r);
    this.write("sharpe_metrics", mark(this.sharpe.summary(ts)));
    const asOf = final ? ts : ts - this.signalPnlLagMs;
    for (const s of Object.values(this.perSignalSharpe.summaries(ts, asOf)))
      this.write("sharpe_metrics", mark(s));
    this.write("signal_pnl", mark(this.attributor.summary(ts)));
  }

  /** Write a run event line (events.jsonl). */
  writeEvent(tsMs: number, kind: string, fields: RunEventFields): void {
    this.write("events", { ...header(tsMs), kind, ...fields });
  }

  /** Write one record to a stream (no-op without an output logger). */
  write<S extends StreamName>(stream: S, record: StreamRecord[S]): void {
    if (this.p.out !== null) this.p.out.write(stream, record);
  }
}
