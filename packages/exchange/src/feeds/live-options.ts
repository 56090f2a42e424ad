import type { BackoffOptions } from "./backoff.js";
import type { FeedLogger } from "./types.js";

/** Options every live websocket feed shares (connection upkeep, buffering, clock, logging). */
export interface LiveFeedOptions {
  /** Reconnect when the book stalls this long (ms, default 30 000; 0 = never). */
  staleReconnectAfterMs?: number;
  /** Connect attempt timeout (ms, default 10 000). */
  connectTimeoutMs?: number;
  /** Backoff of reconnects (and, for Binance, snapshot retries). */
  backoff?: Partial<BackoffOptions>;
  /** Seed of the jitter RNG (default 1). */
  seed?: number;
  /** Logger for invalid messages and lifecycle (default silent). */
  logger?: FeedLogger;
  /** Max events buffered for a slow consumer (default 100 000; oldest dropped and counted). */
  maxBuffered?: number;
  /** Wall clock for `localTsMs` (default `Date.now`). */
  nowMs?: () => number;
}
