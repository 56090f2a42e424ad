/**
 * Record schemas of every JSONL stream a run writes (and of the `run.json` manifest).
 *
 * Conventions shared by all streams:
 * - one compact JSON object per line, snake_case field names;
 * - `schema_version` (integer, currently {@link SCHEMA_VERSION}) on every record;
 * - `ts_ms`: event time in milliseconds since the Unix epoch (may be fractional);
 * - `timestamp_ns`: the same instant in nanoseconds, as the original system wrote it. It is a JSON
 *   number, so values above 2^53 keep only ~256 ns precision — use `ts_ms` for arithmetic;
 * - original field names (see ORIGINAL-FORMATS) are kept where the meaning is the same; richer
 *   fields sit beside them;
 * - a statistic that cannot be computed (too few samples, zero variance) is `null`, never 0.
 */
import { z } from "zod";

/** Current schema version written by this package. Readers accept any positive integer. */
export const SCHEMA_VERSION = 1;

/** File name of each JSONL stream, relative to the run's log directory. */
export const STREAM_FILES = {
  sharpe_metrics: "sharpe_metrics.jsonl",
  signal_contributions: "signal_contributions.jsonl",
  signal_pnl: "signal_pnl.jsonl",
  edge_validation: "edge_validation.jsonl",
  fills: "fills.jsonl",
  predictions: "predictions.jsonl",
  equity: "equity.jsonl",
  events: "events.jsonl",
} as const;

/** Name of one JSONL stream. */
export type StreamName = keyof typeof STREAM_FILES;

/** File name of the run manifest. */
export const RUN_MANIFEST_FILE = "run.json";

/** Convert milliseconds since the epoch to the original's integer `timestamp_ns`. */
export function tsMsToNs(tsMs: number): number {
  return Math.round(tsMs * 1e6);
}

const num = z.number();
const numOrNull = z.number().nullable();
const count = z.number().int().nonnegative();
/** A quote-cycle id: a non-negative integer assigned by the quote engine, increasing per cycle. */
const cycleId = z.number().int().nonnegative();

/** Fields present on every record. */
const base = {
  /** Schema version of this record. */
  schema_version: z.number().int().positive(),
  /** Event time, ms since the Unix epoch. */
  ts_ms: num,
  /** Event time, ns since the Unix epoch (original format; ~256 ns precision as a JSON number). */
  timestamp_ns: num,
};

/** Order side. */
export const sideSchema = z.enum(["buy", "sell"]);

// ---------------------------------------------------------------- sharpe_metrics.jsonl

/** Statistics of one rolling window of bucketed returns (all returns per bucket, in bps). */
export const sharpeWindowSchema = z.object({
  /** Window label: "1h", "24h", "7d" or "all". */
  window: z.string(),
  /** Window length in seconds (null for "all"). */
  window_secs: numOrNull,
  /** Number of buckets (returns) in the window. */
  n: count,
  /** Mean bucket return, bps of the capital base. */
  mean_return_bps: numOrNull,
  /** Sample standard deviation (n−1) of bucket returns, bps. */
  std_return_bps: numOrNull,
  /** Sharpe per bucket period (mean/std, benchmark 0). */
  sharpe_per_period: numOrNull,
  /** Sharpe annualized as per-period · √(periods per 365-day year). */
  sharpe_annualized: numOrNull,
  /** Lo (2002) autocorrelation-adjusted annualized Sharpe: per-period · η(q). */
  lo_sharpe_annualized: numOrNull,
  /** Lo's aggregation horizon q: the periods per year (see README). */
  lo_q: numOrNull,
  /** η(q) = q / sqrt(q + 2 Σ_{k=1}^{q−1} (q−k) ρ_k) over the lags estimated (see README). */
  lo_eta: numOrNull,
  /** Number of autocorrelation lags used in η. */
  lo_lags: count.nullable(),
  /** Standard error of the annualized Sharpe (Mertens: skew and raw kurtosis), same units. */
  sharpe_se_annualized: numOrNull,
  /** η(q)·(per-period SE): SE of the Lo-adjusted Sharpe, treating η as known (approximation). */
  lo_sharpe_se_annualized: numOrNull,
  /** Probabilistic Sharpe Ratio vs benchmark 0 (per-period SR, raw kurtosis). */
  psr: numOrNull,
  /**
   * Bartlett long-run variance factor of the window's returns, 1 + 2Σ(1 − k/(L+1))ρ_k over the Lo
   * lags (1 for uncorrelated returns); the HAC fields below scale the i.i.d. ones by it.
   */
  lrv_factor: numOrNull.optional(),
  /** Annualized Sharpe SE with the i.i.d. (Mertens) variance × lrv_factor (first order in the autocorrelation). */
  sharpe_se_hac_annualized: numOrNull.optional(),
  /** PSR with the same autocorrelation-consistent variance. */
  psr_hac: numOrNull.optional(),
  /** Sample skewness γ3 of bucket returns. */
  skew: numOrNull,
  /** Raw (non-excess) kurtosis γ4 of bucket returns (normal = 3). */
  kurtosis_raw: numOrNull,
  /** Maximum drawdown inside the window, fraction of the peak equity. */
  max_drawdown_frac: numOrNull,
  /** Maximum drawdown inside the window, quote currency. */
  max_drawdown_abs: numOrNull,
});
/** Statistics of one rolling window. */
export type SharpeWindowRecord = z.infer<typeof sharpeWindowSchema>;

