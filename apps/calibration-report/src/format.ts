import { moneyExtraDecimals } from "@mmkit/analytics";
import type { CalibrationModel, SharpeWindowModel } from "./model.js";
/** Number and time formatting shared by the terminal and HTML renderers. */

/** Fixed-decimals number, "n/a" for null/non-finite. */
export function fmtNum(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "n/a";
  return x.toFixed(digits);
}

/** Signed fixed-decimals number ("+1.20"), "n/a" for null. */
export function fmtSigned(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "n/a";
  return `${x >= 0 ? "+" : ""}${x.toFixed(digits)}`;
}

/** How a run's amounts in its quote currency print: the currency's name and the extra decimals. */
export interface MoneyFormat {
  /** run.json's `source.quote_currency` (USD, BTC, …), else "quote". */
  currency: string;
  /** One more decimal per factor of 10 the starting equity is below 100 (0.0226 BTC → 4). */
  extraDecimals: number;
}

/** The money format of a run from its manifest's source and starting equity. */
export function moneyFormat(source: Record<string, unknown> | null, startEquity: number | null): MoneyFormat {
  const named = source?.["quote_currency"];
  const currency = typeof named === "string" && named !== "" ? named : "quote";
  return { currency, extraDecimals: moneyExtraDecimals(startEquity ?? Number.NaN) };
}

/** Integer with thousands separators. */
export function fmtInt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "n/a";
  return Math.round(x).toLocaleString("en-US");
}

/** Percent from a fraction ("1.23%"). */
export function fmtPctFrac(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "n/a";
  return `${(x * 100).toFixed(digits)}%`;
}

/** A confidence level in percent: 0.9 → "90", 0.995 → "99.5". */
export function pct(level: number): string {
  return String(Math.round(level * 1000) / 10);
}

/** p-value: 4 decimals, "<0.0001" below. */
export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return "n/a";
  return p < 0.0001 ? "<0.0001" : p.toFixed(4);
}

/** Largest |epoch ms| a JS Date can hold (±100,000,000 days); toISOString throws beyond it. */
export const MAX_DATE_MS = 8.64e15;

/** ISO time from epoch ms; "n/a" for null, "n/a (ts_ms …)" for a time outside the JS date range. */
export function fmtTs(tsMs: number | null | undefined): string {
  if (tsMs === null || tsMs === undefined || !Number.isFinite(tsMs)) return "n/a";
  if (Math.abs(tsMs) > MAX_DATE_MS) return `n/a (ts_ms ${tsMs})`;
  return new Date(tsMs).toISOString().replace(".000Z", "Z");
}

/** Duration in seconds as "1d 02h 03m 04s" (shortest form). */
export function fmtDuration(secs: number | null | undefined): string {
  if (secs === null || secs === undefined || !Number.isFinite(secs)) return "n/a";
  if (secs < 60) return `${secs.toFixed(secs < 10 ? 2 : 1)}s`;
  let s = Math.round(secs);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const pad = (v: number): string => String(v).padStart(2, "0");
  if (d > 0) return `${d}d ${pad(h)}h ${pad(m)}m`;
  if (h > 0) return `${h}h ${pad(m)}m ${pad(s)}s`;
  return `${m}m ${pad(s)}s`;
}

/** Horizon label: "100ms", "1s", "10s", "primary". */
export function fmtHorizon(ms: number | null): string {
  if (ms === null) return "primary";
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** The numeric cells of one Sharpe window row, shared by the text and HTML renderers. */
export function sharpeWindowCells(w: SharpeWindowModel): string[] {
  return [
    fmtInt(w.n),
    fmtNum(w.sharpeAnnualized, 2),
    fmtNum(w.loSharpeAnnualized, 2),
    fmtNum(w.sharpeSeHacAnnualized, 2),
    fmtNum(w.psrHac, 3),
    fmtNum(w.meanReturnBps, 3),
    fmtNum(w.stdReturnBps, 3),
  ];
}

/** Column headers of the per-arrival-model calibration table (text and HTML). */
export const ARRIVAL_MODEL_COLUMNS = ["forecast", "n", "Brier", "REL", "skill", "mean p", "base rate"];

/** The numeric cells of one per-arrival-model calibration row, shared by the text and HTML renderers. */
export function arrivalModelCells(c: CalibrationModel): string[] {
  return [
    fmtInt(c.n),
    fmtNum(c.brier, 4),
    fmtNum(c.reliability, 4),
    fmtNum(c.skill, 3),
    fmtNum(c.meanForecast, 3),
    fmtNum(c.baseRate, 3),
  ];
}

/** The Brier CI a report shows: from time blocks when present, else the bootstrap. */
export function shownCi(c: {
  brierBlockCi95: [number, number] | null;
  brierCi95: [number, number] | null;
}): [number, number] | null {
  return c.brierBlockCi95 ?? c.brierCi95;
}

/** The Sharpe's unobserved time in words: "none", or "N bucket(s) left out, in G gap(s)". */
export function unobservedText(s: { unobservedBuckets: number; unobservedGaps: number }): string {
  if (s.unobservedGaps === 0) return "none";
  return `${fmtInt(s.unobservedBuckets)} bucket(s) left out, in ${fmtInt(s.unobservedGaps)} gap(s)`;
}

/** The Sharpe's empty buckets in words: "none", or "N in G gap(s); longest D from T". */
export function emptyBucketsText(s: {
  emptyBuckets: number;
  gaps: number;
  longestGapSecs: number | null;
  longestGapStartTsMs: number | null;
}): string {
  if (s.emptyBuckets === 0) return "none";
  return `${fmtInt(s.emptyBuckets)} in ${fmtInt(s.gaps)} gap(s); longest ${fmtDuration(s.longestGapSecs)} from ${fmtTs(s.longestGapStartTsMs)}`;
}

/** A number as plain decimals (0.0000000001, not 1e-10): tick and lot sizes of tiny-priced coins. */
export function plainNumber(x: number): string {
  const s = String(x);
  if (!/e/i.test(s) || !Number.isFinite(x) || Math.abs(x) >= 1) return s;
  // shortest round-trip digits, shifted: 8.004e-7 → 0.0000008004
  const [mant, exp] = s.split(/e/i) as [string, string];
  const neg = mant.startsWith("-");
  const digits = mant.replace(/^-/, "").replace(".", "");
  return `${neg ? "-" : ""}0.${"0".repeat(-Number(exp) - 1)}${digits}`;
}

/** The run's `source` (run.json) as `key=value` pairs, numbers in plain decimals; null when unknown. */
export function sourceText(source: Record<string, unknown> | null): string | null {
  if (source === null) return null;
  const parts = Object.entries(source).map(
    ([k, v]) =>
      `${k}=${typeof v === "string" ? v : typeof v === "number" ? plainNumber(v) : JSON.stringify(v)}`,
  );
  return parts.length > 0 ? parts.join(" ") : null;
}
