/** Schema of `signal_pnl.jsonl`: per-signal PnL attribution statistics. */
import { z } from "zod";
import { base, count, numOrNull } from "./record-fields.js";

/** Attribution statistics of one signal (PnL per fill in bps of notional). */
export const signalPnlStatsSchema = z.object({
  /** Original: mean PnL (bps) of fills whose placing cycle had the signal active. */
  active_pnl_bps: numOrNull,
  /** Original: mean PnL (bps) of fills whose placing cycle had the signal inactive. */
  inactive_pnl_bps: numOrNull,
  /** Original: active − inactive, bps. */
  marginal_value_bps: numOrNull,
  n_active: count,
  n_inactive: count,
  /** Welch t statistic of active − inactive. */
  t_stat: numOrNull,
  /** Welch–Satterthwaite degrees of freedom. */
  df: numOrNull,
  /** Two-sided p-value of the Welch test. */
  p_value: numOrNull,
  /** Welch t with a standard error robust to overlapping markouts (fills close in time share moves). */
  t_stat_overlap: numOrNull.optional(),
  /** Its degrees of freedom. */
  df_overlap: numOrNull.optional(),
  /** Its two-sided p-value. */
  p_value_overlap: numOrNull.optional(),
  /** OLS slope of fill PnL (bps) on |spread adj| + |skew adj| of the signal (bps): bps per bps. */
  slope_bps_per_bps: numOrNull,
  /** Standard error of the slope. */
  slope_se: numOrNull,
  /** Fills used in the regression. */
  slope_n: count,
});
/** Attribution statistics of one signal. */
export type SignalPnlStats = z.infer<typeof signalPnlStatsSchema>;

/** Periodic per-signal attribution summary. */
export const signalPnlSchema = z.object({
  ...base,
  /** True on the line written when a run (or a live session) stops (see sharpe_metrics `final`). */
  final: z.literal(true).optional(),
  /** Fills seen by the attributor. */
  n_fills: count,
  /** Fills whose placing cycle was known (attributed). */
  n_attributed: count,
  /** Fills whose placing cycle had been evicted or never seen. */
  n_unattributed: count,
  /** Keyed by signal name. */
  signals: z.record(z.string(), signalPnlStatsSchema),
});
/** One signal_pnl.jsonl record. */
export type SignalPnlRecord = z.infer<typeof signalPnlSchema>;
