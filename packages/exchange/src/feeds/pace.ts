import type { ClockSource, MarketEvent } from "@mmkit/core";

/** Replay speed: `"max"` (no waiting), `"realtime"` (1×) or a multiplier (2 = twice as fast). */
export type PaceSpeed = "max" | "realtime" | number;

/** Options for `pace`. */
export interface PaceOptions {
  /** Which timestamp drives pacing (default `exchange`). */
  clock?: ClockSource;
  /** Injectable sleep (tests); default `setTimeout`. */
  sleepMs?: (ms: number) => Promise<void>;
  /** Injectable wall clock in ms (tests); default `performance.now()`. */
  nowMs?: () => number;
  /**
   * Events released at once before pacing starts (default 0): a resumed run skips what it already
   * processed without waiting for it; pacing then starts at the first event after them.
   */
  unpacedPrefix?: number;
}

/** Event time of `e` in the chosen clock. */
export function eventTimeMs(e: MarketEvent, clock: ClockSource): number {
  return clock === "local" ? e.localTsMs : e.exchangeTsMs;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Validate a speed value, throwing an Error that names the bad value. */
export function speedMultiplier(speed: PaceSpeed): number {
  if (speed === "max") return Number.POSITIVE_INFINITY;
  if (speed === "realtime") return 1;
  if (typeof speed !== "number" || !(speed > 0)) {
    throw new Error(`pace: speed must be "max", "realtime" or a number > 0, got ${String(speed)}`);
  }
  return speed;
}

/**
 * Pace an event-time source to wall time: event k is released no earlier than
 * (t_k − t_0) / speed after the first one. Events whose clock goes backwards are released
 * immediately (never reordered). `"max"` passes events through without waiting. The first
 * `unpacedPrefix` events pass at once and do not count as the first one.
 */
export async function* pace(
  source: Iterable<MarketEvent> | AsyncIterable<MarketEvent>,
  speed: PaceSpeed,
  opts: PaceOptions = {},
): AsyncGenerator<MarketEvent> {
  const mult = speedMultiplier(speed);
  const clock = opts.clock ?? "exchange";
  const sleep = opts.sleepMs ?? defaultSleep;
  const now = opts.nowMs ?? (() => performance.now());
  let t0Event = Number.NaN;
  let t0Wall = 0;
  let unpaced = opts.unpacedPrefix ?? 0;
  for await (const e of source) {
    if (unpaced > 0) {
      unpaced--;
      yield e;
      continue;
    }
    if (mult !== Number.POSITIVE_INFINITY) {
      const t = eventTimeMs(e, clock);
      if (Number.isNaN(t0Event)) {
        t0Event = t;
        t0Wall = now();
      } else {
        const dueWall = t0Wall + (t - t0Event) / mult;
        const waitMs = dueWall - now();
        if (waitMs >= 1) await sleep(waitMs);
      }
    }
    yield e;
  }
}
