import type { ClockSource, MarketEvent } from "@mmkit/core";

/** Replay speed: `"max"` (no waiting), `"realtime"` (1×) or a multiplier (2 = twice as fast). */
export type PaceSpeed = "max" | "realtime" | number;

/** Options for `pace`. */
export interface PaceOptions {
  /** Which timestamp drives pacing (default `exchange`). */
  clock?: ClockSource;
  /** Injectable sleep (tests); default `setTimeout`, ended early by `signal`'s abort. */
  sleepMs?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable wall clock in ms (tests); default `performance.now()`. */
  nowMs?: () => number;
  /**
   * Events released at once before pacing starts (default 0): a resumed run skips what it already
   * processed without waiting for it; pacing then starts at the first event after them.
   */
  unpacedPrefix?: number;
  /**
   * Stop request: a wait for the next event ends as soon as it aborts (however long the gap), and
   * the pacing ends without releasing that event (a resume replays it). Not aborted: no effect.
   */
  signal?: AbortSignal | undefined;
}

/** Longest single sleep: a long wait is slept in slices (a timer above 2³¹−1 ms would fire at once). */
export const MAX_SLEEP_SLICE_MS = 60_000;

/** Event time of `e` in the chosen clock. */
export function eventTimeMs(e: MarketEvent, clock: ClockSource): number {
  return clock === "local" ? e.localTsMs : e.exchangeTsMs;
}

/** Sleep `ms`, or until `signal` aborts (at once when it already has). */
function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
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
 * `unpacedPrefix` events pass at once and do not count as the first one. When `signal` aborts
 * during a wait, the wait ends at once and the pacing ends (the event waited for is not released).
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
  const signal = opts.signal;
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
        for (let waitMs = dueWall - now(); waitMs >= 1; waitMs = dueWall - now()) {
          if (signal?.aborted) return;
          await sleep(Math.min(waitMs, MAX_SLEEP_SLICE_MS), signal);
        }
        if (signal?.aborted) return;
      }
    }
    yield e;
  }
}
