import type { Side } from "@mmkit/core";
import type { QueueSlot } from "./fill-models.js";
import type { VirtualOrder } from "./resting.js";

const FILTER_BITS = 15;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Hash bucket of a price for the presence filter (equal prices, +0/−0 included, share a bucket). */
function priceBucket(price: number): number {
  f64[0] = price + 0;
  return Math.imul(u32[0]! ^ Math.imul(u32[1]!, 0x85ebca6b), 0x9e3779b1) >>> (32 - FILTER_BITS);
}

/**
 * Virtual orders of one side, indexed by price: `keys` holds side·price of every price with
 * orders, ascending (bids: +price, asks: −price, so the touch side is last on both sides: new
 * virtual orders are cancelled quotes, near the touch, and keeping the list sorted moves few
 * elements), and `buckets[i]` the orders at `keys[i]` in insertion order. Plain arrays, no Map
 * keyed by price: a double passed to Map.get is boxed (allocated) first.
 */
export class SidePrices {
  /** side·price of every price with orders, ascending. */
  readonly keys: number[] = [];
  /** Orders at each key, insertion order (parallel to `keys`). */
  readonly buckets: PriceBucket[] = [];
  /**
   * Presence filter: bit h set when some price with orders hashes to bucket h (`filterCounts[h]`
   * of them). A clear bit proves no order at a price without a search (most delta levels have
   * none); the lookups only read the 4 KB bitset.
   */
  private readonly filterBits = new Int32Array(1 << (FILTER_BITS - 5));
  private readonly filterCounts = new Uint32Array(1 << FILTER_BITS);

  /**
   * @param sign +1 for bids, −1 for asks
   * @param lowOut, highOut where to keep the lowest price (`lowOut[lowAt]`) and the highest
   *   (`highOut[highAt]`), NaN when empty
   */
  constructor(
    readonly sign: 1 | -1,
    private readonly lowOut: Float64Array,
    private readonly lowAt: number,
    private readonly highOut: Float64Array,
    private readonly highAt: number,
  ) {
    lowOut[lowAt] = Number.NaN;
    highOut[highAt] = Number.NaN;
  }

  /** Refresh the [lowest, highest] price mirror after the key list changed at an end. */
  private refreshSpan(): void {
    this.lowOut[this.lowAt] = this.minPrice();
    this.highOut[this.highAt] = this.maxPrice();
  }

  /** Lowest price with orders (NaN when none). */
  minPrice(): number {
    const k = this.keys;
    return k.length === 0 ? Number.NaN : this.sign === 1 ? k[0]! : -k[k.length - 1]!;
  }

  /** Highest price with orders (NaN when none). */
  maxPrice(): number {
    const k = this.keys;
    return k.length === 0 ? Number.NaN : this.sign === 1 ? k[k.length - 1]! : -k[0]!;
  }

  /** False when no order rests at `price` (true may be a false positive: use `find`). */
  mayHave(price: number): boolean {
    const h = priceBucket(price);
    return ((this.filterBits[h >>> 5]! >>> (h & 31)) & 1) !== 0;
  }

  private filterAdd(price: number): void {
    const h = priceBucket(price);
    if (this.filterCounts[h]!++ === 0) this.filterBits[h >>> 5]! |= 1 << (h & 31);
  }

  private filterRemove(price: number): void {
    const h = priceBucket(price);
    if (--this.filterCounts[h]! === 0) this.filterBits[h >>> 5]! &= ~(1 << (h & 31));
  }

  /** Index of `price` in `keys`/`buckets`, or −1. */
  find(price: number): number {
    const key = this.sign * price;
    const i = lowerBoundFromEnd(this.keys, key);
    return i < this.keys.length && this.keys[i] === key ? i : -1;
  }

  add(v: VirtualNode): void {
    const key = this.sign * v.price;
    const i = lowerBoundFromEnd(this.keys, key);
    if (i < this.keys.length && this.keys[i] === key) {
      this.buckets[i]!.push(v);
      return;
    }
    insertKey(this.keys, i, key);
    const bucket = new PriceBucket();
    bucket.push(v);
    insertBucket(this.buckets, i, bucket);
    this.filterAdd(v.price);
    if (i === 0 || i === this.keys.length - 1) this.refreshSpan();
  }

