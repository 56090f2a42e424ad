/** Book events as the `SignalStack` applies them: to an `L2Book` (crossed or invalid = rejected), with finite timestamps. */
import type { L2Book, MarketEvent } from "@mmkit/core";

/** The error for a market event whose clock timestamp is not a finite number (state left untouched). */
export function badTimestamp(where: string, exchangeClock: boolean, ts: number): RangeError {
  const field = exchangeClock ? "exchangeTsMs" : "localTsMs";
  return new RangeError(`${where}: event ${field} must be finite, got ${ts}`);
}

/** Apply a book event to `book`; false when it was rejected as crossed or invalid (price ≤ 0). */
export function applyBookEvent(
  book: L2Book,
  ev: Extract<MarketEvent, { type: "snapshot" | "delta" | "bbo" }>,
): boolean {
  try {
    if (ev.type === "snapshot") book.applySnapshot(ev.bids, ev.asks, ev.exchangeTsMs, ev.localTsMs);
    else if (ev.type === "delta") book.applyDelta(ev.bids, ev.asks, ev.exchangeTsMs, ev.localTsMs);
    else book.applyBbo(ev.bbo, ev.exchangeTsMs, ev.localTsMs);
  } catch (e) {
    if (e instanceof Error && (e.name === "CrossedBookError" || e.name === "InvalidLevelError")) return false;
    throw e;
  }
  return true;
}
