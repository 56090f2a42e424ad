// A live session resumed within the staleness limit of its stop: the statistics pause of the stop
// ends with the first fresh book of the new session, not with the resume's first timer tick (which
// still sees the checkpoint's book and used to write a data_gap 10 s too long, before any data).
import type { MarketEvent } from "@mmkit/core";
import { expect, it } from "vitest";
import { gridTrader } from "./helpers.js";

const T0 = 1_700_000_000_000;

const book = (t: number, mid: number): MarketEvent => ({
  type: "snapshot",
  exchangeTsMs: t,
  localTsMs: t,
  bids: [{ price: mid - 0.05, size: 1 }],
  asks: [{ price: mid + 0.05, size: 1 }],
});

it("a stop's pause ends at the next session's first fresh book, not at its first timer tick", () => {
  const t = gridTrader({ durationSec: 3600 });
  for (let k = 0; k <= 120; k++) t.onEvent(book(T0 + k * 500, 100 + (k % 3) * 0.1)); // 60 s of books
  const stopMs = T0 + 60_000;
  t.analytics.pauseStatistics(stopMs); // the stop (SIGINT) pauses the statistics at its last instant
  const gapsBefore = t.sharpe.unobservedBuckets;
  // resumed 1.5 s later: the timer runs at once, while the checkpoint's book is < 10 s old
  t.onTimer(stopMs + 1_500);
  t.onTimer(stopMs + 2_500);
  expect(t.sharpe.pausedAtMs()).toBe(stopMs); // still paused: no data of this session yet
  // the venue's first book, 4 s after the stop
  t.onEvent(book(stopMs + 4_000, 100.1));
  expect(t.sharpe.pausedAtMs()).toBeNull();
  expect(t.sharpe.unobservedBuckets).toBe(gapsBefore); // no whole bucket in a 4 s gap
  expect(t.counters.lastBookTsMs).toBe(stopMs + 4_000);
});