  delete(v: VirtualNode): void {
    const i = this.find(v.price);
    if (i < 0) return;
    const at = this.buckets[i]!;
    if (!at.remove(v)) return;
    if (at.size === 0) {
      removeKey(this.keys, i);
      removeBucket(this.buckets, i);
      this.filterRemove(v.price);
      if (i === 0 || i === this.keys.length) this.refreshSpan();
    }
  }

  clear(): void {
    this.keys.length = 0;
    this.buckets.length = 0;
    this.filterBits.fill(0);
    this.filterCounts.fill(0);
    this.refreshSpan();
  }
}

/**
 * The virtual orders at one price in insertion order: `items[head..]` (removing the oldest, the
 * usual case as horizons end in live-time order, only moves `head`). Iterate with
 * `for (let k = b.head; k < b.items.length; k++)`.
 */
export class PriceBucket {
  readonly items: VirtualNode[] = [];
  head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(v: VirtualNode): void {
    this.items.push(v);
  }

  /** Remove `v` (by identity); false when absent. */
  remove(v: VirtualNode): boolean {
    const items = this.items;
    const k = items.indexOf(v, this.head);
    if (k < 0) return false;
    const n = items.length;
    if (k === this.head) {
      this.head = k + 1;
      if (this.head === n) {
        items.length = 0;
        this.head = 0;
      } else if (this.head >= 32 && this.head * 2 >= n) {
        // Drop the consumed front.
        const h = this.head;
        for (let j = h; j < n; j++) items[j - h] = items[j]!;
        items.length = n - h;
        this.head = 0;
      }
      return true;
    }
    for (let j = k + 1; j < n; j++) items[j - 1] = items[j]!;
    items.pop();
    return true;
  }
}

/**
 * Index of the first element >= x in an ascending array, searched from the end (galloping: 1, 2,
 * 4, … back, then binary): O(log d) for a position d from the end, where new and expiring
 * virtual orders mostly are (near the touch).
 */
