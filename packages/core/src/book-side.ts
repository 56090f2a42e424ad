/** Storage of one side of an L2 book: price-ordered level arrays with allocation-free updates. */
import type { PriceLevel } from "./types.js";

/** Levels to move above which an insert or delete uses the native `splice` instead of a JS loop. */
const NATIVE_MOVE_MIN = 32;

/** A level as given to `BookSide.setLevel` (count defaults to 0). */
interface LevelInput {
  price: number;
  size: number;
  count?: number | undefined;
}

/**
 * One side of the book stored worst-to-best, so the best level is the last element and the
 * common updates near the touch are cheap to insert or delete.
 *
 * Allocation-free on the update path: the level arrays are used up to `n` and never shrink (a
 * shrinking JS array gives its backing store back and reallocates it when the level count grows
 * again), and `setLevel` takes the caller's level object and calls no helper with a number
 * argument (an out-of-line call boxes each double it passes: a heap allocation per level).
 */
export class BookSide {
  private readonly prices: number[] = [];
  private readonly sizes: number[] = [];
  /** Order counts per level; kept only once a venue reported one (Binance never does). */
  private readonly counts: number[] = [];
  private hasCounts = false;
  /** Number of levels (the arrays may be longer; slots from `n` on are stale). */
  private n = 0;
  /** Result of the last search (a hint for the next one). */
  private hint = 0;

  constructor(private readonly isBid: boolean) {}

