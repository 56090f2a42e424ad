/** Unit conversions: the one place where fractions of mid, basis points and time units meet. */

/** Basis points in one unit fraction (1 = 100% = 10,000 bps). */
export const BPS_PER_FRAC = 10_000;

/** Milliseconds per second. */
export const MS_PER_SEC = 1_000;

/** Convert a fraction of mid (e.g. 0.0001) to basis points (1). */
export function fracToBps(frac: number): number {
  return frac * BPS_PER_FRAC;
}

/** Convert basis points (e.g. 1) to a fraction of mid (0.0001). */
export function bpsToFrac(bps: number): number {
  return bps / BPS_PER_FRAC;
}

/** Convert milliseconds to seconds. */
export function msToSec(ms: number): number {
  return ms / MS_PER_SEC;
}

/** Convert seconds to milliseconds. */
export function secToMs(sec: number): number {
  return sec * MS_PER_SEC;
}
