/** Before the first book: a timer or a trade print has no book to quote on, and must neither quote nor halt the run. */
import { describe, expect, it } from "vitest";
import { gridTrader } from "./helpers.js";
import { GRID_T0 as T0, gridBook, sellSweep } from "./grid-events.js";

describe("before the first book", () => {
  it("a timer before any event does nothing: no cycle, no clock, no kill-switch transition", () => {
    const t = gridTrader({ orderSizeBase: 0.001 });
    t.onTimer(T0);
    t.onTimer(T0 + 1000);
    expect(t.counters.firstTsMs).toBeNull();
    expect(t.counters.cycles).toBe(0);
    expect(t.counters.lastTsMs).toBe(0);
    expect(t.p.killSwitch.transitions()).toEqual([]);
    // the first book starts the run at its own time, and the loop quotes from it
    for (let ts = T0 + 2000; ts <= T0 + 3000; ts += 100) t.onEvent(gridBook(ts));
    expect(t.counters.firstTsMs).toBe(T0 + 2000);
    expect(t.p.exchange.openOrders().length).toBeGreaterThan(0);
  });

  it("a trade print before any book does not halt the run (no mark price yet: the equity is the capital)", () => {
    const t = gridTrader({ orderSizeBase: 0.001 });
    t.onEvent(sellSweep(T0)); // a cycle is due at the run's first event
    expect(t.counters.cycles).toBe(1);
    expect(t.stopReason).toBeNull();
    expect(t.p.killSwitch.state()).toBe("reduceOnly"); // no market data yet
    expect(t.p.killSwitch.reason()).toContain("no market data yet");
    for (let ts = T0 + 100; ts <= T0 + 2000; ts += 100) t.onEvent(gridBook(ts));
    expect(t.stopReason).toBeNull();
    expect(t.p.killSwitch.state()).toBe("active");
    expect(t.p.exchange.openOrders().length).toBeGreaterThan(0);
  });
});
