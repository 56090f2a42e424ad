/** One quote cycle of the `SignalStack`: its inputs from the quote loop and its output. */
import type { SignalAdjustment, SignalEffect } from "@mmkit/core";
import type { SignalContributionRecord } from "./integrator-records.js";

/** Per-cycle inputs from the quote loop. All optional except `tsMs`. */
export interface CycleContext {
  tsMs: number;
  /** Current GLFT half-spread (bps): converts RL multipliers to bps and fills `total_spread_mult`. */
  baseHalfSpreadBps?: number;
  /** Signed inventory / position limit in [−1, 1] (RL state). */
  inventoryFrac?: number;
  /** Cumulative mark-to-market PnL (quote currency; RL reward). */
  pnlQuote?: number;
  /** Notional for the RL reward in bps (quote currency). */
  notionalQuote?: number;
  /** Estimators' confidence in [0, 1] (warm-up component). */
  estimatorConfidence?: number;
}

/**
 * Output of one quote cycle. Read-only for the caller: an adjustment that did not change since
 * the previous cycle is the same object as then, and so is `effect.regime` while the regime
 * belief is unchanged.
 */
export interface CycleResult {
  effect: SignalEffect;
  record: SignalContributionRecord;
  adjustments: SignalAdjustment[];
}
