import { describe, expect, it } from "vitest";
import { loggedGridTrader, streamRecords } from "./helpers.js";
import { GRID_T0 as T0, gridBook } from "./grid-events.js";

describe("the first equity sample", () => {
  it("comes with the exchange's first mark price, not a whole sampling interval after a first event without one", () => {
    const { dir, out, t } = loggedGridTrader();
    // A capture may open with a print before any book (Binance spot): no mark price yet.
    const trade = { price: 100, size: 1, aggressor: "buy" as const, exchangeTsMs: T0, localTsMs: T0 };
    t.onEvent({ type: "trade", exchangeTsMs: T0, localTsMs: T0, trade });
    for (let ts = T0 + 100; ts <= T0 + 2500; ts += 100) t.onEvent(gridBook(ts));
    out.close();
    const times = streamRecords<{ ts_ms: number }>(dir, "equity.jsonl").map((r) => r.ts_ms);
    expect(times[0]).toBe(T0 + 100); // the first book's mid: the first mark
    expect(times[1]).toBe(T0 + 1100); // then every second
  });
});
