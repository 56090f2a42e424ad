/** Ring buffer of trade records (time, depth, aggressor side, histogram bucket) for rolling-window estimators. */

const INITIAL_CAPACITY = 1024;

/** Column-wise ring buffer that grows by doubling up to `maxEvents`; oldest record at k = 0. */
export class TradeDepthRing {
  private tsMs = new Float64Array(0);
  private depthFrac = new Float64Array(0);
  private sideBuy = new Uint8Array(0);
  private bucketIdx = new Uint16Array(0);
  private head = 0;
  private count = 0;

  /** Create an empty ring holding at most `maxEvents` records. */
  constructor(private readonly maxEvents: number) {
    if (!Number.isInteger(maxEvents) || maxEvents < 1) {
      throw new Error(`TradeDepthRing: maxEvents must be an integer >= 1, got ${maxEvents}`);
    }
    this.allocate(Math.min(INITIAL_CAPACITY, maxEvents));
  }

  /** Records held. */
  get size(): number {
    return this.count;
  }

  /** Whether the ring holds `maxEvents` records (a push must drop the oldest first). */
  isFull(): boolean {
    return this.count >= this.maxEvents;
  }

  /** Append a record; throws when full. */
  push(tsMs: number, depthFrac: number, isBuy: number, bucket: number): void {
    if (this.count === this.tsMs.length) this.grow();
    if (this.count === this.tsMs.length) throw new Error("TradeDepthRing.push: ring is full; shift() first");
    const i = this.index(this.count);
    this.tsMs[i] = tsMs;
    this.depthFrac[i] = depthFrac;
    this.sideBuy[i] = isBuy;
    this.bucketIdx[i] = bucket;
    this.count += 1;
  }

  /** Drop the oldest record. */
  shift(): void {
    if (this.count === 0) return;
    this.head = (this.head + 1) % this.tsMs.length;
    this.count -= 1;
  }

  /** Timestamp of the k-th oldest record (ms). */
  tsAt(k: number): number {
    return this.tsMs[this.index(k)]!;
  }

  /** Depth of the k-th oldest record (fraction of mid). */
  depthAt(k: number): number {
    return this.depthFrac[this.index(k)]!;
  }

  /** 1 if the k-th oldest record was a buy aggressor, else 0. */
  buyAt(k: number): number {
    return this.sideBuy[this.index(k)]!;
  }

  /** Histogram bucket of the k-th oldest record. */
  bucketAt(k: number): number {
    return this.bucketIdx[this.index(k)]!;
  }

  /** Replace depth and bucket of the k-th oldest record. */
  setDepthAt(k: number, depthFrac: number, bucket: number): void {
    const i = this.index(k);
    this.depthFrac[i] = depthFrac;
    this.bucketIdx[i] = bucket;
  }

  /** Remove every record. */
  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  private index(k: number): number {
    return (this.head + k) % this.tsMs.length;
  }

  private allocate(capacity: number): void {
    this.tsMs = new Float64Array(capacity);
    this.depthFrac = new Float64Array(capacity);
    this.sideBuy = new Uint8Array(capacity);
    this.bucketIdx = new Uint16Array(capacity);
  }

  private grow(): void {
    const cap = this.tsMs.length;
    if (cap >= this.maxEvents) return;
    const old = {
      ts: this.tsMs,
      depth: this.depthFrac,
      side: this.sideBuy,
      bucket: this.bucketIdx,
      head: this.head,
    };
    this.allocate(Math.min(this.maxEvents, cap * 2));
    for (let k = 0; k < this.count; k++) {
      const i = (old.head + k) % cap;
      this.tsMs[k] = old.ts[i]!;
      this.depthFrac[k] = old.depth[i]!;
      this.sideBuy[k] = old.side[i]!;
      this.bucketIdx[k] = old.bucket[i]!;
    }
    this.head = 0;
  }
}
