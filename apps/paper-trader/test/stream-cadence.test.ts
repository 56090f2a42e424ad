/** When the loop writes its periodic and per-order streams: on the dot of the analytics interval, and per placing cycle. */
import { describe, expect, it } from "vitest";
import { loggedGridTrader, streamRecords } from "./helpers.js";
import { GRID_T0 as T0, gridBook, sidedBook } from "./grid-events.js";

/** The ts_ms of each line of `file` in `dir`, relative to T0. */
function times(dir: string, file: string): number[] {
  return streamRecords<{ ts_ms: number }>(dir, file).map((l) => l.ts_ms - T0);
}

describe("the loop's streams over time", () => {
  it("sharpe_metrics and signal_pnl every --analytics-every-sec of market time, the due instant included", () => {
    const { dir, out, t } = loggedGridTrader({ orderSizeBase: 0.001, analyticsEverySec: 2 });
    for (let ts = T0; ts <= T0 + 6000; ts += 100) t.onEvent(gridBook(ts));
    out.close();
    // one portfolio line each (no signal warmed up: no per-signal lines)
    expect(times(dir, "sharpe_metrics.jsonl")).toEqual([2000, 4000, 6000]);
    expect(times(dir, "signal_pnl.jsonl")).toEqual([2000, 4000, 6000]);
  });

  it("signal_contributions only for cycles that placed or replaced an order, not for one that only cancelled", () => {
    const { dir, out, t } = loggedGridTrader();
    // the first cycle places the ladder; on the unchanged book every later one keeps it
    for (let ts = T0; ts <= T0 + 5000; ts += 100) t.onEvent(gridBook(ts));
    expect(t.p.exchange.openOrders().length).toBeGreaterThan(0);
    // the asks vanish: no quotable book, the next cycle cancels every order and places none
    for (let ts = T0 + 5100; ts <= T0 + 6000; ts += 100)
      t.onEvent(sidedBook(ts, [{ price: 99.9, size: 1 }], []));
    expect(t.p.exchange.openOrders()).toEqual([]);
    expect(t.orders.stats.cancelled).toBeGreaterThan(0);
    out.close();
    expect(times(dir, "signal_contributions.jsonl")).toEqual([0]);
  });
});
