import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AnalyticsLogger } from "@mmkit/analytics";
import { describe, expect, it } from "vitest";
import { gridTrader, tempDir } from "./helpers.js";

describe("the first equity sample", () => {
  it("comes with the exchange's first mark price, not a whole sampling interval after a first event without one", () => {
    const dir = tempDir();
    const out = new AnalyticsLogger({ dir, flushIntervalMs: 0 });
    const t = gridTrader({ orderSizeBase: 0.001 }, null, undefined, out);
    const T0 = 1_000_000;
    // A capture may open with a print before any book (Binance spot): no mark price yet.
    const trade = { price: 100, size: 1, aggressor: "buy" as const, exchangeTsMs: T0, localTsMs: T0 };
    t.onEvent({ type: "trade", exchangeTsMs: T0, localTsMs: T0, trade });
    for (let ts = T0 + 100; ts <= T0 + 2500; ts += 100)
      t.onEvent({
        type: "snapshot",
        exchangeTsMs: ts,
        localTsMs: ts,
        bids: [{ price: 99.9, size: 1 }],
        asks: [{ price: 100.1, size: 1 }],
      });
    out.close();
    const times = readFileSync(join(dir, "equity.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { ts_ms: number }).ts_ms);
    expect(times[0]).toBe(T0 + 100); // the first book's mid: the first mark
    expect(times[1]).toBe(T0 + 1100); // then every second
  });
});
