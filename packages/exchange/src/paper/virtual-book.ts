import type { Side, Trade } from "@mmkit/core";
import type { VirtualOrder } from "./resting.js";

/** Virtual orders of one side, indexed by price (prices kept sorted ascending). */
class SidePrices {
  readonly prices: number[] = [];
  readonly byPrice = new Map<number, Map<string, VirtualOrder>>();

  add(v: VirtualOrder): void {
    let at = this.byPrice.get(v.price);
    if (at === undefined) {
      at = new Map();
      this.byPrice.set(v.price, at);
      this.prices.splice(lowerBound(this.prices, v.price), 0, v.price);
    }
    at.set(v.orderId, v);
  }

  delete(v: VirtualOrder): void {
    const at = this.byPrice.get(v.price);
    if (at === undefined) return;
    at.delete(v.orderId);
    if (at.size === 0) {
      this.byPrice.delete(v.price);
      const i = lowerBound(this.prices, v.price);
      if (this.prices[i] === v.price) this.prices.splice(i, 1);
    }
  }

  /** Orders with price in [lo, hi], ascending price, insertion order within a price. */
  range(lo: number, hi: number, out: VirtualOrder[]): void {
    for (let i = lowerBound(this.prices, lo); i < this.prices.length && this.prices[i]! <= hi; i++) {
      for (const v of this.byPrice.get(this.prices[i]!)!.values()) out.push(v);
    }
  }

  clear(): void {
    this.prices.length = 0;
    this.byPrice.clear();
  }
}

function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The virtual orders (cancelled orders still followed for their prediction horizon), indexed by
 * side and price so that book and trade upkeep cost O(levels touched), not O(virtual orders):
 * a busy quoter keeps hundreds of them alive at once.
 */
export class VirtualBook {
  private readonly byId = new Map<string, VirtualOrder>();
  private readonly buy = new SidePrices();
  private readonly sell = new SidePrices();

  /** Number of virtual orders. */
  get size(): number {
    return this.byId.size;
  }

  /** All virtual orders in insertion order. */
  values(): IterableIterator<VirtualOrder> {
    return this.byId.values();
  }

  /** Add (or replace) one; `orderId` must equal `v.orderId` (Map-like signature). */
  set(orderId: string, v: VirtualOrder): void {
    if (orderId !== v.orderId) throw new Error(`VirtualBook.set: id ${orderId} != order ${v.orderId}`);
    this.delete(v.orderId);
    this.byId.set(v.orderId, v);
    (v.side === "buy" ? this.buy : this.sell).add(v);
  }

  /** Remove one by id (no-op when absent). */
  delete(orderId: string): void {
    const v = this.byId.get(orderId);
    if (v === undefined) return;
    this.byId.delete(orderId);
    (v.side === "buy" ? this.buy : this.sell).delete(v);
  }

  /** Remove all. */
  clear(): void {
    this.byId.clear();
    this.buy.clear();
    this.sell.clear();
  }

  /** Virtual orders resting exactly at `price` on `side`. */
  atPrice(side: Side, price: number): Iterable<VirtualOrder> {
    const at = (side === "buy" ? this.buy : this.sell).byPrice.get(price);
    return at === undefined ? [] : at.values();
  }

  /** Virtual bids at or above `price` (or asks at or below it): the ones a new touch could affect. */
  atOrThrough(side: Side, price: number): VirtualOrder[] {
    const out: VirtualOrder[] = [];
    if (side === "buy") this.buy.range(price, Number.POSITIVE_INFINITY, out);
    else this.sell.range(Number.NEGATIVE_INFINITY, price, out);
    return out;
  }

  /** Virtual orders a print reaches: asks at or below a buy print's price, bids at or above a sell print's. */
  reachedBy(tr: Trade): VirtualOrder[] {
    return this.atOrThrough(tr.aggressor === "buy" ? "sell" : "buy", tr.price);
  }
}
