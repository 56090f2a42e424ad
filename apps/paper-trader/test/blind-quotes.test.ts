/** No quotes while blind: once the book is older than the staleness limit every order is pulled, reduce-only ones too. */
import { describe, expect, it } from "vitest";
import { gridTrader } from "./helpers.js";
import { GRID_T0 as T0, gridBook, sellSweep } from "./grid-events.js";

describe("quoting while the market data is stale", () => {
  it("pulls every order, the reducing side included, until fresh data comes", () => {
    const t = gridTrader({ orderSizeBase: 0.001 });
    let ts = T0;
    for (; ts < T0 + 5000; ts += 100) t.onEvent(gridBook(ts));
    // a seller sweeps through our bids: we are long
    t.onEvent(sellSweep(ts));
    for (ts += 100; ts < T0 + 7000; ts += 100) t.onEvent(gridBook(ts));
    const lastBook = ts - 100;
    expect(t.p.exchange.pnl().positionBase).toBeGreaterThan(0);
    expect(t.p.exchange.openOrders().length).toBeGreaterThan(0);
    // the feed goes silent; the live timer ticks on past the 10 s limit: the kill switch goes
    // reduce-only, and nothing may rest on the 10-second-old book, the asks that would reduce included
    for (let now = lastBook + 1000; now <= lastBook + 15_000; now += 1000) t.onTimer(now);
    expect(t.p.killSwitch.state()).toBe("reduceOnly");
    expect(t.p.exchange.openOrders()).toEqual([]);
    // fresh data: quoting resumes (reduce-only lifts once the checks pass)
    for (let now = lastBook + 16_000; now <= lastBook + 20_000; now += 100) t.onEvent(gridBook(now));
    expect(t.p.exchange.openOrders().length).toBeGreaterThan(0);
  });
});
