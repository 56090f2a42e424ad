/** Schema of `edge_validation.jsonl`: predicted vs realized edge of one fill and its markouts. */
import { z } from "zod";
import { base, cycleId, num, numOrNull, sideSchema } from "./record-fields.js";

/** Realized edge of one fill at one markout horizon. */
export const markoutSchema = z.object({
  horizon_ms: num,
  /** Mid observed at fill time + horizon (null if not observed, e.g. run ended). */
  mid: numOrNull,
  /** Adverse selection at this horizon, bps: side·(mid_at_fill − mid_h)/mid_at_fill·1e4. */
  realized_as_bps: numOrNull,
  /** Realized edge at this horizon, bps: realized spread − adverse selection − fee. */
  realized_edge_bps: numOrNull,
});
/** One markout of one fill. */
export type MarkoutRecord = z.infer<typeof markoutSchema>;

/** Per fill: predicted vs realized edge. */
export const edgeValidationSchema = z.object({
  ...base,
  fill_id: z.string(),
  order_id: z.string().optional(),
  cycle_id: cycleId.nullable(),
  side: sideSchema,
  price: num,
  size: num,
  /**
   * Predicted spread captured, bps: in the paper trader E[depth vs the mid at the fill | a fill]
   * under its fill model (below the placement depth: fills come when the mid has moved toward the
   * order); the placement depth when there is no fill model yet.
   */
  predicted_spread_bps: num,
  /** Realized half-spread vs mid at fill: side·(mid_at_fill − price)/mid_at_fill·1e4. */
  realized_spread_bps: num,
  /** Predicted adverse selection, bps. */
  predicted_as_bps: num,
  /** Realized adverse selection at the primary horizon, bps (null until known). */
  realized_as_bps: numOrNull,
  /** Fee, bps of notional (negative = rebate). */
  fee_bps: num,
  /** Predicted edge = predicted spread − predicted AS − fee, bps. */
  predicted_edge_bps: num,
  /** Realized edge at the primary horizon, bps (null until known). */
  realized_edge_bps: numOrNull,
  /** Realized spread − realized AS (before fees), bps. */
  gross_edge_bps: numOrNull,
  /** Mid when the order was placed. */
  mid_at_placement: numOrNull,
  /** Mid at fill time. */
  mid_at_fill: num,
  /** Markout-based adverse selection at the primary horizon, bps (same as realized_as_bps). */
  markout_as_bps: numOrNull,
  /** Primary markout horizon, ms. */
  primary_horizon_ms: num.optional(),
  /** Predicted probability (at placement) that this fill is adversely selected: realized_as_bps > 0 at the primary horizon. */
  p_adverse_given_fill: z.number().min(0).max(1).optional(),
  /** All markout horizons. */
  markouts: z.array(markoutSchema),
});
/** One edge_validation.jsonl record. */
export type EdgeValidationRecord = z.infer<typeof edgeValidationSchema>;
