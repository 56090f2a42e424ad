/** Pure mappings from engine/exchange objects to the analytics package's JSONL records. */
import {
  buildEdgeRecord,
  type EdgeValidationRecord,
  type EquityRecord,
  type FillRecord,
  type PredictionRecord as PredictionLine,
  SCHEMA_VERSION,
  type SignalContributionsRecord,
  tsMsToNs,
} from "@mmkit/analytics";
import type { MarkoutRecord, PaperFill, PnlSnapshot, PredictionRecord } from "@mmkit/exchange";
import type { SignalContributionRecord } from "@mmkit/signals";

/** The common record header. */
export function header(tsMs: number): { schema_version: number; ts_ms: number; timestamp_ns: number } {
  return { schema_version: SCHEMA_VERSION, ts_ms: tsMs, timestamp_ns: tsMsToNs(tsMs) };
}

/**
 * One `signal_contributions.jsonl` line from the integrator's record. With the cycle's decision
 * trace, `total_spread_mult` is the multiplier the quotes got: (GLFT half-spread + the signals'
 * spread adjustment) / GLFT half-spread of THIS cycle (the integrator only knew the previous one's).
 */
export function contributionLine(
  rec: SignalContributionRecord,
  trace: { glftBaseBps: number; signalSpreadAdjBps: number } | null = null,
): SignalContributionsRecord {
  const contributions: SignalContributionsRecord["contributions"] = new Array(rec.contributions.length);
  for (let i = 0; i < rec.contributions.length; i++) {
    const c = rec.contributions[i]!;
    const out: SignalContributionsRecord["contributions"][number] = {
      signal_name: c.signal_name,
      spread_adjustment_bps: c.spread_adjustment_bps,
      skew_adjustment_bps: c.skew_adjustment_bps,
      was_active: c.was_active,
      gating_weight: c.gating_weight,
      raw_value: c.raw_value,
      kappa_mult: c.kappa_mult,
      gamma_mult: c.gamma_mult,
    };
    if (c.bid_extra_bps !== undefined) out.bid_extra_bps = c.bid_extra_bps;
    if (c.ask_extra_bps !== undefined) out.ask_extra_bps = c.ask_extra_bps;
    if (c.pull_bid !== undefined) out.pull_bid = c.pull_bid;
    if (c.pull_ask !== undefined) out.pull_ask = c.pull_ask;
    if (c.note !== undefined) out.note = c.note;
    contributions[i] = out;
  }
  const line: SignalContributionsRecord = {
    schema_version: SCHEMA_VERSION,
    ts_ms: rec.tsMs,
    timestamp_ns: tsMsToNs(rec.tsMs),
    cycle_id: rec.cycleId,
    contributions,
    total_spread_mult:
      trace !== null && trace.glftBaseBps > 0
        ? (trace.glftBaseBps + trace.signalSpreadAdjBps) / trace.glftBaseBps
        : (rec.total_spread_mult ?? 1),
    combined_skew_bps: rec.combined_skew_bps,
    combined_spread_adj_bps: rec.total_spread_adj_bps,
  };
  if (rec.regime_state !== undefined) line.regime_state = rec.regime_state;
  return line;
}

/** One `fills.jsonl` line. */
export function fillLine(fill: PaperFill, fillId: string): FillRecord {
  const sign = fill.side === "buy" ? 1 : -1;
  return {
    schema_version: SCHEMA_VERSION,
    ts_ms: fill.tsMs,
    timestamp_ns: tsMsToNs(fill.tsMs),
    fill_id: fillId,
    order_id: fill.orderId,
    cycle_id: fill.cycleId ?? null,
    level: fill.level ?? null,
    side: fill.side,
    price: fill.price,
    size: fill.size,
    fee: fill.feeQuote,
    fee_bps: fill.feeBps,
    liquidity: fill.liquidity,
    // (bid + ask) / 2 carries a last-digit error (0.040404999999999996): 15 significant digits drop it
    mid_at_fill: Number(fill.midAtFill.toPrecision(15)),
    position_after: fill.positionAfter,
    spread_capture: sign * (fill.midAtFill - fill.price) * fill.size,
    // after this fill: several fills of one event each get their own running totals
    realized_pnl: fill.realizedPnlAfter,
    cum_pnl: fill.totalPnlAfter,
  };
}

