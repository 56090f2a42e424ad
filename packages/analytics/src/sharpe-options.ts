/** Options of SharpeTracker: window specs, annualization constants, defaults and their resolution. */

/** One rolling window definition. */
export interface SharpeWindowSpec {
  /** Label, e.g. "1h". */
  label: string;
  /** Length in seconds. */
  secs: number;
}

/** The default windows: 1h, 24h, 7d (plus "all", always present). */
export const DEFAULT_SHARPE_WINDOWS: readonly SharpeWindowSpec[] = [
  { label: "1h", secs: 3600 },
  { label: "24h", secs: 86_400 },
  { label: "7d", secs: 604_800 },
];

/** Seconds in the 365-day year used for annualization. */
export const SECONDS_PER_YEAR = 365 * 86_400;

/** Label attached to the original system's per-fill Sharpe figure. */
export const ORIGINAL_PER_FILL_SHARPE_LABEL =
  "original system's (mean/std)*sqrt(fills/elapsed_years) over per-fill PnL; for comparison only, not a Sharpe ratio";

/** Options of {@link SharpeTracker}. */
export interface SharpeTrackerOptions {
  /** Bucket length, ms (default 60 000). */
  bucketMs?: number;
  /** Denominator of a bucket return (default "starting_capital"). */
  returnBasis?: "starting_capital" | "bucket_start_equity";
  /** Capital base for "starting_capital" (default: the first equity sample). Must be > 0. */
  capitalBase?: number;
  /** Rolling windows (default 1h / 24h / 7d). */
  windows?: readonly SharpeWindowSpec[];
  /** Maximum autocorrelation lag used in Lo's η (default 10; effective lags = min(this, ⌊n/4⌋)). */
  loMaxLags?: number;
}

/** Apply the defaults of {@link SharpeTrackerOptions} (no validation). */
export function resolveSharpeOptions(options: SharpeTrackerOptions): ResolvedSharpeOptions {
  return {
    bucketMs: options.bucketMs ?? 60_000,
    returnBasis: options.returnBasis ?? "starting_capital",
    capitalBase: options.capitalBase ?? null,
    windows: options.windows ?? DEFAULT_SHARPE_WINDOWS,
    loMaxLags: options.loMaxLags ?? 10,
  };
}

/** {@link SharpeTrackerOptions} with every default applied. */
export interface ResolvedSharpeOptions {
  bucketMs: number;
  returnBasis: "starting_capital" | "bucket_start_equity";
  capitalBase: number | null;
  windows: readonly SharpeWindowSpec[];
  loMaxLags: number;
}
