/** Parsing of `--since/--until` bounds (ISO-8601 or epoch milliseconds) and the inclusive time filter. */
import { fmtTs, MAX_DATE_MS } from "./format.js";

/** An inclusive time window in epoch ms; null bounds are open. */
export interface TimeRange {
  sinceMs: number | null;
  untilMs: number | null;
}

/** Parse an ISO-8601 date/time or an integer epoch-ms string into epoch ms; throws naming the flag. */
export function parseTimeBound(value: string | number | undefined, flag: string): number | null {
  if (value === undefined || value === "") return null;
  if (typeof value === "number") {
    if (!(Math.abs(value) <= MAX_DATE_MS))
      throw new Error(`${flag}: not a time in the JS date range: ${value}`);
    return value;
  }
  const trimmed = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) {
    const ms = Number(trimmed);
    if (!(Math.abs(ms) <= MAX_DATE_MS)) {
      throw new Error(
        `${flag}: ${value} is outside the JS date range (±${MAX_DATE_MS} ms); epoch ms expected`,
      );
    }
    return ms;
  }
  const iso = /^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
  const ms = iso.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new Error(`${flag}: expected ISO-8601 (2024-08-08T23:54:00Z) or epoch ms, got "${value}"`);
  }
  return ms;
}

/** Build a validated time range; throws when since > until. */
export function makeTimeRange(
  since: string | number | undefined,
  until: string | number | undefined,
): TimeRange {
  const sinceMs = parseTimeBound(since, "--since");
  const untilMs = parseTimeBound(until, "--until");
  if (sinceMs !== null && untilMs !== null && sinceMs > untilMs) {
    throw new Error(`--since (${fmtTs(sinceMs)}) is after --until (${fmtTs(untilMs)})`);
  }
  return { sinceMs, untilMs };
}

/** True when `tsMs` lies inside the inclusive range. */
export function inRange(range: TimeRange, tsMs: number): boolean {
  if (range.sinceMs !== null && tsMs < range.sinceMs) return false;
  if (range.untilMs !== null && tsMs > range.untilMs) return false;
  return true;
}
