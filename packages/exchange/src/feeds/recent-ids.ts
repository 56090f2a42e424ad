/**
 * The most recent `capacity` ids seen, for dropping duplicates (a trade sent twice by two
 * overlapping connections, or re-sent after a reconnect). A ring buffer evicts the oldest id in
 * O(1), so memory stays flat however long the input (a week-long capture holds millions of trades).
 */
export class RecentIds {
  private readonly ring: (string | undefined)[];
  private readonly ids = new Set<string>();
  private nextSlot = 0;

  /** @param capacity how many of the latest ids are remembered (≥ 1). */
  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError(`RecentIds: capacity must be an integer >= 1, got ${capacity}`);
    this.ring = new Array<string | undefined>(capacity);
  }

  /** Remember `id`; false when it is already among the recent ids (a duplicate). */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    const evicted = this.ring[this.nextSlot];
    if (evicted !== undefined) this.ids.delete(evicted);
    this.ring[this.nextSlot] = id;
    this.nextSlot = (this.nextSlot + 1) % this.capacity;
    this.ids.add(id);
    return true;
  }

  /** How many ids are remembered (at most `capacity`). */
  get size(): number {
    return this.ids.size;
  }
}
