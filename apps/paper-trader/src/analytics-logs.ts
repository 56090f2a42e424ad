/** The periodic `[ANALYTICS]`, `[PNL SUMMARY]`, `[SIGNALS]` and `[SPREAD TRACE]` log lines. */
import { formatSpreadTrace } from "@mmkit/core";
import { fmt, fmtOpt, fmtOptUnit, moneyExtraDecimals, signed } from "./logging.js";
import { type PaperTrader, REQUOTE_THRESHOLD_BPS } from "./trader.js";

/** Log the analytics block users grep for (every `--analytics-every-sec` of market time). */
export function logAnalytics(trader: PaperTrader, ts: number): void {
  trader.analyticsLoggedAtMs = ts;
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
  const d4 = 4 + moneyExtraDecimals(trader.p.capitalQuote);
  c.pnlAtLastSummary = pnl.totalPnlQuote;
  log.info(
    `[PNL SUMMARY] fills=${c.fills} spread=${signed(pnl.spreadCaptureQuote, d4)} inventory=${signed(pnl.inventoryMtmQuote, d4)} fee=${signed(-pnl.feesQuote, d4)} net=${signed(net, d4)} cum=${signed(pnl.totalPnlQuote, d4)} position=${fmt(pnl.positionBase, 6)} win_rate=${fmt(winRate, 1)}%`,
  );
  if (trader.lastEffect !== null) log.info(trader.p.signals.signalsLogLine(trader.lastEffect));
  const d = trader.lastDecision;
  if (d !== null && d.trace !== null) {
    for (const line of formatSpreadTrace(d.trace, d.cycleId)) log.info(line);
    log.info(restingTraceLine(trader, d.cycleId, d.fairPrice));
  }
}

/**
 * What rests on the book now, from the same fair price: `placed_*` above is the ladder the engine
 * wanted; an order less than the requote threshold away from it is kept (its queue position is worth
 * more), an order placed this cycle may still be in flight, and a filled touch leaves the next level.
 */
function restingTraceLine(trader: PaperTrader, cycleId: number, fairPrice: number): string {
  let bestBid = Number.NaN;
  let bestAsk = Number.NaN;
  for (const o of trader.p.exchange.openOrders()) {
    if (o.status !== "open" && o.status !== "partiallyFilled") continue;
    if (o.side === "buy" && !(o.price <= bestBid)) bestBid = o.price;
    if (o.side === "sell" && !(o.price >= bestAsk)) bestAsk = o.price;
  }
  // "none" for a side without a resting order, as in the trace's placed_* fields
  const depth = (px: number, sign: 1 | -1): string => {
    const bps = ((sign * (px - fairPrice)) / fairPrice) * 1e4;
    return Number.isFinite(bps) ? bps.toFixed(4) : "none";
  };
  return `[SPREAD TRACE] cycle=${cycleId} phase=resting bid_bps=${depth(bestBid, -1)} ask_bps=${depth(bestAsk, 1)} requote_threshold_bps=${REQUOTE_THRESHOLD_BPS}`;
}
