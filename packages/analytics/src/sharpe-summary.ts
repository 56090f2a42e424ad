/** The `sharpe_metrics` record of a {@link SharpeTracker} snapshot, and the original per-fill figure. */
import { SCHEMA_VERSION, type SharpeMetricsRecord, type SharpeWindowRecord, tsMsToNs } from "./records.js";
import { ORIGINAL_PER_FILL_SHARPE_LABEL, SECONDS_PER_YEAR } from "./sharpe-options.js";
import type { RunningMoments } from "./stats.js";

/** What a summary record is built from: the tracker's windows ("all" last) and figures at `nowMs`. */
export interface SummaryInput {
  nowMs: number;
  scope: "portfolio" | "signal";
  signalName?: string;
  /** The rolling windows' records, then the "all" window's. */
  windows: SharpeWindowRecord[];
  fillPnl: RunningMoments;
  /** Time of the first sample (null: none yet). */
  firstTsMs: number | null;
  bucketMs: number;
  periodsPerYear: number;
  unobservedBuckets: number;
  returnBasis: "starting_capital" | "bucket_start_equity";
  capitalBase: number | null;
  lastEquity: number;
}

/** Build one `sharpe_metrics` record (the original's field names beside the window records). */
export function summaryRecord(x: SummaryInput): SharpeMetricsRecord {
  const allRec = x.windows[x.windows.length - 1]!;
  const byLabel = (l: string): number | null =>
    x.windows.find((w) => w.window === l)?.sharpe_annualized ?? null;
  const elapsedSecs = x.firstTsMs === null ? 0 : Math.max(0, (x.nowMs - x.firstTsMs) / 1000);
  return {
    schema_version: SCHEMA_VERSION,
    ts_ms: x.nowMs,
    timestamp_ns: tsMsToNs(x.nowMs),
    scope: x.scope,
    ...(x.signalName !== undefined ? { signal_name: x.signalName } : {}),
    sharpe_1h: byLabel("1h"),
    sharpe_24h: byLabel("24h"),
    sharpe_7d: byLabel("7d"),
    sharpe_all: allRec.sharpe_annualized,
    count: x.fillPnl.n,
    mean_return_bps: allRec.mean_return_bps,
    std_return_bps: allRec.std_return_bps,
    elapsed_secs: elapsedSecs,
    bucket_secs: x.bucketMs / 1000,
    periods_per_year: x.periodsPerYear,
    unobserved_buckets: x.unobservedBuckets,
    return_basis: x.returnBasis,
    capital_base: x.returnBasis === "starting_capital" ? x.capitalBase : null,
    equity: x.firstTsMs === null ? null : x.lastEquity,
    windows: x.windows,
    original_per_fill_sharpe: originalPerFillSharpe(x.fillPnl, elapsedSecs),
    original_per_fill_sharpe_label: ORIGINAL_PER_FILL_SHARPE_LABEL,
  };
}

/** The original's (mean/std)·√(fills / elapsed years) over per-fill PnL; for comparison only. */
export function originalPerFillSharpe(fillPnl: RunningMoments, elapsedSecs: number): number | null {
  const mean = fillPnl.mean();
  const std = fillPnl.std();
  if (mean === null || std === null || !(std > 0) || !(elapsedSecs > 0)) return null;
  return (mean / std) * Math.sqrt(fillPnl.n / (elapsedSecs / SECONDS_PER_YEAR));
}