  /**
   * Index where `price` is or would be inserted (stored order: bids ascending, asks descending).
   * Tries the previous search's result and the slot below it first: feeds list a side's levels in
   * price order (best first), so consecutive updates land there, and only then searches.
   */
  private search(price: number): number {
    const p = this.prices;
    const n = this.n;
    const h = Math.min(this.hint, n);
    let lo = 0;
    let hi = n;
    if (this.isBid) {
      // First index with p[i] >= price.
      if ((h === n || p[h]! >= price) && (h === 0 || p[h - 1]! < price)) return h;
      if (h > 0 && p[h - 1]! >= price && (h === 1 || p[h - 2]! < price)) lo = h - 1;
      else {
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (p[mid]! < price) lo = mid + 1;
          else hi = mid;
        }
      }
    } else {
      // First index with p[i] <= price.
      if ((h === n || p[h]! <= price) && (h === 0 || p[h - 1]! > price)) return h;
      if (h > 0 && p[h - 1]! <= price && (h === 1 || p[h - 2]! > price)) lo = h - 1;
      else {
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (p[mid]! > price) lo = mid + 1;
          else hi = mid;
        }
      }
    }
    this.hint = lo;
    return lo;
  }

  /** Drop the stale slots past `n` (a few at most: no reallocation) so that `splice` moves only levels. */
  private trimStale(): void {
    const n = this.n;
    if (this.prices.length !== n) {
      this.prices.length = n;
      this.sizes.length = n;
    }
    if (this.hasCounts && this.counts.length !== n) this.counts.length = n;
  }

  /** Make room for one more level (slot `n` exists in every array in use). */
  private reserve(): void {
    const n = this.n;
    if (n === this.prices.length) {
      this.prices.push(0);
      this.sizes.push(0);
    }
    if (this.hasCounts && n === this.counts.length) this.counts.push(0);
  }

  /** Set one level; size ≤ 0 deletes it. */
  setLevel(l: LevelInput): void {
    const price = l.price;
    const size = l.size;
    const count = l.count ?? 0;
    if (count !== 0 && !this.hasCounts && size > 0) {
      this.hasCounts = true;
      this.counts.length = 0;
      for (let k = 0; k < this.n; k++) this.counts.push(0);
    }
    const withCounts = this.hasCounts;
    const prices = this.prices;
    const sizes = this.sizes;
    const counts = this.counts;
    const n = this.n;
    // Fast path: most updates are at or beyond the best level, which is the last element.
    if (n > 0) {
      const best = prices[n - 1]!;
      if (best === price) {
        if (size <= 0) this.n = n - 1;
        else {
          sizes[n - 1] = size;
          if (withCounts) counts[n - 1] = count;
        }
        return;
      }
      if (this.isBid ? price > best : price < best) {
        if (size > 0) {
          this.reserve();
          prices[n] = price;
          sizes[n] = size;
          if (withCounts) counts[n] = count;
          this.n = n + 1;
        }
        return;
      }
    }
    const i = this.search(price);
    const exists = i < n && prices[i] === price;
    if (size <= 0) {
      // Delete level i: the better levels move down one slot.
      if (exists) {
        if (n - i > NATIVE_MOVE_MIN) {
          // Deep in a long book (Binance keeps ~3,000 levels a side): the native move is faster.
          this.trimStale();
          prices.splice(i, 1);
          sizes.splice(i, 1);
          if (withCounts) counts.splice(i, 1);
        } else {
          for (let k = i + 1; k < n; k++) {
            prices[k - 1] = prices[k]!;
            sizes[k - 1] = sizes[k]!;
          }
          if (withCounts) for (let k = i + 1; k < n; k++) counts[k - 1] = counts[k]!;
        }
        this.n = n - 1;
      }
      return;
    }
    if (exists) {
      sizes[i] = size;
      if (withCounts) counts[i] = count;
      return;
    }
    // Insert at i (≤ n): levels i.. move up one slot.
    if (n - i > NATIVE_MOVE_MIN) {
      this.trimStale();
      prices.splice(i, 0, price);
      sizes.splice(i, 0, size);
      if (withCounts) counts.splice(i, 0, count);
      this.n = n + 1;
      return;
    }
    this.reserve();
    for (let k = n; k > i; k--) {
      prices[k] = prices[k - 1]!;
      sizes[k] = sizes[k - 1]!;
    }
    prices[i] = price;
    sizes[i] = size;
    if (withCounts) {
      for (let k = n; k > i; k--) counts[k] = counts[k - 1]!;
      counts[i] = count;
    }
    this.n = n + 1;
  }

  /**
   * Set the best level from a BBO update (count 0), once levels better than `price` are trimmed:
   * `price` is then the best or beyond it (the fast path of `setLevel`), else it goes through
   * `setLevel`. Separate from `setLevel` so that the latter only sees the feed's level objects
   * (one object shape: polymorphic field loads box their doubles).
   */
  setTop(price: number, size: number): void {
    const n = this.n;
    const prices = this.prices;
    const best = n > 0 ? prices[n - 1]! : Number.NaN;
    if (n > 0 && best === price) {
      if (size <= 0) this.n = n - 1;
      else {
        this.sizes[n - 1] = size;
        if (this.hasCounts) this.counts[n - 1] = 0;
      }
    } else if (n === 0 || (this.isBid ? price > best : price < best)) {
      if (size > 0) {
        this.reserve();
        prices[n] = price;
        this.sizes[n] = size;
        if (this.hasCounts) this.counts[n] = 0;
        this.n = n + 1;
      }
    } else this.setLevel({ price, size, count: 0 });
  }

  sizeAt(price: number): number {
    const i = this.search(price);
    return i < this.n && this.prices[i] === price ? this.sizes[i]! : 0;
  }

  clear(): void {
    this.n = 0;
    this.counts.length = 0;
    this.hasCounts = false;
  }

  get length(): number {
    return this.n;
  }

  bestPrice(): number {
    const n = this.n;
    return n === 0 ? Number.NaN : this.prices[n - 1]!;
  }

  bestSize(): number {
    const n = this.n;
    return n === 0 ? 0 : this.sizes[n - 1]!;
  }

  /** Remove levels at or beyond `limit` toward the other side (stale after newer information). */
  trimCrossing(limit: number): number {
    const p = this.prices;
    let n = this.n;
    let removed = 0;
    while (n > 0) {
      const best = p[n - 1]!;
      const crosses = this.isBid ? best >= limit : best <= limit;
      if (!crosses) break;
      n--;
      removed++;
    }
    this.n = n;
    return removed;
  }

  levels(depth: number): PriceLevel[] {
    const out: PriceLevel[] = [];
    for (let i = this.n - 1; i >= 0 && out.length < depth; i--) {
      out.push({ price: this.prices[i]!, size: this.sizes[i]!, count: this.hasCounts ? this.counts[i]! : 0 });
    }
    return out;
  }

  /** Cumulative size from the best level up to and including `price`. */
  depthThrough(price: number): number {
    let total = 0;
    for (let i = this.n - 1; i >= 0; i--) {
      const p = this.prices[i]!;
      if (this.isBid ? p < price : p > price) break;
      total += this.sizes[i]!;
    }
    return total;
  }
}
