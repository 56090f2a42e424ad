import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StaleWatchdog } from "./stale-watchdog.js";

// The watchdog on a fake clock: its timer checks every min(staleAfterMs, reconnectAfterMs)/4 ms.

describe("StaleWatchdog", () => {
  let now = 0;
  let stale: number[] = [];
  let reconnect: number[] = [];
  const make = (staleAfterMs: number, reconnectAfterMs: number): StaleWatchdog =>
    new StaleWatchdog(
      staleAfterMs,
      reconnectAfterMs,
      (s) => stale.push(s),
      (s) => reconnect.push(s),
      () => now,
    );
  /** Advance the clock and the timers together, 1 ms at a time, by `ms`. */
  const advance = (ms: number): void => {
    for (let i = 0; i < ms; i++) {
      now++;
      vi.advanceTimersByTime(1);
    }
  };

  beforeEach(() => {
    vi.useFakeTimers();
    now = 0;
    stale = [];
    reconnect = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is stale after exactly staleAfterMs of silence, once; asks for a reconnect at exactly reconnectAfterMs, once", () => {
    const w = make(100, 400); // checks every 25 ms
    w.arm();
    advance(75);
    expect(stale).toEqual([]);
    advance(25); // silent for 100 ms
    expect(stale).toEqual([100]);
    expect(w.isStale).toBe(true);
    advance(275);
    expect(reconnect).toEqual([]);
    advance(25); // silent for 400 ms
    expect(reconnect).toEqual([400]);
    advance(1000);
    expect([stale.length, reconnect.length]).toEqual([1, 1]);
    w.disarm();
  });

  it("an update ends the stale period (touch says so once) and a new stall is reported and reconnected again", () => {
    const w = make(100, 200);
    w.arm();
    advance(200);
    expect([stale, reconnect]).toEqual([[100], [200]]);
    expect(w.touch()).toBe(true);
    expect(w.touch()).toBe(false);
    advance(200);
    expect([stale, reconnect]).toEqual([
      [100, 100],
      [200, 200],
    ]);
    w.disarm();
  });

  it("checks every quarter of staleAfterMs: a stall due at 110 ms is reported at the 125 ms check", () => {
    const w = make(100, 0);
    w.arm();
    advance(10);
    w.touch(); // stale due at 110
    advance(114);
    expect(stale).toEqual([]);
    advance(1); // the check at 125 ms: silent 115
    expect(stale).toEqual([115]);
    w.disarm();
  });

  it("reconnectAfterMs 0 never asks for a reconnect", () => {
    const w = make(100, 0);
    w.arm();
    advance(5000);
    expect([stale.length, reconnect.length]).toEqual([1, 0]);
    w.disarm();
  });
});
