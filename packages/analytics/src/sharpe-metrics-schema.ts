/** Schema of `sharpe_metrics.jsonl`: rolling-window Sharpe statistics and the periodic summary record. */
import { z } from "zod";
import { base, count, num, numOrNull } from "./record-fields.js";

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
  /** Number of autocorrelation lags L used in η, `lrv_factor` and the HAC (GMM) fields (null when none of them is computed). */
  lo_lags: count.nullable(),
  /** Standard error of the annualized Sharpe (Mertens: skew and raw kurtosis), same units. */
  sharpe_se_annualized: numOrNull,
  /** η(q)·(per-period SE): SE of the Lo-adjusted Sharpe, treating η as known (approximation). */
  lo_sharpe_se_annualized: numOrNull,
  /** Probabilistic Sharpe Ratio vs benchmark 0 (per-period SR, raw kurtosis). */
  psr: numOrNull,
  /**
   * Bartlett long-run variance factor of the window's returns, 1 + 2Σ(1 − k/(L+1))ρ_k over the Lo
   * lags (1 for uncorrelated returns): the long-run variance of the standardised returns, Ω̃11 of
   * the GMM fields below.
   */
  lrv_factor: numOrNull.optional(),
  /**
   * Annualized Sharpe SE of Lo (2002) for non-IID returns: GMM with a Newey–West (Bartlett, L = Lo
   * lags) covariance of the moments (r − μ, (r − μ)² − σ²), σ² the population variance;
   * √(V/n)·√P with V = Ω̃11 − SR·Ω̃12 + SR²/4·Ω̃22 (= the Mertens factor when L = 0). Null where the
   * i.i.d. SE or lrv_factor is, or V ≤ 0; null for "all" after resuming a checkpoint written
   * before it (see the analytics README).
   */
  sharpe_se_hac_annualized: numOrNull.optional(),
  /** PSR with the same GMM variance: Φ(SR·√(n−1)/√V). */
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
  /**
   * Whole buckets left out as unobserved time (no market data: a feed outage, a stop between
   * sessions) rather than counted as flat; absent in files written before it existed.
   */
  unobserved_buckets: count.optional(),
  /** What a bucket return is divided by. */
  return_basis: z.enum(["starting_capital", "bucket_start_equity"]),
  /** The capital base (quote currency) when return_basis = "starting_capital". */
  capital_base: numOrNull,
  /** Latest equity (quote currency). */
  equity: numOrNull,
  /** Per-window statistics. */
  windows: z.array(sharpeWindowSchema),
  /**
   * True on the lines written when a run (or a live session) stops, with every pending markout in;
   * they supersede a periodic line of the same ts_ms (absent on periodic lines).
   */
  final: z.literal(true).optional(),
  /** The original system's per-fill figure (mean/std)·√(fills/elapsed years); for comparison only. */
  original_per_fill_sharpe: numOrNull,
  /** Label stating what original_per_fill_sharpe is. */
  original_per_fill_sharpe_label: z.string(),
});
/** One sharpe_metrics.jsonl record. */
export type SharpeMetricsRecord = z.infer<typeof sharpeMetricsSchema>;
