/** Parsing of `--since/--until` bounds (ISO-8601 or epoch milliseconds) and the inclusive time filter. */
import { fmtTs, MAX_DATE_MS } from "./format.js";

/** An inclusive time window in epoch ms; null bounds are open. */
export interface TimeRange {
  sinceMs: number | null;
  untilMs: number | null;
}

/**
 * Smallest bare number taken as epoch ms: 1e11 ms is 1973-03-03. Below it a number is not a
 * trading time in ms: up to 1e10 it reads as epoch seconds (2286-11-20 in seconds; 1970-04-26 in
 * ms), and a 1970–1973 time in ms is a unit mix-up far more often than a wanted bound.
 */
export const MIN_EPOCH_MS_NUMBER = 1e11;

/** Largest bare number that reads as epoch seconds (≈ 2286-11-20). */
const MAX_EPOCH_SECS_NUMBER = 1e10;

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Days in a month of a year (proleptic Gregorian). */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The calendar fields of an ISO string that cannot exist ("month 13", "day 30 of 2025-02"), or null. */
function impossibleField(m: RegExpExecArray): string | null {
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) return `month ${m[2]} does not exist`;
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return `day ${m[3]} does not exist in ${m[1]}-${m[2]} (${days} days)`;
  if (m[4] !== undefined && Number(m[4]) > 23) return `hour ${m[4]} does not exist`;
  if (m[5] !== undefined && Number(m[5]) > 59) return `minute ${m[5]} does not exist`;
  if (m[6] !== undefined && Number(m[6]) > 59) return `second ${m[6]} does not exist`;
  const off = m[8] === undefined || m[8] === "Z" ? null : /^[+-](\d{2}):?(\d{2})$/.exec(m[8]);
  if (off !== null && (Number(off[1]) > 23 || Number(off[2]) > 59))
    return `UTC offset ${m[8]} does not exist`;
  return null;
}

/** Epoch ms of a bare number, or an error naming the flag when it is not a plausible ms time. */
function epochMs(n: number, shown: string, flag: string): number {
  if (!(Math.abs(n) <= MAX_DATE_MS))
    throw new Error(`${flag}: ${shown} is outside the JS date range (±${MAX_DATE_MS} ms); epoch ms expected`);
  if (n >= MIN_EPOCH_MS_NUMBER) return n;
  if (n > 0 && n <= MAX_EPOCH_SECS_NUMBER)
    throw new Error(
      `${flag}: ${shown} looks like epoch seconds (${fmtTs(n * 1000)}); give epoch ms (${n * 1000}) or an ISO-8601 date`,
    );
  throw new Error(
    `${flag}: ${shown} is not a plausible epoch-ms time (numbers below ${MIN_EPOCH_MS_NUMBER}, i.e. before ${fmtTs(MIN_EPOCH_MS_NUMBER)}, are refused); give epoch ms or an ISO-8601 date`,
  );
}

/**
 * Parse an ISO-8601 date/time (a real calendar date: 2025-02-30 is refused, not rolled over) or an
 * epoch-ms number (≥ {@link MIN_EPOCH_MS_NUMBER}; one that looks like seconds is refused) into epoch
 * ms; throws naming the flag and the value.
 */
export function parseTimeBound(value: string | number | undefined, flag: string): number | null {
  if (value === undefined || value === "") return null;
  if (typeof value === "number") return epochMs(value, String(value), flag);
  const trimmed = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return epochMs(Number(trimmed), value, flag);
  const m = ISO_RE.exec(trimmed);
  const bad = m === null ? null : impossibleField(m);
  if (bad !== null) throw new Error(`${flag}: "${value}" is not a calendar date/time: ${bad}`);
  const ms = m === null ? Number.NaN : Date.parse(trimmed);
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
