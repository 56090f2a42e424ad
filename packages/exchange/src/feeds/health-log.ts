import type { MarketEvent } from "@mmkit/core";
import { LogThrottle } from "./log-throttle.js";
import type { FeedLogger } from "./types.js";

/** A feed's health event. */
type HealthEvent = Extract<MarketEvent, { type: "health" }>;

/** Options of a `FeedHealthLog`. */
export interface FeedHealthLogOptions {
  /** At most one line per this (ms of event local time) per kind of routine line (default 60 000). */
  intervalMs?: number;
  /** A reconnect after an outage at least this long is logged at warn (ms, default 5 000). */
  outageWarnMs?: number;
}

/**
 * Logs a live feed's health events so that a flapping venue (one that drops every connection
 * shortly after it opens) costs a few lines per minute, while every event is still handled and
 * counted by the caller. The rule, per kind (intervals in the events' local time):
 * - `disconnected`: warn; the first in full, then at most one per `intervalMs` carrying
 *   `suppressed` (not logged since the previous line) and `total` (`LogThrottle`).
 * - `connected`: the first connect at info; a reconnect at warn when the outage before it lasted
 *   `outageWarnMs` or more (quotes were likely pulled: the user must see the recovery), else at
 *   info, throttled like `disconnected`.
 * - `resynced`: the first one (the book's initial sync, e.g. a replay's REST snapshot) at info;
 *   following a reconnect: info, throttled likewise; after a stall (no reconnect): warn.
 * - `stale`: warn, every time.
 * `flush()` (at the end of the run) logs the counts still unreported.
 */
export class FeedHealthLog {
  private readonly drops: LogThrottle;
  private readonly reconnects: LogThrottle;
  private readonly resyncs: LogThrottle;
  private readonly outageWarnMs: number;
  private tMs = 0;
  private downSinceMs: number | null = null;
  private resyncFollowsReconnect = false;
  private synced = false;

  constructor(
    private readonly logger: FeedLogger,
    private readonly prefix: string,
    opts: FeedHealthLogOptions = {},
  ) {
    const intervalMs = opts.intervalMs ?? 60_000;
    this.outageWarnMs = opts.outageWarnMs ?? 5_000;
    const clock = (): number => this.tMs;
    this.drops = new LogThrottle(logger, intervalMs, clock);
    this.reconnects = new LogThrottle(logger, intervalMs, clock, "info");
    this.resyncs = new LogThrottle(logger, intervalMs, clock, "info");
  }

  /** Log one health event by the rule above. */
  note(ev: HealthEvent): void {
    this.tMs = ev.localTsMs;
    const fields = { status: ev.status, reason: ev.reason };
    const line = `${this.prefix} ${ev.status}: ${ev.reason}`;
    switch (ev.status) {
      case "disconnected":
        if (this.downSinceMs === null) this.downSinceMs = ev.localTsMs;
        this.drops.note(fields, line);
        return;
      case "connected": {
        const downSince = this.downSinceMs;
        this.downSinceMs = null;
        if (downSince === null) {
          this.logger.info(fields, line);
          return;
        }
        this.resyncFollowsReconnect = true;
        const downMs = Math.max(0, ev.localTsMs - downSince);
        if (downMs >= this.outageWarnMs)
          this.logger.warn({ ...fields, downMs }, `${line} (after ${(downMs / 1000).toFixed(1)} s down)`);
        else this.reconnects.note({ ...fields, downMs }, line);
        return;
      }
      case "resynced":
        if (!this.synced) {
          this.synced = true;
          this.resyncFollowsReconnect = false;
          this.logger.info(fields, line);
        } else if (this.resyncFollowsReconnect) {
          this.resyncFollowsReconnect = false;
          this.resyncs.note(fields, line);
        } else this.logger.warn(fields, line);
        return;
      case "stale":
        this.logger.warn(fields, line);
        return;
    }
  }

  /** Log the disconnects, reconnects and resyncs not logged one by one (if any). */
  flush(): void {
    this.drops.flush(`${this.prefix} disconnects (not logged one by one)`);
    this.reconnects.flush(`${this.prefix} quick reconnects (not logged one by one)`);
    this.resyncs.flush(`${this.prefix} resyncs after a reconnect (not logged one by one)`);
  }
}
