import { type Server, createServer } from "node:http";
import type { RiskState } from "@mmkit/core";
import type { FeedStats } from "@mmkit/exchange";
import type { Logger } from "pino";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { ConfigError } from "./config.js";

const RISK_STATE_CODE: Record<RiskState, number> = { active: 0, reduceOnly: 1, halted: 2 };

/** A feed's counters by name: the fixed ones and its `extra` ones. */
export function feedCounters(s: FeedStats): Record<string, number> {
  return {
    invalidMessages: s.invalidMessages,
    ignoredMessages: s.ignoredMessages,
    reconnects: s.reconnects,
    resyncs: s.resyncs,
    gaps: s.gaps,
    staleEvents: s.staleEvents,
    droppedEvents: s.droppedEvents,
    ...s.extra,
  };
}

/** Prometheus metrics of a paper-trading run. */
export class RunMetrics {
  readonly registry = new Registry();
  readonly pnlQuote = this.gauge("mmkit_pnl_quote", "total PnL in quote currency");
  readonly equityQuote = this.gauge("mmkit_equity_quote", "equity in quote currency");
  readonly positionBase = this.gauge("mmkit_position_base", "position in base units");
  readonly halfSpreadBps = this.gauge("mmkit_half_spread_bps", "quoted half-spread at the touch (bps)");
  readonly killSwitchState = this.gauge(
    "mmkit_kill_switch_state",
    "kill switch state: 0 active, 1 reduce-only, 2 halted",
  );
  readonly feedStalenessSec = this.gauge("mmkit_feed_staleness_seconds", "age of the last market data");
  /** Registered only when a lead venue feeds the run. */
  readonly leadStalenessSec: Gauge | null;
  readonly eventsPerSec = this.gauge("mmkit_events_per_second", "market events processed per second");
  readonly fills = new Counter({
    name: "mmkit_fills_total",
    help: "fills",
    labelNames: ["side"],
    registers: [this.registry],
  });
  readonly events = new Counter({
    name: "mmkit_events_total",
    help: "market events processed",
    registers: [this.registry],
  });
  readonly rejectedBooks = new Counter({
    name: "mmkit_rejected_book_events_total",
    help: "book updates the paper exchange refused (crossed, invalid levels); they do not count as fresh data",
    registers: [this.registry],
  });
  readonly rejectedTrades = new Counter({
    name: "mmkit_rejected_trade_events_total",
    help: "trade prints the paper exchange refused as implausible (beyond its print band around the mid: corrupt data); they fill nothing",
    registers: [this.registry],
  });
  private server: Server | null = null;
  private lastEventCount = 0;
  private lastRejectedBooks = 0;
  private lastRejectedTrades = 0;
  private lastEventWallMs = Number.NaN;

  /** `lead`: a lead venue feeds the run (its staleness gauge is exported). */
  constructor(lead = false) {
    this.leadStalenessSec = lead
      ? this.gauge(
          "mmkit_lead_feed_staleness_seconds",
          "age of the last lead-venue (Binance) book update, as of its venue stamp (a frame delivered late is as old as its content); +Inf before the first (only with a lead venue)",
        )
      : null;
    // prom-client's own names already say process_/nodejs_ (mmkit_process_cpu_user_seconds_total).
    collectDefaultMetrics({ register: this.registry, prefix: "mmkit_" });
    // Until the first market data: no data is infinitely stale, and the kill switch does not quote.
    this.feedStalenessSec.set(Number.POSITIVE_INFINITY);
    this.leadStalenessSec?.set(Number.POSITIVE_INFINITY);
    this.killSwitchState.set(RISK_STATE_CODE.reduceOnly);
    // Both sides' series exist from the start at 0, so rate() and absent-series alerts work before a fill.
    for (const side of ["buy", "sell"]) this.fills.inc({ side }, 0);
  }

  /** Update every gauge from one sample of the run's state. */
  sample(x: {
    pnlQuote: number;
    equityQuote: number;
    positionBase: number;
    riskState: RiskState;
    feedAgeSec: number;
    /** Age of the lead feed's last book update (null: no lead feed). */
    leadAgeSec?: number | null;
    eventsTotal: number;
    /** Book updates refused so far (omitted: unchanged). */
    rejectedBookEvents?: number;
    /** Trade prints refused so far (omitted: unchanged). */
    rejectedTradeEvents?: number;
  }): void {
    this.pnlQuote.set(x.pnlQuote);
    this.equityQuote.set(x.equityQuote);
    this.positionBase.set(x.positionBase);
    this.setRiskState(x.riskState);
    this.feedStalenessSec.set(x.feedAgeSec);
    if (x.leadAgeSec !== undefined && x.leadAgeSec !== null) this.leadStalenessSec?.set(x.leadAgeSec);
    this.observeEvents(x.eventsTotal);
    this.lastRejectedBooks = countUpTo(this.rejectedBooks, this.lastRejectedBooks, x.rejectedBookEvents);
    this.lastRejectedTrades = countUpTo(this.rejectedTrades, this.lastRejectedTrades, x.rejectedTradeEvents);
  }