/** One `predictions.jsonl` line. A horizon's outcome is censored only when it is unknown. */
export function predictionLine(
  rec: PredictionRecord,
  market: { sigmaPerSqrtSec: number; gamma: number; inventoryBase: number; regime?: number } | null,
): PredictionLine {
  const horizons = rec.horizonsSec.map((h, i) => ({
    horizon_ms: h * 1000,
    p_fill: clamp01(rec.pFill[i] ?? 0),
    filled: rec.filled[i] ?? null,
    censored: (rec.filled[i] ?? null) === null,
  }));
  // Explicit fields, no object spread: spread into a literal is a slow path in V8 (~µs), and this
  // runs once per order.
  const line: PredictionLine = {
    schema_version: SCHEMA_VERSION,
    ts_ms: rec.liveTsMs,
    timestamp_ns: tsMsToNs(rec.liveTsMs),
    cycle_id: rec.cycleId ?? 0,
    order_id: rec.orderId,
    level: rec.level ?? 0,
    side: rec.side,
    price: rec.price,
    size: rec.size,
    depth_from_mid_bps: rec.depthBps,
    mid: rec.midAtLive,
    fill_model: rec.fillModel,
    arrival_model: rec.arrivalModel,
    horizons,
    censored: rec.censored,
  };
  if (market !== null && Number.isFinite(market.sigmaPerSqrtSec) && Number.isFinite(market.gamma)) {
    line.market = {
      sigma_per_sqrt_sec: rec.sigmaPerSqrtSec,
      kappa: rec.kappaPerFrac,
      a_per_sec: rec.aPerSec,
      gamma: market.gamma,
      inventory: market.inventoryBase,
    };
    if (market.regime !== undefined) line.market.regime = market.regime;
  }
  const oneSec = horizons.find((h) => h.horizon_ms === 1000);
  if (oneSec) line.p_fill_1s = oneSec.p_fill;
  const tenSec = horizons.find((h) => h.horizon_ms === 10_000);
  if (tenSec) line.p_fill_10s = tenSec.p_fill;
  return line;
}

/** One `edge_validation.jsonl` line from a completed markout and its order's placement context. */
export function edgeLine(
  rec: MarkoutRecord,
  placement: { midAtPlacement: number; pAdverseGivenFill: number } | undefined,
  primaryHorizonMs: number,
): EdgeValidationRecord {
  return buildEdgeRecord({
    tsMs: rec.fillTsMs,
    // the fill's id in fills.jsonl; a markout of an older checkpoint has no fill number
    fillId: rec.fillSeq !== undefined ? `F${rec.fillSeq}` : `${rec.orderId}@${rec.fillTsMs}`,
    orderId: rec.orderId,
    cycleId: rec.cycleId ?? null,
    side: rec.side,
    price: rec.fillPrice,
    size: rec.size,
    midAtFill: rec.midAtFill,
    midAtPlacement: placement?.midAtPlacement ?? null,
    predictedSpreadBps: rec.predictedSpreadBps ?? rec.realizedSpreadBps,
    predictedAsBps: rec.predictedAdverseBps ?? 0,
    feeBps: rec.feeBps,
    markoutMids: rec.horizonsSec.map((h, i) => ({ horizonMs: h * 1000, mid: rec.midAtHorizon[i] ?? null })),
    primaryHorizonMs,
    ...(placement !== undefined ? { pAdverseGivenFill: placement.pAdverseGivenFill } : {}),
  });
}

/** One `equity.jsonl` line. */
export function equityLine(
  tsMs: number,
  pnl: PnlSnapshot,
  drawdownFrac: number,
  fills: number,
): EquityRecord {
  return {
    schema_version: SCHEMA_VERSION,
    ts_ms: tsMs,
    timestamp_ns: tsMsToNs(tsMs),
    equity: pnl.equityQuote,
    position: pnl.positionBase,
    mid: Number.isFinite(pnl.markPrice) ? pnl.markPrice : null,
    cash: pnl.cashQuote,
    realized_pnl: pnl.realizedPnlQuote,
    unrealized_pnl: pnl.unrealizedPnlQuote,
    fees_paid: pnl.feesQuote,
    spread_capture: pnl.spreadCaptureQuote,
    inventory_pnl: pnl.inventoryMtmQuote,
    drawdown_frac: drawdownFrac,
    fills,
  };
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
