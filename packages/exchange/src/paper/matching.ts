import type { Rng, Trade } from "@mmkit/core";
import type { FillModel } from "./fill-models.js";
import { type PaperOrder, type VirtualOrder, openSize } from "./resting.js";

/** One of our orders' share of a print. */
export interface Allocation {
  order: PaperOrder;
  size: number;
}

function reaches(price: number, tr: Trade): boolean {
  return tr.aggressor === "buy" ? price <= tr.price : price >= tr.price;
}

/**
 * Allocate one trade print across our resting orders on the side it hit (`list`, in price-time
 * priority): best price first, each order limited to what is left of the print, so no two of our
 * orders fill from the same traded quantity. Updates queue state (prints at our price consume the
 * queue ahead; a print through our price empties it). Returns the fills in allocation order.
 */
export function allocatePrint(
  list: readonly PaperOrder[],
  tr: Trade,
  model: FillModel,
  rng: Rng,
): Allocation[] {
  const fills: Allocation[] = [];
  let remaining = tr.size;
  let levelPrice = Number.NaN;
  let othersAtLevel = 0;
  let othersAtTradePrice = 0;
  for (const o of list) {
    if (!reaches(o.price, tr)) break;
    if (o.price !== levelPrice) {
      levelPrice = o.price;
      othersAtLevel = 0;
    }
    const through = o.price !== tr.price;
    const d = model.allocate(o, {
      through,
      remainingQty: remaining,
      othersConsumedAtLevel: othersAtLevel,
      openSize: openSize(o),
      rng,
    });
    othersAtLevel += d.othersConsumed;
    remaining -= d.othersConsumed;
    if (!through) othersAtTradePrice = othersAtLevel;
    if (d.fillSize > 0) {
      remaining -= d.fillSize;
      fills.push({ order: o, size: d.fillSize });
    }
  }
  for (const o of list) {
    if (!reaches(o.price, tr)) break;
    if (o.price === tr.price) {
      o.queueAheadSize = Math.max(0, o.queueAheadSize - othersAtTradePrice);
      o.tradedSinceUpdate += tr.size;
    } else {
      o.queueAheadSize = 0;
    }
  }
  return fills;
}

/**
 * Show a print to the virtual orders (cancelled orders still observed for their prediction).
 * Each sees the whole print independently and consumes nothing. Returns the ids that would have
 * filled (they need no further observation).
 */
export function observePrint(
  virtuals: Iterable<VirtualOrder>,
  tr: Trade,
  model: FillModel,
  rng: Rng,
): string[] {
  const hitSide = tr.aggressor === "buy" ? "sell" : "buy";
  const filled: string[] = [];
  for (const v of virtuals) {
    if (v.side !== hitSide || !reaches(v.price, tr)) continue;
    const through = v.price !== tr.price;
    const d = model.allocate(v, {
      through,
      remainingQty: tr.size,
      othersConsumedAtLevel: 0,
      openSize: 1,
      rng,
    });
    if (d.fillSize > 0) {
      filled.push(v.orderId);
    } else if (through) {
      v.queueAheadSize = 0;
    } else {
      v.queueAheadSize = Math.max(0, v.queueAheadSize - tr.size);
      v.tradedSinceUpdate += tr.size;
    }
  }
  return filled;
}
