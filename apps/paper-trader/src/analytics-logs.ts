/** The periodic `[ANALYTICS]`, `[PNL SUMMARY]`, `[SIGNALS]` and `[SPREAD TRACE]` log lines. */
import { formatSpreadTrace } from "@mmkit/core";
import { fmt, fmtOpt, fmtOptUnit, signed } from "./logging.js";
import type { PaperTrader } from "./trader.js";

/** Log the analytics block users grep for (every `--analytics-every-sec` of market time). */
export function logAnalytics(trader: PaperTrader, ts: number): void {
  const log = trader.p.logger;
  const c = trader.counters;
  const s = trader.sharpe.summary(ts);
  const e = trader.edge.report();
  const prim = e.horizons.find((h) => h.horizonMs === e.primaryHorizonMs);
  log.info(
    `[ANALYTICS] Sharpe(1h)=${fmtOpt(s.sharpe_1h)} Sharpe(24h)=${fmtOpt(s.sharpe_24h)} Sharpe(all)=${fmtOpt(s.sharpe_all)} Fills=${c.fills} Edge=${fmtOptUnit(prim?.meanRealizedEdgeBps, "bps")} (h=${(e.primaryHorizonMs ?? 0) / 1000}s, n=${prim?.n ?? 0}, verdict=${e.verdict})`,
  );
  const sp = trader.attributor.summary(ts);
  const marg = Object.entries(sp.signals)
    .map(([name, st]) => `${name}=${fmtOptUnit(st.marginal_value_bps, "bps")}`)
    .join(" ");
  log.info(`[ANALYTICS] Signal marginal: ${marg === "" ? "(no attributed fills yet)" : marg}`);
  const pnl = trader.p.exchange.pnl();
  const winRate = c.markedFills > 0 ? (100 * c.wins) / c.markedFills : 0;
  const net = pnl.totalPnlQuote - c.pnlAtLastSummary;
  c.pnlAtLastSummary = pnl.totalPnlQuote;
  log.info(
    `[PNL SUMMARY] fills=${c.fills} spread=${signed(pnl.spreadCaptureQuote, 4)} inventory=${signed(pnl.inventoryMtmQuote, 4)} fee=${signed(-pnl.feesQuote, 4)} net=${signed(net, 4)} cum=${signed(pnl.totalPnlQuote, 4)} position=${fmt(pnl.positionBase, 6)} win_rate=${fmt(winRate, 1)}%`,
  );
  if (trader.lastEffect !== null) log.info(trader.p.signals.signalsLogLine(trader.lastEffect));
  const d = trader.lastDecision;
  if (d !== null && d.trace !== null) {
    for (const line of formatSpreadTrace(d.trace, d.cycleId)) log.info(line);
  }
}
