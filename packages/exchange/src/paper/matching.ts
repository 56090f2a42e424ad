import { type Rng, roundToLot, type Trade } from "@mmkit/core";
import type { FillModel } from "./fill-models.js";
import { type PaperOrder, openSize } from "./resting.js";
import type { PriceBucket, VirtualBook, VirtualNode } from "./virtual-book.js";

/** One of our orders' share of a print. */
export interface Allocation {
  order: PaperOrder;
  size: number;
}

const NO_FILLS: readonly Allocation[] = Object.freeze([]);

function reaches(price: number, tr: Trade): boolean {
  return tr.aggressor === "buy" ? price <= tr.price : price >= tr.price;
}

/**
 * Allocate one trade print across our resting orders on the side it hit (`list`, in price-time
 * priority): best price first, each order limited to what is left of the print, so no two of our
 * orders fill from the same traded quantity. Updates queue state (prints at our price consume the
 * queue ahead; a print through our price empties it). With `lotSize` > 0 each fill is rounded down
 * to whole lots (the venue cannot fill a fraction of a lot) and a share below one lot fills nothing.
 * `recorded` is false for a print inferred from a crossed book; `tsMs` is the venue clock's time.
 * Returns the fills in allocation order.
 */
export function allocatePrint(
  list: readonly PaperOrder[],
  tr: Trade,
  model: FillModel,
  rng: Rng,
  lotSize: number,
  recorded: boolean,
  tsMs: number,
): readonly Allocation[] {
  let fills: Allocation[] | null = null;
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
      printQty: tr.size,
      recorded,
      tsMs,
      rng,
    });
    othersAtLevel += d.othersConsumed;
    remaining -= d.othersConsumed;
    if (!through) othersAtTradePrice = othersAtLevel;
    const size = lotSize > 0 && d.fillSize > 0 ? roundToLot(d.fillSize, lotSize, "down") : d.fillSize;
    if (size > 0) {
      remaining -= size;
      if (fills === null) fills = [];
      fills.push({ order: o, size });
    }
  }
  for (const o of list) {
    if (!reaches(o.price, tr)) break;
    const through = o.price !== tr.price;
    model.afterPrint(o, {
      through,
      printQty: tr.size,
      consumedAtLevel: through ? 0 : othersAtTradePrice,
      recorded,
      tsMs,
    });
  }
  return fills ?? NO_FILLS;
}

const NO_NODES: readonly VirtualNode[] = Object.freeze([]);

/**
 * Show a print to the virtual orders (cancelled orders still observed for their prediction) it
 * reaches: asks at or below a buy print's price, bids at or above a sell print's, in ascending
 * price and insertion order within a price. Each sees the whole print independently and consumes
 * nothing. Returns the ones that would have filled (they need no further observation).
 */
export function observePrint(
  virtuals: VirtualBook,
  tr: Trade,
  model: FillModel,
  rng: Rng,
  recorded: boolean,
  tsMs: number,
): readonly VirtualNode[] {
  let filled: VirtualNode[] | null = null;
  const price = tr.price;
  // The reached prices are at the touch end of each side's keys (usually none): walk in from there.
  if (tr.aggressor === "buy") {
    // Asks at or below the print (keys = −price ascending: lowest price last), lowest price first.
    const side = virtuals.sell;
    const keys = side.keys;
    for (let i = keys.length - 1; i >= 0 && -keys[i]! <= price; i--)
      filled = observeLevel(side.buckets[i]!, tr, model, rng, recorded, tsMs, filled);
  } else {
    // Bids at or above the print (keys = price ascending: highest price last), lowest price first.
    const side = virtuals.buy;
    const keys = side.keys;
    const n = keys.length;
    let first = n;
    while (first > 0 && keys[first - 1]! >= price) first--;
    for (let i = first; i < n; i++)
      filled = observeLevel(side.buckets[i]!, tr, model, rng, recorded, tsMs, filled);
  }
  return filled ?? NO_NODES;
}

function observeLevel(
  at: PriceBucket,
  tr: Trade,
  model: FillModel,
  rng: Rng,
  recorded: boolean,
  tsMs: number,
  filled: VirtualNode[] | null,
): VirtualNode[] | null {
  const items = at.items;
  for (let k = at.head; k < items.length; k++) {
    const v = items[k]!;
    const through = v.price !== tr.price;
    const d = model.allocate(v, {
      through,
      remainingQty: tr.size,
      othersConsumedAtLevel: 0,
      openSize: 1,
      printQty: tr.size,
      recorded,
      tsMs,
      rng,
    });
    if (d.fillSize > 0) {
      if (filled === null) filled = [];
      filled.push(v);
    } else {
      // it sees the whole print alone: all of it went to the queue ahead
      model.afterPrint(v, { through, printQty: tr.size, consumedAtLevel: tr.size, recorded, tsMs });
    }
  }
  return filled;
}
