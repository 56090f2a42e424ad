/**
 * Open markouts: a new record for a fill, the per-horizon FIFO queues it waits in, and a horizon's
 * realized edge and adverse move.
 */
import { type Side, sideSign } from "@mmkit/core";
import type { MarkoutRecord, PredictedEdge } from "./events.js";

/** An open markout record and the index of the next horizon it waits for. */
export interface PendingMarkout {
  record: MarkoutRecord;
  next: number;
}

/** FIFO with O(1) amortized push/shift (items arrive in deadline order). */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  push(x: T): void {
    this.items.push(x);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  shift(): T | undefined {
    const x = this.items[this.head];
    if (x === undefined) return undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
  get length(): number {
    return this.items.length - this.head;
  }
  toArray(): T[] {
    return this.items.slice(this.head);
  }
  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/** Fill in horizon `i` of a markout record from `mid`, the mid at that horizon's end. */
export function setMarkout(r: MarkoutRecord, i: number, mid: number): void {
  const sign = sideSign(r.side);
  r.midAtHorizon[i] = mid;
  r.realizedEdgeBps[i] = ((sign * (mid - r.fillPrice)) / r.fillPrice) * 1e4 - r.feeBps;
  r.realizedAdverseBps[i] = ((sign * (r.midAtFill - mid)) / r.fillPrice) * 1e4;
}

/** The fill a markout record follows. */
export interface MarkoutFill {
  orderId: string;
  side: Side;
  price: number;
  size: number;
  tsMs: number;
  midAtFill: number;
  cycleId?: number;
  level?: number;
  fillSeq?: number;
}

/** A new markout record for `fill` at `horizons` (seconds, ascending), none of them reached yet (null). */
export function newMarkoutRecord(
  fill: MarkoutFill,
  feeBps: number,
  predicted: PredictedEdge | undefined,
  horizons: readonly number[],
): MarkoutRecord {
  const sign = sideSign(fill.side);
  const n = horizons.length;
  const { orderId, fillSeq, cycleId, level, side, price: fillPrice, size, tsMs: fillTsMs, midAtFill } = fill;
  const predictedSpreadBps = predicted?.spreadBps ?? null;
  const predictedAdverseBps = predicted?.adverseBps ?? null;
  const predictedEdgeBps = predicted?.edgeBps ?? null;
  const realizedSpreadBps = ((sign * (midAtFill - fillPrice)) / fillPrice) * 1e4;
  const horizonsSec = horizons.slice();
  const midAtHorizon = nulls(n);
  const realizedEdgeBps = nulls(n);
  const realizedAdverseBps = nulls(n);
  // One literal, no spread: an absent cycleId/level is undefined, which JSON omits like a missing key.
  return {
    kind: "markout",
    orderId,
    fillSeq,
    cycleId,
    level,
    side,
    fillPrice,
    size,
    fillTsMs,
    midAtFill,
    feeBps,
    predictedSpreadBps,
    predictedAdverseBps,
    predictedEdgeBps,
    realizedSpreadBps,
    horizonsSec,
    midAtHorizon,
    realizedEdgeBps,
    realizedAdverseBps,
    complete: false,
  };
}

/** `n` nulls: outcomes not known yet. */
export function nulls(n: number): null[] {
  const a = new Array<null>(n);
  for (let i = 0; i < n; i++) a[i] = null;
  return a;
}