/** Periodic Sharpe summary (portfolio, or one signal when `scope` = "signal"). */
export const sharpeMetricsSchema = z.object({
  ...base,
  /** "portfolio" for the whole book, "signal" for a per-signal tracker. */
  scope: z.enum(["portfolio", "signal"]),
  /** Signal name when scope = "signal". */
  signal_name: z.string().optional(),
  /** Original: annualized Sharpe of the 1h window (our bucketed definition). */
  sharpe_1h: numOrNull,
  /** Original: annualized Sharpe of the 24h window. */
  sharpe_24h: numOrNull,
  /** Original: annualized Sharpe of the 7d window. */
  sharpe_7d: numOrNull,
  /** Original: annualized Sharpe since start. */
  sharpe_all: numOrNull,
  /** Original: number of fills seen. */
  count: count,
  /** Original: mean bucket return over "all", bps. */
  mean_return_bps: numOrNull,
  /** Original: std of bucket returns over "all", bps. */
  std_return_bps: numOrNull,
  /** Original: seconds since the first sample. */
  elapsed_secs: num,
  /** Bucket length in seconds. */
  bucket_secs: num,
  /** Periods per 365-day year (= 365·86400 / bucket_secs). */
  periods_per_year: num,
  /** What a bucket return is divided by. */
  return_basis: z.enum(["starting_capital", "bucket_start_equity"]),
  /** The capital base (quote currency) when return_basis = "starting_capital". */
  capital_base: numOrNull,
  /** Latest equity (quote currency). */
  equity: numOrNull,
  /** Per-window statistics. */
  windows: z.array(sharpeWindowSchema),
  /** The original system's per-fill figure (mean/std)·√(fills/elapsed years); for comparison only. */
  original_per_fill_sharpe: numOrNull,
  /** Label stating what original_per_fill_sharpe is. */
  original_per_fill_sharpe_label: z.string(),
});
/** One sharpe_metrics.jsonl record. */
export type SharpeMetricsRecord = z.infer<typeof sharpeMetricsSchema>;

// ---------------------------------------------------------------- signal_contributions.jsonl

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

// ---------------------------------------------------------------- signal_pnl.jsonl

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

// ---------------------------------------------------------------- edge_validation.jsonl

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

// ---------------------------------------------------------------- fills.jsonl

/** Per fill. */
export const fillSchema = z.object({
  ...base,
  fill_id: z.string(),
  order_id: z.string(),
  /** Quote cycle that placed the order (null if unknown). */
  cycle_id: cycleId.nullable(),
  /** Ladder level (0 = touch) if known. */
  level: z.number().int().nonnegative().nullable(),
  side: sideSchema,
  price: num,
  size: num,
  /** Fee in quote currency (positive = paid, negative = rebate). */
  fee: num,
  /** Fee in bps of notional. */
  fee_bps: num,
  liquidity: z.enum(["maker", "taker"]),
  mid_at_fill: num,
  /** Position (base units, signed) after the fill. */
  position_after: num,
  /** Original `[FILL PNL]` spread_capture: side·(mid − price)·size, quote currency. */
  spread_capture: num,
  /** Realized PnL booked by this fill, quote currency (null if not tracked). */
  realized_pnl: numOrNull,
  /** Cumulative net PnL after this fill, quote currency. */
  cum_pnl: numOrNull,
});
/** One fills.jsonl record. */
export type FillRecord = z.infer<typeof fillSchema>;

