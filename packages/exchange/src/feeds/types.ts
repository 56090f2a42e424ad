import type { MarketEvent } from "@mmkit/core";

/** Counters every feed keeps; all counts are since the feed was created. */
export interface FeedStats {
  /** Events emitted per `MarketEvent.type`. */
  events: { snapshot: number; delta: number; bbo: number; trade: number; health: number };
  /** Inbound messages (or lines) received, valid or not. */
  messages: number;
  /** Messages that failed JSON parsing or schema validation. */
  invalidMessages: number;
  /** Messages that were valid but ignored (acks, pongs, unknown channels, non-MARKET trades...). */
  ignoredMessages: number;
  /** Successful reconnects (not counting the first connect). */
  reconnects: number;
  /** Book resyncs (fresh snapshot after a reconnect or a sequence gap, or book updates resuming after a stall). */
  resyncs: number;
  /** Sequence gaps detected (Binance depth `pu` mismatch). */
  gaps: number;
  /** Times the feed was declared stale. */
  staleEvents: number;
  /** Events dropped because a consumer was too slow (bounded buffer). */
  droppedEvents: number;
  /** Free-form extra counters specific to one feed (e.g. `nonMarketTrades`, `allMids`). */
  extra: Record<string, number>;
}

/** A source of normalized market events: async-iterable, closable, observable. */
export interface MarketDataFeed extends AsyncIterable<MarketEvent> {
  /** Human-readable feed name (e.g. `hyperliquid:BTC`). */
  readonly name: string;
  /** Stop the feed and release its resources; pending iterators finish. */
  close(): Promise<void>;
  /** A copy of the current counters. */
  stats(): FeedStats;
}

/** A feed that runs in event time and can be iterated synchronously at maximum speed. */
export interface EventTimeFeed extends MarketDataFeed {
  /** All events in event-time order, synchronously (no pacing). */
  events(): Iterable<MarketEvent>;
}

/** Minimal logger feeds use for invalid messages and lifecycle notes (pino-compatible subset). */
export interface FeedLogger {
  /** Log a warning with structured context. */
  warn(obj: Record<string, unknown>, msg: string): void;
  /** Log an informational note. */
  info(obj: Record<string, unknown>, msg: string): void;
}

/** A logger that discards everything. */
export const silentLogger: FeedLogger = {
  warn: () => {},
  info: () => {},
};

/** Fresh zeroed counters. */
export function emptyFeedStats(): FeedStats {
  return {
    events: { snapshot: 0, delta: 0, bbo: 0, trade: 0, health: 0 },
    messages: 0,
    invalidMessages: 0,
    ignoredMessages: 0,
    reconnects: 0,
    resyncs: 0,
    gaps: 0,
    staleEvents: 0,
    droppedEvents: 0,
    extra: {},
  };
}

/** Deep copy of counters (so callers cannot mutate a feed's state). */
export function copyFeedStats(s: FeedStats): FeedStats {
  return { ...s, events: { ...s.events }, extra: { ...s.extra } };
}

/** Increment a free-form counter. */
export function bumpExtra(s: FeedStats, key: string, by = 1): void {
  s.extra[key] = (s.extra[key] ?? 0) + by;
}
