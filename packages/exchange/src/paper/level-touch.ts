import type { MarketEvent, Side } from "@mmkit/core";

/** The prices of a delta side as a set (null when the side is empty). */
export function priceSet(levels: readonly { price: number }[]): Set<number> | null {
  if (levels.length === 0) return null;
  const set = new Set<number>();
  for (const l of levels) set.add(l.price);
  return set;
}

/** Whether a book event changes the level an order rests at (BBO: at or through the new touch). */
export function touchesLevel(
  ev: Exclude<MarketEvent, { type: "trade" | "health" }>,
  o: { side: Side; price: number },
): boolean {
  if (ev.type === "bbo") return o.side === "buy" ? o.price >= ev.bbo.bidPrice : o.price <= ev.bbo.askPrice;
  if (ev.type === "snapshot") return true;
  const levels = o.side === "buy" ? ev.bids : ev.asks;
  for (const l of levels) if (l.price === o.price) return true;
  return false;
}
