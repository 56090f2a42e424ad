/** Schema of `signal_contributions.jsonl`: every signal's contribution to one quote cycle. */
import { z } from "zod";
import { base, cycleId, num } from "./record-fields.js";

/** One signal's contribution to one quote cycle. */
export const signalContributionSchema = z.object({
  /** Stable signal name (attribution key). */
  signal_name: z.string().min(1),
  /** Added to the half-spread, bps (positive widens). */
  spread_adjustment_bps: num,
  /** Shift of both quotes, bps of fair (positive leans bullish). */
  skew_adjustment_bps: num,
  /** Whether the signal was active this cycle. */
  was_active: z.boolean(),
  /** Gating weight (confidence) in [0, 1] applied by the integrator. */
  gating_weight: num,
  /** Raw signal value. */
  raw_value: num,
  /** κ multiplier (1 = none). */
  kappa_mult: num.optional(),
  /** γ multiplier (1 = none). */
  gamma_mult: num.optional(),
  /** Extra bid-side widening, bps. */
  bid_extra_bps: num.optional(),
  /** Extra ask-side widening, bps. */
  ask_extra_bps: num.optional(),
  /** Bid side pulled. */
  pull_bid: z.boolean().optional(),
  /** Ask side pulled. */
  pull_ask: z.boolean().optional(),
  /** Short human-readable state. */
  note: z.string().optional(),
});
/** One signal's contribution to one quote cycle. */
export type SignalContributionRecord = z.infer<typeof signalContributionSchema>;

/** Per quote cycle: every signal's contribution and the blended result. */
export const signalContributionsSchema = z.object({
  ...base,
  cycle_id: cycleId,
  contributions: z.array(signalContributionSchema),
  /** Blended multiplier on the spread (1 = unchanged). */
  total_spread_mult: num,
  /** Blended skew, bps. */
  combined_skew_bps: num,
  /** Blended additive spread adjustment, bps. */
  combined_spread_adj_bps: num.optional(),
  /** Most likely regime index, if a regime signal ran. */
  regime_state: z.number().int().nonnegative().optional(),
});
/** One signal_contributions.jsonl record. */
export type SignalContributionsRecord = z.infer<typeof signalContributionsSchema>;
