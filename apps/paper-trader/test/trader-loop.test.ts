/** The quote loop's clocks and counters, driven event by event on a fixed book (hand-counted values). */
import { describe, expect, it } from "vitest";
import { gridTrader } from "./helpers.js";
import { GRID_T0 as T0, gridBook, sellSweep } from "./grid-events.js";

describe("the quote loop's counters", () => {
  it("counts every event and quotes once per 250 ms of market time, the first event's instant included", () => {
    const t = gridTrader({ orderSizeBase: 0.001 });
    // 21 books, 50 ms apart, over exactly 1 s: cycles at +0, +250, +500, +750, +1000 ms
    for (let ts = T0; ts <= T0 + 1000; ts += 50) t.onEvent(gridBook(ts));
    expect(t.counters.fills).toBe(0); // no print: no fill-triggered cycle
    expect(t.counters.events).toBe(21);
    expect(t.counters.cycles).toBe(5);
    expect(t.counters.nextQuoteMs).toBe(T0 + 1250);
  });

  it("a late book (stamped before the last) moves neither the market clock nor the data's freshness back", () => {
    const t = gridTrader({ orderSizeBase: 0.001 });
    for (let ts = T0; ts <= T0 + 1000; ts += 100) t.onEvent(gridBook(ts));
    t.onEvent(gridBook(T0 + 500));
    expect(t.counters.events).toBe(12);
    expect(t.counters.lastTsMs).toBe(T0 + 1000);
    expect(t.counters.lastBookTsMs).toBe(T0 + 1000);
  });

  it("a health event before any book runs no quote cycle (nothing to quote on)", () => {
    const t = gridTrader({ orderSizeBase: 0.001 });
    t.onEvent({ type: "health", exchangeTsMs: T0, localTsMs: T0, status: "connected", reason: "open" });
    expect(t.counters.events).toBe(1);
    expect(t.counters.cycles).toBe(0);
    expect(t.p.killSwitch.transitions()).toEqual([]);
  });

  it("a fill runs a quote cycle at once, before the next one is due", () => {
    const t = gridTrader({ orderSizeBase: 0.001 });
    let ts = T0;
    for (; ts <= T0 + 5000; ts += 100) t.onEvent(gridBook(ts));
    const due = t.counters.nextQuoteMs;
    const cycles = t.counters.cycles;
    const at = due - 50; // not due yet
    t.onEvent(sellSweep(at));
    expect(t.counters.fills).toBeGreaterThan(0);
    expect(t.counters.cycles).toBe(cycles + 1);
    expect(t.counters.nextQuoteMs).toBe(at + 250);
  });

  it("the live timer moves the market clock on through a silence", () => {
    const t = gridTrader({ orderSizeBase: 0.001 });
    for (let ts = T0; ts <= T0 + 1000; ts += 100) t.onEvent(gridBook(ts));
    t.onTimer(T0 + 4000);
    expect(t.counters.lastTsMs).toBe(T0 + 4000);
    t.onTimer(T0 + 3000); // a timer behind the clock does not move it back
    expect(t.counters.lastTsMs).toBe(T0 + 4000);
  });
});

describe("a hole in the data", () => {
  it("pulls the quotes resting on the old book before the first print after it can fill them", () => {
    const t = gridTrader({ orderSizeBase: 0.001 });
    let ts = T0;
    for (; ts <= T0 + 5000; ts += 100) t.onEvent(gridBook(ts));
    const lastBook = ts - 100;
    expect(t.p.exchange.openOrders().some((o) => o.side === "buy")).toBe(true);
    // 30 s later (the staleness limit is well below that) a seller sweeps through where our bids were
    t.onEvent(sellSweep(lastBook + 30_000));
    expect(t.counters.fills).toBe(0);
    expect(t.p.exchange.pnl().positionBase).toBe(0);
    expect(t.p.exchange.openOrders()).toEqual([]);
  });

  it("a silence of exactly the staleness limit is not a hole: no stale transition, the clock never runs ahead", () => {
    const t = gridTrader({ orderSizeBase: 0.001 });
    const staleMs = t.p.killSwitch.config.staleDataMs;
    for (let ts = T0; ts <= T0 + 1000; ts += 100) t.onEvent(gridBook(ts));
    t.onEvent(gridBook(T0 + 1000 + staleMs));
    expect(t.p.killSwitch.transitions()).toEqual([]);
    expect(t.counters.lastTsMs).toBe(T0 + 1000 + staleMs);
    // 1 ms longer is one: the risk checks see the data stale 1 ms past the limit, before the event
    t.onEvent(gridBook(T0 + 1001 + 2 * staleMs));
    expect(t.p.killSwitch.transitions().map((x) => [x.tsMs - T0, x.to])).toEqual([
      [1001 + 2 * staleMs, "reduceOnly"],
    ]);
  });

  it("the same print without the hole does fill the resting bids (the check above can fail)", () => {
    const t = gridTrader({ orderSizeBase: 0.001 });
    let ts = T0;
    for (; ts <= T0 + 5000; ts += 100) t.onEvent(gridBook(ts));
    t.onEvent(sellSweep(ts));
    expect(t.counters.fills).toBeGreaterThan(0);
    expect(t.p.exchange.pnl().positionBase).toBeGreaterThan(0);
  });
});

describe("when the loop does not quote", () => {
  it("not between the prints of one sweep, even when a cycle is due", () => {
    const t = gridTrader({ orderSizeBase: 0.001 });
    let ts = T0;
    for (; ts <= T0 + 1000; ts += 100) t.onEvent(gridBook(ts));
    const cycles = t.counters.cycles;
    const at = t.counters.nextQuoteMs + 100; // due
    t.onEvent({
      type: "trade",
      exchangeTsMs: at,
      localTsMs: at,
      trade: {
        price: 100.1,
        size: 0.0001,
        aggressor: "buy",
        exchangeTsMs: at,
        localTsMs: at,
        sweepContinues: true,
      },
    });
    expect(t.counters.cycles).toBe(cycles);
  });

  it("not in a resumed live session until its venue sends a book", () => {
    const t = gridTrader({ orderSizeBase: 0.001 });
    let ts = T0;
    for (; ts <= T0 + 2000; ts += 100) t.onEvent(gridBook(ts));
    expect(t.p.exchange.openOrders().length).toBeGreaterThan(0);
    t.awaitFreshBook();
    t.onTimer(ts + 200); // well inside the staleness limit: only the missing fresh book stops it
    t.onTimer(ts + 400); // the cancels land after the 50 ms latency
    expect(t.p.exchange.openOrders()).toEqual([]);
    for (let now = ts + 300; now <= ts + 1300; now += 100) t.onEvent(gridBook(now));
    expect(t.p.exchange.openOrders().length).toBeGreaterThan(0);
  });
});

describe("the injected crash (--crash-at-sec)", () => {
  it("--crash-at-sec N injects the failure at N s of market time exactly", () => {
    const t = gridTrader({ orderSizeBase: 0.001, crashAtSec: 1 });
    for (let ts = T0; ts < T0 + 1000; ts += 250) t.onEvent(gridBook(ts));
    expect(t.stopReason).toBeNull();
    t.onEvent(gridBook(T0 + 1000)); // a cycle is due at +1000 ms: the first at or past 1 s
    expect(t.stopReason).not.toBeNull();
  });
});
