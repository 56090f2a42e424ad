import type { Rng } from "@mmkit/core";

/** Capped exponential backoff with jitter. */
export interface BackoffOptions {
  /** Delay before the first retry (ms). */
  initialMs: number;
  /** Cap on the delay (ms). */
  maxMs: number;
  /** Growth per attempt (≥ 1). */
  factor: number;
  /** Fraction of the delay randomized away: delay ∈ [base·(1 − jitterFrac), base]. */
  jitterFrac: number;
}

/** Defaults: 250 ms doubling to 30 s, 50 % jitter. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 30_000, factor: 2, jitterFrac: 0.5 };

/** Validate backoff options, throwing an Error naming the bad field. */
export function checkBackoff(b: BackoffOptions): BackoffOptions {
  if (!(b.initialMs >= 0)) throw new Error(`backoff.initialMs must be >= 0, got ${b.initialMs}`);
  if (!(b.maxMs >= b.initialMs)) throw new Error(`backoff.maxMs must be >= initialMs, got ${b.maxMs}`);
  if (!(b.factor >= 1)) throw new Error(`backoff.factor must be >= 1, got ${b.factor}`);
  if (!(b.jitterFrac >= 0 && b.jitterFrac <= 1))
    throw new Error(`backoff.jitterFrac must be in [0, 1], got ${b.jitterFrac}`);
  return b;
}

/** Delay before retry number `attempt` (0-based): min(max, initial·factor^attempt) shrunk by jitter. */
export function backoffDelayMs(attempt: number, b: BackoffOptions, rng: Rng): number {
  const base = Math.min(b.maxMs, b.initialMs * b.factor ** Math.max(0, attempt));
  return base * (1 - b.jitterFrac * rng.next());
}
