/** Stale depth levels: the levels of an update older than the latest BBO that are better than that BBO. */
import type { PriceLevel } from "@mmkit/core";

/** Drop the levels better than the BBO (`bidPx`, `askPx`); the event itself when none is. */
export function dropBetterIn<T extends { bids: PriceLevel[]; asks: PriceLevel[] }>(
  e: T,
  bidPx: number,
  askPx: number,
): { event: T; dropped: number } {
  const bids = dropBetter(e.bids, (p) => p > bidPx);
  const asks = dropBetter(e.asks, (p) => p < askPx);
  const dropped = e.bids.length - bids.length + (e.asks.length - asks.length);
  return { event: dropped > 0 ? { ...e, bids, asks } : e, dropped };
}

function dropBetter(levels: PriceLevel[], isBetter: (p: number) => boolean): PriceLevel[] {
  let n = 0;
  for (const l of levels) if (l.size > 0 && isBetter(l.price)) n++;
  if (n === 0) return levels;
  return levels.filter((l) => !(l.size > 0 && isBetter(l.price)));
}
