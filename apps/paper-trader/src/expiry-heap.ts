/** A binary min-heap of (key, time) pairs: pop everything at or before a time in O(k log n). */
export class ExpiryHeap {
  private readonly keys: string[] = [];
  private readonly times: number[] = [];

  /** Number of entries. */
  get size(): number {
    return this.keys.length;
  }

  /** Add `key` expiring at `timeMs`. */
  push(key: string, timeMs: number): void {
    const keys = this.keys;
    const times = this.times;
    let i = keys.length;
    keys.push(key);
    times.push(timeMs);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! <= timeMs) break;
      keys[i] = keys[parent]!;
      times[i] = times[parent]!;
      i = parent;
    }
    keys[i] = key;
    times[i] = timeMs;
  }

  /** Remove and pass to `onExpired` every entry whose time satisfies `isExpired` (checked on the earliest first). */
  popWhile(isExpired: (timeMs: number) => boolean, onExpired: (key: string) => void): void {
    while (this.keys.length > 0 && isExpired(this.times[0]!)) onExpired(this.popMin());
  }

  /** Remove every entry. */
  clear(): void {
    this.keys.length = 0;
    this.times.length = 0;
  }

  private popMin(): string {
    const keys = this.keys;
    const times = this.times;
    const top = keys[0]!;
    const lastKey = keys.pop()!;
    const lastTime = times.pop()!;
    const n = keys.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && times[r]! < times[l]! ? r : l;
      if (times[c]! >= lastTime) break;
      keys[i] = keys[c]!;
      times[i] = times[c]!;
      i = c;
    }
    keys[i] = lastKey;
    times[i] = lastTime;
    return top;
  }
}
