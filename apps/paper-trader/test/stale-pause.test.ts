/**
 * The 1 ms boundaries of the statistics' pause on stale data: a silence of exactly the staleness
 * limit is no gap (no pause, no data_gap record); 1 ms more is one. And the equity line written
 * where the data went stale is not written twice when a line already sits at that instant.
 */
import { describe, expect, it } from "vitest";
import { loggedGridTrader, streamRecords } from "./helpers.js";
import { GRID_T0 as T0, gridBook } from "./grid-events.js";

interface EventLine {
  kind: string;
  ts_ms: number;
  details?: Record<string, unknown>;
}

/** The data_gap records of `dir`'s events.jsonl. */
function dataGaps(dir: string): EventLine[] {
  return streamRecords<EventLine>(dir, "events.jsonl").filter((e) => e.kind === "data_gap");
}

describe("when the statistics pause on stale data", () => {
  it("not after a silence of exactly the staleness limit; after 1 ms more, from the instant it went stale", () => {
    const { dir, out, t } = loggedGridTrader();
    const staleMs = t.p.killSwitch.config.staleDataMs;
    for (let ts = T0; ts <= T0 + 1000; ts += 100) t.onEvent(gridBook(ts));
    const atLimit = T0 + 1000 + staleMs;
    t.onEvent(gridBook(atLimit));
    expect(t.sharpe.pausedAtMs()).toBeNull();
    out.flush();
    expect(dataGaps(dir)).toEqual([]);
    // 1 ms longer: the statistics pause where the book went stale, the next book ends the gap
    const after = atLimit + staleMs + 1;
    t.onEvent(gridBook(after));
    out.close();
    const gaps = dataGaps(dir);
    expect(
      gaps.map((g) => [g.ts_ms, g.details?.["last_book_ts_ms"], g.details?.["unobserved_since_ms"]]),
    ).toEqual([[after, atLimit, atLimit + staleMs]]);
  });

  it("one equity line at the stale instant when the live timer already wrote one there", () => {
    const { dir, out, t } = loggedGridTrader();
    const staleMs = t.p.killSwitch.config.staleDataMs;
    for (let ts = T0; ts <= T0 + 2000; ts += 100) t.onEvent(gridBook(ts)); // lines at +0, +1, +2 s
    const staleAt = T0 + 2000 + staleMs;
    t.onTimer(staleAt); // the last book exactly the limit old: still fresh, a periodic line here
    t.onTimer(staleAt + 500); // stale since staleAt, where a line already is
    expect(t.sharpe.pausedAtMs()).toBe(staleAt);
    t.onEvent(gridBook(T0 + 20_000)); // fresh data: the line carrying the gap
    out.close();
    const lines = streamRecords<{ ts_ms: number; unobserved_since_ms?: number }>(dir, "equity.jsonl");
    expect(lines.map((l) => l.ts_ms - T0)).toEqual([0, 1000, 2000, 2000 + staleMs, 20_000]);
    expect(lines.at(-1)!.unobserved_since_ms).toBe(staleAt);
  });
});
