/** Signal contributions: the per-cycle contribution shapes, conversion from core-style adjustments and the regression magnitude. */
import type { SignalContributionRecord, SignalContributionsRecord } from "./records.js";

/** One signal's contribution to one quote cycle (the `signal_contributions.jsonl` element shape). */
export type SignalContribution = SignalContributionRecord;

/** All contributions of one quote cycle (one `signal_contributions.jsonl` record). */
export type CycleContributions = SignalContributionsRecord;

/** Structural shape of a signal adjustment (matches @mmkit/core's SignalAdjustment; no import). */
export interface SignalAdjustmentLike {
  name: string;
  spreadAdjBps: number;
  skewAdjBps: number;
  active: boolean;
  confidence: number;
  rawValue: number;
  kappaMult?: number;
  gammaMult?: number;
  bidExtraBps?: number;
  askExtraBps?: number;
  pullBid?: boolean;
  pullAsk?: boolean;
  note?: string;
}

/** Convert a core-style signal adjustment to a {@link SignalContribution} record element. */
export function toSignalContribution(adj: SignalAdjustmentLike): SignalContribution {
  const out: SignalContribution = {
    signal_name: adj.name,
    spread_adjustment_bps: adj.spreadAdjBps,
    skew_adjustment_bps: adj.skewAdjBps,
    was_active: adj.active,
    gating_weight: adj.confidence,
    raw_value: adj.rawValue,
  };
  if (adj.kappaMult !== undefined) out.kappa_mult = adj.kappaMult;
  if (adj.gammaMult !== undefined) out.gamma_mult = adj.gammaMult;
  if (adj.bidExtraBps !== undefined) out.bid_extra_bps = adj.bidExtraBps;
  if (adj.askExtraBps !== undefined) out.ask_extra_bps = adj.askExtraBps;
  if (adj.pullBid !== undefined) out.pull_bid = adj.pullBid;
  if (adj.pullAsk !== undefined) out.pull_ask = adj.pullAsk;
  if (adj.note !== undefined) out.note = adj.note;
  return out;
}

/** Adjustment magnitude used in the regression: |spread adj| + |skew adj|, bps. */
export function adjustmentMagnitudeBps(c: SignalContribution): number {
  return Math.abs(c.spread_adjustment_bps) + Math.abs(c.skew_adjustment_bps);
}
