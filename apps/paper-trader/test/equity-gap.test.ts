/** equity.jsonl around a hole in the data: a line where the data went stale, one carrying the hole after it. */
import { describe, expect, it } from "vitest";
import { loggedGridTrader, streamRecords } from "./helpers.js";
import { GRID_T0 as T0, gridBook } from "./grid-events.js";

describe("equity lines around a hole in the data", () => {
  it("one at the instant the data went stale, then the first after the hole carries that instant", () => {
    const { dir, out, t } = loggedGridTrader();
    const staleMs = t.p.killSwitch.config.staleDataMs;
    // the last book at +2.5 s, between two 1 s samples; the feed comes back 60 s later
    for (let ts = T0; ts <= T0 + 2500; ts += 100) t.onEvent(gridBook(ts));
    const staleAt = T0 + 2500 + staleMs;
    for (let ts = T0 + 62_500; ts <= T0 + 64_000; ts += 100) t.onEvent(gridBook(ts));
    out.close();
    const lines = streamRecords<{ ts_ms: number; unobserved_since_ms?: number }>(dir, "equity.jsonl");
    const times = lines.map((l) => l.ts_ms);
    expect(times).toEqual([T0, T0 + 1000, T0 + 2000, staleAt, T0 + 62_500, T0 + 63_500]);
    expect(lines.map((l) => l.unobserved_since_ms)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      staleAt,
      undefined,
    ]);
    const gaps = streamRecords<{ kind: string; ts_ms: number; details?: Record<string, unknown> }>(
      dir,
      "events.jsonl",
    ).filter((e) => e.kind === "data_gap");
    expect(gaps.length).toBe(1);
    expect(gaps[0]!.ts_ms).toBe(T0 + 62_500);
    expect(gaps[0]!.details).toMatchObject({
      last_book_ts_ms: T0 + 2500,
      unobserved_since_ms: staleAt,
      gap_secs: 60, // 62.5 s − 2.5 s
    });
  });
});
