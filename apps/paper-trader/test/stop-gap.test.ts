/**
 * The data_gap record after a stop: a live run stopped (its statistics paused at its last instant,
 * which the timer moved past the last book) and resumed within the staleness limit. The record
 * names the last book actually seen and measures the gap from it, not from the staleness limit
 * before the pause (the fallback for a pause that began when the data went stale).
 */
import { expect, it } from "vitest";
import { finishTrader } from "../src/shutdown.js";
import { loggedGridTrader, streamRecords } from "./helpers.js";
import { GRID_T0 as T0, gridBook } from "./grid-events.js";

it("a stop 3 s after the last book, the next book 8 s after it: last_book_ts_ms is that book, gap_secs 8", () => {
  const { dir, out, t } = loggedGridTrader();
  for (let ts = T0; ts <= T0 + 60_000; ts += 500) t.onEvent(gridBook(ts));
  t.onTimer(T0 + 63_000); // 3 s of silence (inside the 10 s limit): the clock moves on
  finishTrader(t, "stop requested", true); // a live run's stop: the statistics pause at +63 s
  expect(t.sharpe.pausedAtMs()).toBe(T0 + 63_000);
  t.onEvent(gridBook(T0 + 68_000)); // the resumed session's first book
  out.close();
  const gaps = streamRecords<{ kind: string; ts_ms: number; details?: Record<string, unknown> }>(
    dir,
    "events.jsonl",
  ).filter((e) => e.kind === "data_gap");
  expect(gaps.map((g) => [g.ts_ms - T0, g.details])).toEqual([
    [
      68_000,
      {
        last_book_ts_ms: T0 + 60_000,
        unobserved_since_ms: T0 + 63_000,
        gap_secs: 8, // 68 s − 60 s
        unobserved_buckets: 0, // +63 s and +68 s are in one 60 s bucket (from 1,020,000 ms)
      },
    ],
  ]);
});
