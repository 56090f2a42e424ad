/** A one-sided or empty book: nothing to quote against, so no quotes, but no halt either; quoting resumes with a two-sided book. */
import { describe, expect, it } from "vitest";
import { gridTrader } from "./helpers.js";
import { GRID_T0 as T0, gridBook, sidedBook } from "./grid-events.js";

const BID = [{ price: 99.9, size: 1 }];
const ASK = [{ price: 100.1, size: 1 }];

describe.each([
  ["asks gone (bids only)", BID, []],
  ["bids gone (asks only)", [], ASK],
  ["both sides gone", [], []],
])("a book with %s", (_name, bids, asks) => {
  it("pulls every quote without halting, and quoting resumes once the book is two-sided again", () => {
    const t = gridTrader({ orderSizeBase: 0.001 });
    let ts = T0;
    for (; ts <= T0 + 3000; ts += 100) t.onEvent(gridBook(ts));
    expect(t.p.exchange.openOrders().length).toBeGreaterThan(0);
    // 2 s of the damaged book (inside the 10 s staleness limit: the book is fresh, just not quotable)
    for (; ts <= T0 + 5000; ts += 100) t.onEvent(sidedBook(ts, bids, asks));
    expect(t.p.exchange.rejectedBookEvents).toBe(0); // accepted: a one-sided book is a valid book
    expect(t.stopReason).toBeNull();
    expect(t.p.killSwitch.state()).not.toBe("halted");
    expect(t.p.exchange.openOrders()).toEqual([]);
    // the two-sided book is back: both sides are quoted again, no halt on the way
    for (; ts <= T0 + 8000; ts += 100) t.onEvent(gridBook(ts));
    expect(t.stopReason).toBeNull();
    const open = t.p.exchange.openOrders();
    expect(open.some((o) => o.side === "buy" && o.price < 100)).toBe(true);
    expect(open.some((o) => o.side === "sell" && o.price > 100)).toBe(true);
  });
});