  /**
   * A resumed run: its running totals so far (from the checkpoint) are where this process's
   * counters start counting from, so they do not jump by the previous sessions' totals at the first
   * sample (a counter restarting at 0 with the process is what Prometheus expects).
   */
  resumeFrom(totals: { eventsTotal: number; rejectedBookEvents: number; rejectedTradeEvents: number }): void {
    this.lastEventCount = totals.eventsTotal;
    this.lastRejectedBooks = totals.rejectedBookEvents;
    this.lastRejectedTrades = totals.rejectedTradeEvents;
  }

  /**
   * Show a kill-switch transition at once (the periodic sample runs each second of market time:
   * a halt whose cancels land at once stops the run before the next one).
   */
  setRiskState(state: RiskState): void {
    this.killSwitchState.set(RISK_STATE_CODE[state]);
  }

  /** Record the total of market events processed so far; updates the counter and the wall-clock rate. */
  observeEvents(totalEvents: number, wallMs = Date.now()): void {
    const delta = totalEvents - this.lastEventCount;
    if (delta > 0) this.events.inc(delta);
    if (Number.isFinite(this.lastEventWallMs) && wallMs > this.lastEventWallMs) {
      this.eventsPerSec.set((delta * 1000) / (wallMs - this.lastEventWallMs));
    }
    this.lastEventCount = totalEvents;
    this.lastEventWallMs = wallMs;
  }

  /**
   * Export the feeds' own counters — invalid and ignored messages, reconnects, resyncs, sequence
   * gaps, stale declarations, dropped events and each feed-specific one (stale trades dropped,
   * duplicates…) — as `mmkit_feed_counter_total{feed, counter}`, read at each scrape.
   */
  watchFeeds(feeds: readonly { name: string; stats: () => FeedStats }[]): void {
    const seen = new Map<string, number>();
    const counter = new Counter({
      name: "mmkit_feed_counter_total",
      help: "a feed's own counters (invalid/ignored messages, reconnects, resyncs, gaps, stale declarations, dropped events, feed-specific ones such as staleTradesDropped)",
      labelNames: ["feed", "counter"],
      registers: [this.registry],
      collect: () => {
        for (const f of feeds) {
          for (const [name, value] of Object.entries(feedCounters(f.stats()))) {
            const key = `${f.name}\u0000${name}`;
            const prev = seen.get(key) ?? 0;
            if (value > prev) counter.inc({ feed: f.name, counter: name }, value - prev);
            seen.set(key, Math.max(prev, value));
          }
        }
      },
    });
    // the counters a feed has at the start show from then on, at their value (0 for most)
    for (const f of feeds)
      for (const name of Object.keys(feedCounters(f.stats())))
        counter.inc({ feed: f.name, counter: name }, 0);
  }

  private gauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }

  /** Serve /metrics on 127.0.0.1:port (0 = any free port). Resolves to the bound port. */
  async serve(port: number): Promise<number> {
    this.server = createServer((req, res) => {
      if (req.url !== "/metrics") {
        res.writeHead(404).end("not found; try /metrics\n");
        return;
      }
      this.registry
        .metrics()
        .then((body) => res.writeHead(200, { "content-type": this.registry.contentType }).end(body))
        .catch((err: unknown) => res.writeHead(500).end(String(err)));
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    const addr = server.address();
    return typeof addr === "object" && addr !== null ? addr.port : port;
  }

  /** Stop the HTTP server. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Start the Prometheus endpoint; a port that cannot be bound is a ConfigError naming `--metrics-port`. */
export async function serveMetrics(port: number, lead: boolean, logger: Logger): Promise<RunMetrics> {
  const metrics = new RunMetrics(lead);
  let bound: number;
  try {
    bound = await metrics.serve(port);
  } catch (err) {
    await metrics.close();
    throw new ConfigError(
      `invalid --metrics-port: ${port} cannot be used (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  logger.info(`[METRICS] Prometheus metrics on http://127.0.0.1:${bound}/metrics`);
  return metrics;
}

/** Add to `counter` what a running total gained since `counted` (undefined: unchanged); returns the total now counted. */
function countUpTo(counter: Counter, counted: number, total: number | undefined): number {
  if (total === undefined || total <= counted) return counted;
  counter.inc(total - counted);
  return total;
}