export function lowerBoundFromEnd(a: readonly number[], x: number): number {
  const n = a.length;
  let hi = n;
  let step = 1;
  let lo = n - 1;
  // Invariant: a[hi] >= x (or hi = n). Find lo with a[lo] < x (or lo = -1).
  while (lo >= 0 && a[lo]! >= x) {
    hi = lo;
    lo = n - 1 - 2 * step;
    step *= 2;
    if (lo < 0) lo = -1;
    if (lo >= hi) lo = hi - 1;
  }
  lo++;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Separate number / order helpers keep each loop monomorphic (one elements kind).
function insertKey(a: number[], i: number, x: number): void {
  const n = a.length;
  if (i === n) {
    a.push(x);
    return;
  }
  a.push(a[n - 1]!);
  for (let k = n - 1; k > i; k--) a[k] = a[k - 1]!;
  a[i] = x;
}

function removeKey(a: number[], i: number): void {
  const n = a.length;
  for (let k = i + 1; k < n; k++) a[k - 1] = a[k]!;
  a.pop();
}

function insertBucket(a: PriceBucket[], i: number, x: PriceBucket): void {
  const n = a.length;
  if (i === n) {
    a.push(x);
    return;
  }
  a.push(a[n - 1]!);
  for (let k = n - 1; k > i; k--) a[k] = a[k - 1]!;
  a[i] = x;
}

function removeBucket(a: PriceBucket[], i: number): void {
  const n = a.length;
  for (let k = i + 1; k < n; k++) a[k - 1] = a[k]!;
  a.pop();
}

/**
 * One virtual order: the public VirtualOrder fields (the fill model updates the queue ones) plus
 * the book's links. `prediction` is the RecordTracker handle of its prediction (−2: unknown, look
 * it up by id, for orders restored by setState).
 */
export class VirtualNode implements VirtualOrder {
  prev: VirtualNode | null = null;
  next: VirtualNode | null = null;
  /** Removed from the book (a later remove is a no-op). */
  dead = false;
  queueAheadSize: number;
  levelSize: number;
  tradedSinceUpdate: number;
  lagDecrease: number;
  lagAheadCut: number;
  lagTsMs: number;
  /** A node with a copy of `queue`'s queue state (fields absent in older checkpoints start at 0). */
  constructor(
    public orderId: string,
    public side: Side,
    public price: number,
    queue: Readonly<Partial<QueueSlot>>,
    public prediction: number,
  ) {
    this.queueAheadSize = queue.queueAheadSize ?? 0;
    this.levelSize = queue.levelSize ?? 0;
    this.tradedSinceUpdate = queue.tradedSinceUpdate ?? 0;
    this.lagDecrease = queue.lagDecrease ?? 0;
    this.lagAheadCut = queue.lagAheadCut ?? 0;
    this.lagTsMs = queue.lagTsMs ?? 0;
  }
}

/**
 * The virtual orders (cancelled orders still followed for their prediction horizon), indexed by
 * side and price so that book and trade upkeep cost O(levels touched), not O(virtual orders):
 * a busy quoter keeps hundreds of them alive at once. Kept in insertion order in a linked list
 * (no id index: the owner keeps each node with its prediction and removes it by reference).
 */
export class VirtualBook {
  private first: VirtualNode | null = null;
  private last: VirtualNode | null = null;
  private count = 0;
  /** Virtual bids by price. */
  readonly buy: SidePrices;
  /** Virtual asks by price. */
  readonly sell: SidePrices;

  /**
   * Keeps the price bounds of the virtual orders up to date for the caller (NaN for a side with
   * none): the outer ones, [lowest bid, highest ask], in `outer` from `outerAt`, and the inner
   * ones, [highest bid, lowest ask] (the ones a touch or a print reaches first), in `inner` from
   * `innerAt`.
   */
  constructor(
    outer: Float64Array = new Float64Array(2),
    outerAt = 0,
    inner: Float64Array = new Float64Array(2),
    innerAt = 0,
  ) {
    this.buy = new SidePrices(1, outer, outerAt, inner, innerAt);
    this.sell = new SidePrices(-1, inner, innerAt + 1, outer, outerAt + 1);
  }

  /** Number of virtual orders. */
  get size(): number {
    return this.count;
  }

  /** The oldest node (follow `next` for insertion order). */
  head(): VirtualNode | null {
    return this.first;
  }

  /** All virtual orders in insertion order (a copy). */
  values(): VirtualNode[] {
    const out: VirtualNode[] = [];
    for (let v = this.first; v !== null; v = v.next) out.push(v);
    return out;
  }

  /** Add one as the newest. */
  insert(v: VirtualNode): VirtualNode {
    v.prev = this.last;
    v.next = null;
    if (this.last === null) this.first = v;
    else this.last.next = v;
    this.last = v;
    this.count++;
    (v.side === "buy" ? this.buy : this.sell).add(v);
    return v;
  }

  /** Remove one (no-op when already removed). */
  remove(v: VirtualNode): void {
    if (v.dead) return;
    v.dead = true;
    if (v.prev === null) this.first = v.next;
    else v.prev.next = v.next;
    if (v.next === null) this.last = v.prev;
    else v.next.prev = v.prev;
    v.prev = null;
    v.next = null;
    this.count--;
    (v.side === "buy" ? this.buy : this.sell).delete(v);
  }

  /** Remove all. */
  clear(): void {
    for (let v = this.first; v !== null; ) {
      const next = v.next;
      v.dead = true;
      v.prev = null;
      v.next = null;
      v = next;
    }
    this.first = null;
    this.last = null;
    this.count = 0;
    this.buy.clear();
    this.sell.clear();
  }

  /** Plain serializable copies, in insertion order. */
  toState(): VirtualOrder[] {
    const out: VirtualOrder[] = [];
    for (let v = this.first; v !== null; v = v.next) {
      out.push({
        orderId: v.orderId,
        side: v.side,
        price: v.price,
        queueAheadSize: v.queueAheadSize,
        levelSize: v.levelSize,
        tradedSinceUpdate: v.tradedSinceUpdate,
        lagDecrease: v.lagDecrease,
        lagAheadCut: v.lagAheadCut,
        lagTsMs: v.lagTsMs,
      });
    }
    return out;
  }
}
