/** Open markouts: the per-horizon FIFO queues they wait in, and a horizon's realized edge and adverse move. */
import { sideSign } from "@mmkit/core";
import type { MarkoutRecord } from "./events.js";

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
