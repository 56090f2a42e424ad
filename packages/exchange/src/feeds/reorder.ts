import type { ClockSource, MarketEvent } from "@mmkit/core";
import { eventTimeMs } from "./pace.js";

/**
 * Bounded-lateness reorder buffer: releases events in non-decreasing time of the chosen clock,
 * stable for equal times, holding each event until the newest time seen is `windowMs` past it.
 * An event older than what was already released is passed through at once and counted as late.
 */
export class ReorderBuffer {
  private readonly heapTs: number[] = [];
  private readonly heapSeq: number[] = [];
  private readonly heapEv: MarketEvent[] = [];
  private seq = 0;
  private maxSeenMs = Number.NEGATIVE_INFINITY;
  private releasedMs = Number.NEGATIVE_INFINITY;
  /** Events that arrived later than the window allowed (released out of order). */
  late = 0;

  constructor(
    private readonly clock: ClockSource,
    private readonly windowMs: number,
  ) {
    if (!(windowMs >= 0)) throw new Error(`ReorderBuffer: windowMs must be >= 0, got ${windowMs}`);
  }

  /** Add an event; appends every event now releasable to `out`. */
  push(e: MarketEvent, out: MarketEvent[]): void {
    const t = eventTimeMs(e, this.clock);
    if (t < this.releasedMs) {
      this.late++;
      out.push(e);
      return;
    }
    this.insert(t, this.seq++, e);
    if (t > this.maxSeenMs) this.maxSeenMs = t;
    const limit = this.maxSeenMs - this.windowMs;
    while (this.heapTs.length > 0 && this.heapTs[0]! <= limit) out.push(this.pop());
  }

  /** Release everything left, in order. */
  flush(out: MarketEvent[]): void {
    while (this.heapTs.length > 0) out.push(this.pop());
  }

  private less(i: number, j: number): boolean {
    const a = this.heapTs[i]!;
    const b = this.heapTs[j]!;
    return a < b || (a === b && this.heapSeq[i]! < this.heapSeq[j]!);
  }

  private swap(i: number, j: number): void {
    const t = this.heapTs[i]!;
    this.heapTs[i] = this.heapTs[j]!;
    this.heapTs[j] = t;
    const s = this.heapSeq[i]!;
    this.heapSeq[i] = this.heapSeq[j]!;
    this.heapSeq[j] = s;
    const e = this.heapEv[i]!;
    this.heapEv[i] = this.heapEv[j]!;
    this.heapEv[j] = e;
  }

  private insert(t: number, s: number, e: MarketEvent): void {
    this.heapTs.push(t);
    this.heapSeq.push(s);
    this.heapEv.push(e);
    let i = this.heapTs.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private pop(): MarketEvent {
    const top = this.heapEv[0]!;
    this.releasedMs = this.heapTs[0]!;
    const last = this.heapTs.length - 1;
    this.swap(0, last);
    this.heapTs.pop();
    this.heapSeq.pop();
    this.heapEv.pop();
    let i = 0;
    const n = this.heapTs.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}
