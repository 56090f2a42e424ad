/** Schema of `predictions.jsonl`: fill forecasts of one quote level and their outcomes. */
import { z } from "zod";
import { base, cycleId, num, sideSchema } from "./record-fields.js";

/** Fill forecast and outcome of one quote level at one horizon. */
export const predictionHorizonSchema = z.object({
  horizon_ms: num,
  /** Predicted probability of a fill within the horizon. */
  p_fill: z.number().min(0).max(1),
  /** Whether it filled within the horizon (null when censored). */
  filled: z.boolean().nullable(),
  /** True when the horizon has no observed outcome (`filled` null): skip it in calibration. */
  censored: z.boolean(),
});
/** One horizon of one prediction. */
export type PredictionHorizonRecord = z.infer<typeof predictionHorizonSchema>;

/** Market state at prediction time (all optional). */
export const marketStateSchema = z.object({
  best_bid: num.optional(),
  best_ask: num.optional(),
  /** σ of the mid per √s the forecast used (paper trader: the quotes' σ, blended with the prior while warming up). */
  sigma_per_sqrt_sec: num.optional(),
  /** κ of A·e^{−κδ} the forecast used (the fit, or the fallback prior; not used when `arrival_model` is "empirical"). */
  kappa: num.optional(),
  /** A of A·e^{−κδ}, arrivals per second per side at the touch (same provenance as `kappa`). */
  a_per_sec: num.optional(),
  /** γ of the placing cycle (paper trader). */
  gamma: num.optional(),
  /** Inventory (base units) at the placing cycle (paper trader). */
  inventory: num.optional(),
  regime: z.number().int().optional(),
});

/** Per live quote level, written once its outcomes are known. */
export const predictionSchema = z.object({
  ...base,
  cycle_id: cycleId,
  order_id: z.string().optional(),
  level: z.number().int().nonnegative(),
  side: sideSchema,
  price: num,
  size: num,
  depth_from_mid_bps: num,
  mid: num.optional(),
  /** Name of the fill model that produced p_fill. */
  fill_model: z.string(),
  /**
   * Arrival-rate model behind p_fill: "exponential" = A·e^{−κδ} (the fit, or its fallback prior;
   * `market.kappa` tells), "empirical" = the tape's measured arrival curve (used when the
   * exponential does not fit). Absent in files written before it existed.
   */
  arrival_model: z.enum(["exponential", "empirical"]).optional(),
  horizons: z.array(predictionHorizonSchema),
  /** Original-style flat fields (probability of fill within 100 ms / 1 s / 10 s). */
  p_fill_100ms: num.optional(),
  p_fill_1s: num.optional(),
  p_fill_10s: num.optional(),
  /** Predicted probability the fill is adverse (markout against us). */
  p_adverse_given_fill: z.number().min(0).max(1).optional(),
  /** Whether the fill was adverse (null: no fill or not known). */
  adverse: z.boolean().nullable().optional(),
  /** True when the real order left (cancelled/replaced) before the last horizon; horizons may still have outcomes (tracked virtually). */
  censored: z.boolean(),
  market: marketStateSchema.optional(),
});
/** One predictions.jsonl record. */
export type PredictionRecord = z.infer<typeof predictionSchema>;
