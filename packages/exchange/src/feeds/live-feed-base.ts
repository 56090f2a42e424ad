import type { FeedHealthStatus, MarketEvent } from "@mmkit/core";
import { AsyncQueue } from "./async-queue.js";
import type { LiveFeedOptions } from "./live-options.js";
import { LogThrottle } from "./log-throttle.js";
import type { BadPrints } from "./print-check.js";
import {
  bumpExtra,
  copyFeedStats,
  emptyFeedStats,
  type FeedLogger,
  type FeedStats,
  type MarketDataFeed,
  silentLogger,
} from "./types.js";
import type { WsSession } from "./ws-session.js";

/**
 * What every live websocket feed shares: the bounded event queue a consumer iterates, the counters,
 * the clock and logger, starting the session on first use, `health` events and the throttled log
 * of invalid frames. A venue's feed adds its session, subscriptions and message handling.
 */
export abstract class LiveFeedBase implements MarketDataFeed {
  /** `<venue>:<instrument>`. */
  readonly name: string;
  protected readonly queue: AsyncQueue<MarketEvent>;
  protected readonly counters = emptyFeedStats();
  protected readonly logger: FeedLogger;
  protected readonly now: () => number;
  /** Newest exchange time seen; stamps `health` events (local time before any). */
  protected lastExchangeTsMs = 0;
  /** Invalid frames: the first logged, then at most one line per 30 s. */
  protected readonly invalidLog: LogThrottle;
  /** The venue connection (created by the subclass's constructor). */
  protected abstract readonly session: WsSession;
  private started = false;

  protected constructor(name: string, o: LiveFeedOptions) {
    this.name = name;
    this.logger = o.logger ?? silentLogger;
    this.now = o.nowMs ?? Date.now;
    this.queue = new AsyncQueue(o.maxBuffered ?? 100_000);
    this.invalidLog = new LogThrottle(this.logger, 30_000, this.now);
  }

  /** Start connecting (also done by the first iteration). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.session.start();
  }

  /** Counters (copy). */
  stats(): FeedStats {
    const s = copyFeedStats(this.counters);
    s.droppedEvents = this.queue.dropped;
    return s;
  }

  /** Close the socket, stop timers, finish iteration (resolves once the socket is closed). */
  abstract close(): Promise<void>;

  [Symbol.asyncIterator](): AsyncIterator<MarketEvent> {
    this.start();
    return this.queue[Symbol.asyncIterator]();
  }

  /** Queue an event for the consumer, counted by type. */
  protected push(e: MarketEvent): void {
    this.counters.events[e.type]++;
    this.queue.push(e);
  }

  /** Queue a `health` event stamped now (local) and at the newest exchange time seen. */
  protected health(status: FeedHealthStatus, reason: string): void {
    const t = this.now();
    this.push({ type: "health", exchangeTsMs: this.lastExchangeTsMs || t, localTsMs: t, status, reason });
  }

  /** Count an invalid frame and log it (throttled) with the start of its text. */
  protected dropInvalid(error: string, text: string): void {
    this.counters.invalidMessages++;
    this.invalidLog.warn({ feed: this.name, error, sample: text.slice(0, 200) }, "invalid message dropped");
  }

  /** Count prints dropped from a valid frame (price or size ≤ 0) and log it (throttled like invalid frames). */
  protected dropBadPrints(bad: BadPrints, text: string): void {
    bumpExtra(this.counters, "badPrintsDropped", bad.count);
    this.invalidLog.warn(
      { feed: this.name, error: bad.error, dropped: bad.count, sample: text.slice(0, 200) },
      "bad print(s) dropped, the frame's other prints kept",
    );
  }

  /** Flush the throttled invalid-frame log (at close). */
  protected flushInvalidLog(): void {
    this.invalidLog.flush("invalid messages dropped (not logged one by one)", { feed: this.name });
  }
}
