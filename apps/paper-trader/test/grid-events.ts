/** Test helper: the hand-made market of the loop tests (a 99.9 / 100.1 book, mid 100, from t = 1,000,000 ms). */
import type { MarketEvent } from "@mmkit/core";

/** Start time of the hand-made market, ms. */
export const GRID_T0 = 1_000_000;

/** A full-book snapshot at `ts`: one lot of 1 at 99.9 and at 100.1 (mid 100). */
export function gridBook(ts: number): MarketEvent {
  return {
    type: "snapshot",
    exchangeTsMs: ts,
    localTsMs: ts,
    bids: [{ price: 99.9, size: 1 }],
    asks: [{ price: 100.1, size: 1 }],
  };
}
