/**
 * The spread trace: every component of one quote decision in bps, so `[SPREAD TRACE]` log lines and
 * attribution can explain each quote. Identity (before tick rounding and post-only moves):
 *   halfSpreadBps = max(glftBaseBps + feeBps + signalSpreadAdjBps, effectiveFloorBps)
 *   glftBaseBps   = glftNoRegimeBps + regimeEffectBps + signalParamEffectBps
 *   touchBidBps   = halfSpreadBps + inventorySkewBps − signalSkewAdjBps + bidExtraBps
 *   touchAskBps   = halfSpreadBps − inventorySkewBps + signalSkewAdjBps + askExtraBps
 */

/** Per-component explanation of one quote decision; all spreads and depths in bps of fair. */
export interface SpreadTrace {
  /** GLFT half-spread (c1 + σc2/2) × spreadMult with the effective γ, κ, A, σ, before fee. */
  glftBaseBps: number;
  /** The same GLFT half-spread with neither regime blending nor signal κ/γ multipliers (floors applied). */
  glftNoRegimeBps: number;
  /** Change of the GLFT half-spread caused by regime blending of κ and γ. */
  regimeEffectBps: number;
  /** Change of the GLFT half-spread caused by the signal κ/γ multipliers. */
  signalParamEffectBps: number;
  /** Maker fee added to the half-spread. */
  feeBps: number;
  /** σ the GLFT formula used (the estimate shrunk toward the prior by its confidence), fraction per √s. */
  sigmaPerSqrtSec: number;
  /** A the GLFT formula used (after gating and its floor), per second. */
  aPerSec: number;
  /** Signal spread adjustment added to the half-spread. */
  signalSpreadAdjBps: number;
  /** Half-spread before the floor: glftBase + fee + signal spread adjustment. */
  preFloorHalfSpreadBps: number;
  /** Minimum half-spread floor. */
  effectiveFloorBps: number;
  /** Whether the floor raised the half-spread. */
  floorBound: boolean;
  /** Half-spread quoted (after the floor). */
  halfSpreadBps: number;
  /** Inventory in lots. */
  inventoryLots: number;
  /** Skew per lot σ·c2 × skewMult. */
  skewPerLotBps: number;
  /** Inventory skew = skewPerLot × q (positive: both quotes move down, long inventory sells cheaper). */
  inventorySkewBps: number;
  /** Signal skew (positive: both quotes move up). */
  signalSkewAdjBps: number;
  /** Extra bid-side widening from signals. */
  bidExtraBps: number;
  /** Extra ask-side widening from signals. */
  askExtraBps: number;
  /** Intended touch bid depth below fair (before rounding). */
  touchBidBps: number;
  /** Intended touch ask depth above fair (before rounding). */
  touchAskBps: number;
  /** touchBid + touchAsk. */
  totalAtTouchBps: number;
  /** Touch bid depth actually placed after rounding/post-only (NaN when no bid). */
  placedTouchBidBps: number;
  /** Touch ask depth actually placed (NaN when no ask). */
  placedTouchAskBps: number;
  /** κ at each pipeline step (per fraction of mid). */
  kappa: {
    prior: number;
    estimated: number;
    weight: number;
    gated: number;
    regime: number;
    blended: number;
    afterSignals: number;
    effective: number;
    floor: number;
    floorBound: boolean;
    /** κ cap and whether it bound. */
    cap: number;
    capBound: boolean;
    /** The intensity estimator's own confidence (logged; the gating weight is `weight`). */
    estimatorConfidence: number;
  };
  /** γ at each pipeline step. */
  gamma: { config: number; blended: number; afterSignals: number; effective: number };
}

function n(x: number, digits = 4): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

/**
 * A value that may be absent, `none` when NaN: a side without an order (pulled, reduce-only, at
 * the position limit) or no κ estimate yet.
 */
function orNone(x: number, digits = 4): string {
  return Number.isNaN(x) ? "none" : n(x, digits);
}

/** Render a trace as `[SPREAD TRACE] phase=…` log lines (the original system's shape plus our fields). */
export function formatSpreadTrace(t: SpreadTrace, cycleId?: number): string[] {
  const c = cycleId === undefined ? "" : ` cycle=${cycleId}`;
  const k = t.kappa;
  return [
    `[SPREAD TRACE]${c} phase=kappa prior=${n(k.prior, 1)} estimated=${orNone(k.estimated, 1)} weight=${n(k.weight, 3)} estimator_confidence=${n(k.estimatorConfidence, 3)} gated=${n(k.gated, 1)} regime=${n(k.regime, 1)} blended=${n(k.blended, 1)} after_signals=${n(k.afterSignals, 1)} floor=${n(k.floor, 1)} floor_bound=${k.floorBound} kappa_used=${n(k.effective, 1)} cap=${n(k.cap, 1)} cap_bound=${k.capBound}`,
    `[SPREAD TRACE]${c} phase=gamma config=${n(t.gamma.config)} blended=${n(t.gamma.blended)} after_signals=${n(t.gamma.afterSignals)} gamma_used=${n(t.gamma.effective)}`,
    `[SPREAD TRACE]${c} phase=glft glft_base_bps=${n(t.glftBaseBps)} no_regime_bps=${n(t.glftNoRegimeBps)} regime_effect_bps=${n(t.regimeEffectBps)} signal_param_effect_bps=${n(t.signalParamEffectBps)} fee_bps=${n(t.feeBps)} signal_spread_adj_bps=${n(t.signalSpreadAdjBps)} sigma_per_sqrt_s=${t.sigmaPerSqrtSec.toPrecision(6)} a_per_sec=${n(t.aPerSec)}`,
    `[SPREAD TRACE]${c} phase=floor glft_optimal_bps=${n(t.preFloorHalfSpreadBps)} effective_floor_bps=${n(t.effectiveFloorBps)} floor_bound=${t.floorBound} half_spread_bps=${n(t.halfSpreadBps)}`,
    `[SPREAD TRACE]${c} phase=skew inventory_lots=${n(t.inventoryLots)} skew_per_lot_bps=${n(t.skewPerLotBps)} inventory_skew_bps=${n(t.inventorySkewBps)} signal_skew_bps=${n(t.signalSkewAdjBps)} bid_extra_bps=${n(t.bidExtraBps)} ask_extra_bps=${n(t.askExtraBps)}`,
    `[SPREAD TRACE]${c} phase=glft_depths touch_bid_bps=${n(t.touchBidBps)} touch_ask_bps=${n(t.touchAskBps)} total_at_touch_bps=${n(t.totalAtTouchBps)} placed_bid_bps=${orNone(t.placedTouchBidBps)} placed_ask_bps=${orNone(t.placedTouchAskBps)}`,
  ];
}