// ---------------------------------------------------------------- predictions.jsonl

/** Fill forecast and outcome of one quote level at one horizon. */
export const predictionHorizonSchema = z.object({
  horizon_ms: num,
  /** Predicted probability of a fill within the horizon. */
  p_fill: z.number().min(0).max(1),
  /** Whether it filled within the horizon (null when censored). */
  filled: z.boolean().nullable(),
  /** True when the order was cancelled/replaced before the horizon without a fill: no outcome. */
  censored: z.boolean(),
});
/** One horizon of one prediction. */
export type PredictionHorizonRecord = z.infer<typeof predictionHorizonSchema>;

/** Market state at prediction time (all optional). */
export const marketStateSchema = z.object({
  best_bid: num.optional(),
  best_ask: num.optional(),
  sigma_per_sqrt_sec: num.optional(),
  kappa: num.optional(),
  gamma: num.optional(),
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
  /** True if any horizon is censored. */
  censored: z.boolean(),
  market: marketStateSchema.optional(),
});
/** One predictions.jsonl record. */
export type PredictionRecord = z.infer<typeof predictionSchema>;

// ---------------------------------------------------------------- equity.jsonl

/** Periodic equity / PnL sample. */
export const equitySchema = z.object({
  ...base,
  /** Mark-to-mid equity, quote currency. */
  equity: num,
  /** Signed position, base units. */
  position: num,
  mid: numOrNull,
  cash: num.optional(),
  realized_pnl: num,
  unrealized_pnl: num,
  /** Fees paid so far (positive = paid), quote currency. */
  fees_paid: num,
  /** Cumulative spread capture, quote currency. */
  spread_capture: num.optional(),
  /** Cumulative inventory (mark-to-market) PnL, quote currency. */
  inventory_pnl: num.optional(),
  /** Drawdown from the running equity peak, fraction. */
  drawdown_frac: num.optional(),
  fills: count.optional(),
});
/** One equity.jsonl record. */
export type EquityRecord = z.infer<typeof equitySchema>;

// ---------------------------------------------------------------- events.jsonl

/** Kill-switch transitions and other run events. */
export const eventSchema = z.object({
  ...base,
  /** e.g. "kill_switch", "start", "stop", "feed_stale", "error". */
  kind: z.string().min(1),
  from: z.string().optional(),
  to: z.string().optional(),
  reason: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
/** One events.jsonl record. */
export type EventRecord = z.infer<typeof eventSchema>;

// ---------------------------------------------------------------- run.json

/** The run manifest (`run.json`), written at start and rewritten at end. */
export const runManifestSchema = z.object({
  schema_version: z.number().int().positive(),
  run_id: z.string(),
  started_ts_ms: num,
  ended_ts_ms: numOrNull,
  seed: z.number().int().nullable(),
  /** Market-data source, e.g. { kind: "replay", path: "..." } or { kind: "synthetic" }. */
  source: z.object({ kind: z.string() }).catchall(z.unknown()),
  /** Fill model name. */
  fill_model: z.string(),
  symbol: z.string().optional(),
  venue: z.string().optional(),
  /** Full resolved config object. */
  config: z.record(z.string(), z.unknown()),
  /** Package / app versions, e.g. { "@mmkit/analytics": "0.1.0", node: "v20..." }. */
  versions: z.record(z.string(), z.string()),
  /** Streams this run wrote (stream names). */
  streams: z.array(z.string()).optional(),
});
/** The run manifest. */
export type RunManifest = z.infer<typeof runManifestSchema>;

/** Schema of each stream, keyed by stream name. */
export const STREAM_SCHEMAS = {
  sharpe_metrics: sharpeMetricsSchema,
  signal_contributions: signalContributionsSchema,
  signal_pnl: signalPnlSchema,
  edge_validation: edgeValidationSchema,
  fills: fillSchema,
  predictions: predictionSchema,
  equity: equitySchema,
  events: eventSchema,
} as const;

/** Record type of each stream, keyed by stream name. */
export type StreamRecord = {
  sharpe_metrics: SharpeMetricsRecord;
  signal_contributions: SignalContributionsRecord;
  signal_pnl: SignalPnlRecord;
  edge_validation: EdgeValidationRecord;
  fills: FillRecord;
  predictions: PredictionRecord;
  equity: EquityRecord;
  events: EventRecord;
};
