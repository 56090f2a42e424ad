/** The objects one integration cycle builds: the `SignalEffect`, each signal's contribution and the cycle record. */
import type { SignalAdjustment, SignalEffect } from "@mmkit/core";
import { NOT_A_NUMBER, makeAdjustment } from "./adjust.js";

/** One signal's contribution to a quote cycle (original field names kept where the meaning is the same). */
export interface SignalContribution {
  signal_name: string;
  /** The signal's own spread adjustment before gating/blending (bps). */
  spread_adjustment_bps: number;
  /** The signal's own skew adjustment before gating/blending (bps). */
  skew_adjustment_bps: number;
  kappa_mult: number;
  gamma_mult: number;
  was_active: boolean;
  gating_weight: number;
  raw_value: number;
  /** The part of the applied total spread adjustment attributed to this signal (bps). */
  applied_spread_bps: number;
  /** The part of the applied total skew attributed to this signal (bps). */
  applied_skew_bps: number;
  bid_extra_bps: number;
  ask_extra_bps: number;
  pull_bid: boolean;
  pull_ask: boolean;
  note?: string;
}

/** Per-quote-cycle record of every signal's contribution and the blended result. */
export interface SignalContributionRecord {
  cycleId: number;
  tsMs: number;
  contributions: SignalContribution[];
  /** Applied (post-clamp) total spread adjustment (bps) = Σ applied_spread_bps. */
  total_spread_adj_bps: number;
  /** Applied (post-clamp) total skew (bps) = Σ applied_skew_bps. */
  combined_skew_bps: number;
  /** (base half-spread + total adj) / base, when the base half-spread was given. */
  total_spread_mult?: number;
  kappa_mult: number;
  gamma_mult: number;
  bid_extra_bps: number;
  ask_extra_bps: number;
  pull_bid: boolean;
  pull_ask: boolean;
  /** Whether any total was clamped. */
  clamped: boolean;
  regime_state?: number;
  regime_probs?: number[];
  regime_kappa_mult?: number;
  regime_gamma_mult?: number;
}

/** Per-cycle context of `integrate`. */
export interface IntegrateContext {
  cycleId: number;
  tsMs: number;
  /** Regime view to pass through (used only when the regime signal is active). */
  regime?: SignalEffect["regime"];
  /** Current GLFT half-spread (bps), for `total_spread_mult`. */
  baseHalfSpreadBps?: number;
}

/** The effect (with `regime` only when given). */
export function makeEffect(
  spreadSum: number,
  skewSum: number,
  kappaMult: number,
  gammaMult: number,
  bid: number,
  ask: number,
  pullBid: boolean,
  pullAsk: boolean,
  regime: SignalEffect["regime"],
): SignalEffect {
  // The sums of the applied parts ARE the totals (equal to the clamped values up to rounding).
  // One literal: `regime` is undefined when no regime view applies.
  return {
    spreadAdjBps: spreadSum,
    skewAdjBps: skewSum,
    kappaMult,
    gammaMult,
    bidExtraBps: bid,
    askExtraBps: ask,
    pullBid,
    pullAsk,
    regime,
  };
}

/** One contribution record (`note` undefined when the adjustment has none: JSON omits it). */
export function makeContribution(
  a: SignalAdjustment,
  w: number,
  wasActive: boolean,
  appliedSpread: number,
  appliedSkew: number,
): SignalContribution {
  return {
    signal_name: a.name,
    spread_adjustment_bps: a.spreadAdjBps,
    skew_adjustment_bps: a.skewAdjBps,
    kappa_mult: a.kappaMult,
    gamma_mult: a.gammaMult,
    was_active: wasActive,
    gating_weight: w,
    raw_value: a.rawValue,
    applied_spread_bps: appliedSpread,
    applied_skew_bps: appliedSkew,
    bid_extra_bps: a.bidExtraBps,
    ask_extra_bps: a.askExtraBps,
    pull_bid: a.pullBid,
    pull_ask: a.pullAsk,
    note: a.note,
  };
}

/**
 * The cycle record, one literal in a fixed key order: `total_spread_mult` and the regime fields are
 * undefined when `mult` / `regime` are not given (JSON omits them like missing keys).
 */
export function makeRecord(
  ctx: IntegrateContext,
  contributions: SignalContribution[],
  spreadSum: number,
  skewSum: number,
  kappaMult: number,
  gammaMult: number,
  bid: number,
  ask: number,
  pullBid: boolean,
  pullAsk: boolean,
  clamped: boolean,
  mult: number | undefined,
  regime: SignalEffect["regime"],
): SignalContributionRecord {
  return {
    cycleId: ctx.cycleId,
    tsMs: ctx.tsMs,
    contributions,
    total_spread_adj_bps: spreadSum,
    combined_skew_bps: skewSum,
    kappa_mult: kappaMult,
    gamma_mult: gammaMult,
    bid_extra_bps: bid,
    ask_extra_bps: ask,
    pull_bid: pullBid,
    pull_ask: pullAsk,
    clamped,
    total_spread_mult: mult,
    regime_state: regime?.state,
    regime_probs: regime?.probs,
    regime_kappa_mult: regime?.kappaMult,
    regime_gamma_mult: regime?.gammaMult,
  };
}

// Give the numeric fields of the per-cycle objects built above (contributions, effect, record,
// every variant) the generic representation from the start, for the reasons given in adjust.ts.
{
  const x = NOT_A_NUMBER;
  const a = makeAdjustment("", true, x, x, "", x, x, x, x, x, x, false, false);
  const plain: SignalAdjustment = { ...a };
  delete plain.note;
  makeContribution(a, x, false, x, x);
  makeContribution(plain, x, false, x, x);
  const view = { state: x, probs: [], kappaMult: x, gammaMult: x };
  makeEffect(x, x, x, x, x, x, false, false, undefined);
  makeEffect(x, x, x, x, x, x, false, false, view);
  const ctx: IntegrateContext = { cycleId: x, tsMs: x };
  for (const mult of [undefined, x]) {
    makeRecord(ctx, [], x, x, x, x, x, x, false, false, false, mult, undefined);
    makeRecord(ctx, [], x, x, x, x, x, x, false, false, false, mult, view);
  }
}
