/**
 * The recent values of a time series kept for pairing with newer ones (the overlap-robust
 * statistics): a value stays while a later one can still lie within the Bartlett bandwidth of it,
 * i.e. until it is older than the newest time − bandwidth − `lateMs` (so values arriving up to
 * `lateMs` out of time order still meet every neighbour), and at most `maxKept` values.
 */
export class RecentByTime<T> {
  private ts: number[] = [];
  private items: T[] = [];
  /** Index of the oldest kept value (kept ones are [head, length)). */
  private head = 0;
  /** Newest time added (−∞ before the first). */
  newestTsMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly bandwidthMs: number,
    private readonly lateMs: number,
    private readonly maxKept = Number.POSITIVE_INFINITY,
  ) {}

  /** Call `fn(w, item)` for every kept value closer than the bandwidth to `tsMs`, w = 1 − |Δt|/B. */
  forEachWithin(tsMs: number, fn: (w: number, item: T) => void): void {
    const b = this.bandwidthMs;
    for (let k = this.head; k < this.ts.length; k++) {
      const d = Math.abs(tsMs - this.ts[k]!);
      if (d < b) fn(1 - d / b, this.items[k]!);
    }
  }

  /** Whether `tsMs` is more than `lateMs` behind the newest time (its older pairs may be gone). */
  isLate(tsMs: number): boolean {
    return tsMs < this.newestTsMs - this.lateMs;
  }

  /** Keep a value, then drop those no later value can pair with. */
  add(tsMs: number, item: T): void {
    if (tsMs > this.newestTsMs) this.newestTsMs = tsMs;
    this.ts.push(tsMs);
    this.items.push(item);
    const cutoff = this.newestTsMs - this.bandwidthMs - this.lateMs;
    while (
      this.head < this.ts.length &&
      (this.ts[this.head]! < cutoff || this.ts.length - this.head > this.maxKept)
    ) {
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.ts.length) {
      this.ts = this.ts.slice(this.head);
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** The kept times and values, oldest kept first. */
  kept(): { ts: number[]; items: T[] } {
    return { ts: this.ts.slice(this.head), items: this.items.slice(this.head) };
  }

  /** Replace the contents (from a checkpoint). */
  restore(ts: number[], items: T[], newestTsMs: number): void {
    this.ts = ts.slice();
    this.items = items.slice();
    this.head = 0;
    this.newestTsMs = newestTsMs;
  }
}
