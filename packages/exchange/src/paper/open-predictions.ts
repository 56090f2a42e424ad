/** Open predictions: the row layout of an open prediction and the store of the open ones (oldest first). */
import type { PredictionRecord } from "./events.js";

// Numeric fields of an open prediction, one Float64Array row per prediction (then its pFill values).
export const F_PRICE = 0;
export const F_SIZE = 1;
export const F_LIVE = 2;
export const F_MID = 3;
export const F_DEPTH = 4;
export const F_A = 5;
export const F_KAPPA = 6;
export const F_SIGMA = 7;
export const F_END = 8;
export const F_FIRST_FILL = 9;
export const F_CANCELLED = 10;
export const F_CYCLE = 11;
export const F_LEVEL = 12;
export const F_FLAGS = 13;
export const F_PFILL = 14;
// F_FLAGS bits.
export const HAS_FILL = 1;
export const CENSORED = 2;
export const HAS_CYCLE = 4;
export const HAS_LEVEL = 8;
export const SELL = 16;
export const RESTORED = 32;
export const EMPIRICAL = 64;
/** Entries per slot in OpenPredictions.meta. */
export const META = 4;

/**
 * The open predictions, oldest first. Each is one Float64Array row (its numbers, flags and pFill
 * values: two cache lines) plus its order id, client id and fill model in `meta`, instead of a
 * record object with boxed numbers, three arrays and a wrapper: a busy quoter keeps about a
 * thousand open for 30 s each. The record is built when it is emitted. Predictions restored by
 * `setState` keep their record object (in `restored`), exactly as given.
 */
export class OpenPredictions {
  /**
   * Absolute index of slot 0: a prediction's handle is base + slot, never reused (`byId` and the
   * owner's handles hold absolute indices).
   */
  base = 0;
  /** First open slot; slots before it are finished and dropped by `compact`. */
  head = 0;
  /** Number of slots in use (open ones are head .. n−1). */
  n = 0;
  readonly stride: number;
  rows: Float64Array;
  /** orderId, clientId, fillModel and the owner's attachment per slot (META entries each). */
  readonly meta: unknown[] = [];
  /**
   * Open slot (absolute index) by order id; built on the first lookup by id only (the paper
   * exchange uses the handles that openPrediction returns), then kept up to date.
   */
  byId: Map<string, number> | null = null;
  /** Records restored by setState, by absolute index. */
  readonly restored = new Map<number, PredictionRecord>();

  constructor(readonly horizons: number) {
    this.stride = F_PFILL + horizons;
    this.rows = new Float64Array(this.stride * 1024);
  }

  get length(): number {
    return this.n - this.head;
  }

  /** The id index, built from the open slots on first use. */
  index(): Map<string, number> {
    let byId = this.byId;
    if (byId === null) {
      byId = new Map();
      for (let slot = this.head; slot < this.n; slot++) byId.set(this.orderId(slot), this.base + slot);
      this.byId = byId;
    }
    return byId;
  }

  /** Slot of an open prediction of `orderId`, or −1. */
  slotOf(orderId: string): number {
    const abs = this.index().get(orderId);
    return abs === undefined ? -1 : abs - this.base;
  }

  /** Slot of the prediction with handle (absolute index) `handle` while it is open, or −1. */
  slotAt(handle: number): number {
    const slot = handle - this.base;
    return slot >= this.head && slot < this.n ? slot : -1;
  }

  /** Offset of a slot's row in `rows`. */
  row(slot: number): number {
    return slot * this.stride;
  }

  /** Append a slot for `orderId` (its row is stale: write the F_FLAGS and fields used); returns the slot. */
  push(orderId: string, clientId: string | undefined, fillModel: string): number {
    const slot = this.n;
    // The row is not cleared: the caller writes every field it will read (flags say which).
    const need = (slot + 1) * this.stride;
    if (need > this.rows.length) {
      const grown = new Float64Array(Math.max(need, this.rows.length * 2));
      grown.set(this.rows.subarray(0, slot * this.stride));
      this.rows = grown;
    }
    this.meta.push(orderId, clientId, fillModel, undefined);
    this.n = slot + 1;
    if (this.byId !== null) this.byId.set(orderId, this.base + slot);
    return slot;
  }

  orderId(slot: number): string {
    return this.meta[slot * META] as string;
  }

  /** The restored record of a slot (only when its RESTORED flag is set). */
  restoredAt(slot: number): PredictionRecord {
    return this.restored.get(this.base + slot)!;
  }

  /** Drop the finished slots once they are the larger part of the store (amortized O(1)). */
  compact(): void {
    const h = this.head;
    if (h <= 1024 || h * 2 <= this.n) return;
    const stride = this.stride;
    this.rows.copyWithin(0, h * stride, this.n * stride);
    const meta = this.meta;
    const m = meta.length;
    const k = h * META;
    for (let i = k; i < m; i++) meta[i - k] = meta[i];
    meta.length = m - k;
    if (this.restored.size > 0) {
      for (const abs of [...this.restored.keys()]) if (abs < this.base + h) this.restored.delete(abs);
    }
    this.base += h;
    this.n -= h;
    this.head = 0;
  }

  /** Drop every slot. Handles stay unique: `base` moves past the dropped ones (never back). */
  clear(): void {
    this.meta.length = 0;
    this.byId = null;
    this.restored.clear();
    this.base += this.n;
    this.head = 0;
    this.n = 0;
  }

  /** Mark the slot's order as gone at `tsMs`; see `RecordTracker.cancelObservedAt`. */
  cancelObserved(slot: number, tsMs: number): boolean {
    const rows = this.rows;
    const r = this.row(slot);
    const flags = rows[r + F_FLAGS]!;
    if (flags & RESTORED) {
      const rec = this.restoredAt(slot);
      if (rec.firstFillTsMs !== null) return false;
      if (tsMs < rows[r + F_END]!) {
        rec.censored = true;
        rec.cancelledTsMs = tsMs;
      }
      return true;
    }
    if (flags & HAS_FILL) return false;
    if (tsMs < rows[r + F_END]!) {
      rows[r + F_FLAGS] = flags | CENSORED;
      rows[r + F_CANCELLED] = tsMs;
    }
    return true;
  }

  /** Note a fill at `tsMs` (the first one counts); see `RecordTracker.noteFillAt`. */
  noteFill(slot: number, tsMs: number): void {
    const rows = this.rows;
    const r = this.row(slot);
    const flags = rows[r + F_FLAGS]!;
    if (flags & RESTORED) {
      const rec = this.restoredAt(slot);
      if (rec.firstFillTsMs === null) rec.firstFillTsMs = tsMs;
    } else if ((flags & HAS_FILL) === 0) {
      rows[r + F_FLAGS] = flags | HAS_FILL;
      rows[r + F_FIRST_FILL] = tsMs;
    }
  }
}
