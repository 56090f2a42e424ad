/** Test helper: the hand-made market of the loop tests (a 99.9 / 100.1 book, mid 100, from t = 1,000,000 ms). */
import type { MarketEvent, PriceLevel } from "@mmkit/core";
import type { PaperTrader } from "../src/trader.js";

/** Start time of the hand-made market, ms. */
export const GRID_T0 = 1_000_000;

/** A full-book snapshot at `ts`: one lot of 1 at 99.9 and at 100.1 (mid 100). */
export function gridBook(ts: number): MarketEvent {
  return bookAt(ts, 99.9, 100.1);
}

/** A snapshot at `ts` of one lot of 1 at `bid` and at `ask` (a market that moved off the grid book). */
export function bookAt(ts: number, bid: number, ask: number): MarketEvent {
  return sidedBook(ts, [{ price: bid, size: 1 }], [{ price: ask, size: 1 }]);
}

/** A snapshot at `ts` of the given levels (an empty side: that side has no level). */
export function sidedBook(ts: number, bids: PriceLevel[], asks: PriceLevel[]): MarketEvent {
  return { type: "snapshot", exchangeTsMs: ts, localTsMs: ts, bids, asks };
}

/** A print of 50 at `price` at `ts`, taken by `aggressor`. */
function print50(ts: number, price: number, aggressor: "buy" | "sell"): MarketEvent {
  return {
    type: "trade",
    exchangeTsMs: ts,
    localTsMs: ts,
    trade: { price, size: 50, aggressor, exchangeTsMs: ts, localTsMs: ts },
  };
}

/** A buyer sweeping through our asks at `ts`: a print of 50 at 102 (mid 100). */
export function buySweep(ts: number): MarketEvent {
  return print50(ts, 102, "buy");
}

/** A seller sweeping through our bids at `ts`: a print of 50 at 98 (mid 100). */
export function sellSweep(ts: number): MarketEvent {
  return print50(ts, 98, "sell");
}

/**
 * Books from GRID_T0 to +5 s, then a seller sweeping through our bids (a print of 50 at 98) at
 * +5.1 s, then books every 100 ms to +`endMs`.
 */
export function sweepOurBids(t: PaperTrader, endMs: number): void {
  let ts = GRID_T0;
  for (; ts <= GRID_T0 + 5000; ts += 100) t.onEvent(gridBook(ts));
  t.onEvent(sellSweep(ts));
  for (ts += 100; ts <= GRID_T0 + endMs; ts += 100) t.onEvent(gridBook(ts));
}
