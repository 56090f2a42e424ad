/** The end of a run: the trader's last records, and the feed line of the report. */
import { logAnalytics } from "./analytics-logs.js";
import { feedCounters } from "./metrics.js";
import type { RunSource } from "./source.js";
import type { PaperTrader } from "./trader.js";

/**
 * Cancel quotes, flush pending prediction/markout records, write and log the final analytics (the
 * last `[ANALYTICS]`/`[PNL SUMMARY]` lines agree with the report).
 * `pauseStatistics`: a live run paused by a stop request (the time until `--resume` is unobserved).
 */
export function finishTrader(t: PaperTrader, stopReason: string, pauseStatistics = false): void {
  const ts = t.counters.lastTsMs;
  t.handle(t.orders.cancelAll());
  t.handle(t.p.exchange.flushRecords());
  t.p.signals.discardPendingMarkouts(); // incomplete in the records: not learned either
  t.sampleFinalEquity(ts);
  if (pauseStatistics) t.analytics.pauseStatistics(ts);
  t.writeAnalytics(ts, true);
  if (t.analyticsLoggedAtMs !== ts) logAnalytics(t, ts); // not twice when the stop falls on a 60 s mark
  t.writeEvent(ts, "run_end", { reason: stopReason });
  t.p.logger.info(`[SHUTDOWN] ${stopReason}; quotes cancelled, records flushed`);
}

/** The report's feed line: per feed (traded venue, lead) events by type, invalid/ignored messages, reconnects. */
export function feedSummary(source: RunSource): string {
  const line = (feed: RunSource["feed"]): string => {
    const s = feed.stats();
    const e = s.events;
    // The feed's other counters (resyncs, sequence gaps, stale declarations, stale frames dropped,
    // duplicate trades…) when non-zero; the three shown inline are left out.
    const { invalidMessages: _i, ignoredMessages: _g, reconnects: _r, ...others } = feedCounters(s);
    const extra = Object.entries(others)
      .filter(([, v]) => v !== 0)
      .map(([k, v]) => `${k}=${v}`);
    return `${feed.name} snapshot=${e.snapshot} delta=${e.delta} bbo=${e.bbo} trade=${e.trade} health=${e.health} invalid=${s.invalidMessages} ignored=${s.ignoredMessages} reconnects=${s.reconnects}${extra.length > 0 ? ` (${extra.join(" ")})` : ""}`;
  };
  return source.lead === null ? line(source.feed) : `${line(source.feed)}; lead ${line(source.lead.feed)}`;
}
