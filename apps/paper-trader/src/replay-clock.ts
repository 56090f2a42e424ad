/**
 * Which clock a replay runs on. A recording written by a live run (`--record`) replays on the
 * clock that run ran on — the local receive time its recorder stored beside the venue's — so a
 * venue clock glitch (books stamped an hour ahead) does not move the replay's market time. A
 * third-party capture keeps the exchange clock: its collector's clock is off (~1.2 s in the samples).
 */
import type { ClockSource, MarketEvent } from "@mmkit/core";
import { type FeedLogger, openReplay, type ReplayFeed, type ReplayFormat } from "@mmkit/exchange";

/** Venue and local timestamps farther apart than this (ms) are counted and warned about once. */
export const CLOCK_SKEW_WARN_MS = 10_000;

/** The clock a replay of `format` runs on: local receive time for the project's recordings, else exchange time. */
export function replayClockOf(format: ReplayFormat): ClockSource {
  return format === "recording" ? "local" : "exchange";
}

/** Options of `openClockedReplay` (those of `openReplay` but the clock). */
export interface ClockedReplayOptions {
  logger: FeedLogger;
  instrument?: string;
  /** Force this clock (a lead follows its traded venue's); default `replayClockOf(format)`. */
  clock?: ClockSource;
}

/** Open a replay on the clock its format calls for (see `replayClockOf`), or on `opts.clock`. */
export function openClockedReplay(
  path: string,
  opts: ClockedReplayOptions,
): { feed: ReplayFeed; clock: ClockSource } {
  // The format is known once the file heads are read: a silent probe, then the real feed.
  const clock = opts.clock ?? replayClockOf(openReplay(path).format);
  const feed = openReplay(path, {
    clock,
    logger: opts.logger,
    ...(opts.instrument !== undefined ? { instrument: opts.instrument } : {}),
  });
  return { feed, clock };
}

/** Counts events whose venue timestamp is far (> `CLOCK_SKEW_WARN_MS`) from their local receive time. */
export class ClockSkewCount {
  /** Events seen. */
  events = 0;
  /** Events whose venue time is more than the limit ahead of their local time. */
  ahead = 0;
  /** Events whose venue time is more than the limit behind their local time. */
  behind = 0;
  /** Largest |venue − local| seen among them (ms). */
  maxAbsMs = 0;

  /** Count one event. */
  observe(ev: MarketEvent): void {
    this.events++;
    const d = ev.exchangeTsMs - ev.localTsMs;
    if (d > CLOCK_SKEW_WARN_MS) this.ahead++;
    else if (d < -CLOCK_SKEW_WARN_MS) this.behind++;
    else return;
    const abs = Math.abs(d);
    if (abs > this.maxAbsMs) this.maxAbsMs = abs;
  }

  /** The warning for what was counted on `clock`, or null when no event was that far off. */
  warning(clock: ClockSource): string | null {
    const far = this.ahead + this.behind;
    if (far === 0) return null;
    const what = `${far} of ${this.events} replayed events have a venue timestamp more than ${CLOCK_SKEW_WARN_MS / 1000} s from their local receive time (${this.ahead} ahead, ${this.behind} behind, up to ${(this.maxAbsMs / 1000).toFixed(1)} s)`;
    return clock === "local"
      ? `${what}: the replay runs on local receive time as the live run did, so they keep their place (the venue stamped them off while the live run recorded them, or this machine's clock was off)`
      : `${what}: the replay runs on the venue's clock, so these events move its market time (reordered or counted late)`;
  }
}

/** `events` passed through, counting clock skew; warns once (with the counts) when the iteration ends. */
export async function* withSkewWarning(
  events: AsyncIterable<MarketEvent>,
  clock: ClockSource,
  logger: FeedLogger,
  count: ClockSkewCount = new ClockSkewCount(),
): AsyncGenerator<MarketEvent> {
  try {
    for await (const ev of events) {
      count.observe(ev);
      yield ev;
    }
  } finally {
    const warning = count.warning(clock);
    if (warning !== null)
      logger.warn({ ahead: count.ahead, behind: count.behind, maxAbsMs: count.maxAbsMs }, warning);
  }
}
