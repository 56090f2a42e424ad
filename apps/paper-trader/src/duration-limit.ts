/**
 * `--duration`: how long a run lasts — market time from its first event for event-time sources
 * (synthetic, replay), wall time for live ones — and the stop reason that says which.
 */
import type { MarketEvent } from "@mmkit/core";
import { eventTimeMs } from "@mmkit/exchange";
import type { TraderCounters } from "./trader-counters.js";

/** The duration of one run. */
export class DurationLimit {
  /** The duration, ms. */
  readonly ms: number;
  /** The stop reason once it is reached. */
  readonly reason: string;

  constructor(
    durationSec: number,
    private readonly eventTime: boolean,
    private readonly clock: "exchange" | "local",
  ) {
    this.ms = durationSec * 1000;
    this.reason = `duration reached (${durationSec}s of ${eventTime ? "market" : "wall"} time)`;
  }

  /**
   * The end of an event-time run's market time when `ev` lies beyond it (the next event after a
   * hole in the data that outlasts the run), else null.
   */
  endBefore(c: TraderCounters, ev: MarketEvent): number | null {
    if (!this.eventTime || c.firstTsMs === null) return null;
    const end = c.firstTsMs + this.ms;
    return eventTimeMs(ev, this.clock) > end ? end : null;
  }

  /** Whether the run's time so far (its events' clock: live, the local receive time) reached the duration. */
  reached(c: TraderCounters): boolean {
    return c.firstTsMs !== null && c.lastTsMs - c.firstTsMs >= this.ms;
  }
}
