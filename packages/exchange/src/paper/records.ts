/** Record tracking: prediction and markout records kept open until their horizons elapse, then emitted. */
import type { ExchangeEvent, MarkoutRecord, PredictedEdge, PredictionRecord } from "./events.js";
import {
  Fifo,
  type MarkoutFill,
  newMarkoutRecord,
  nulls,
  type PendingMarkout,
  setMarkout,
} from "./markouts.js";
import { F_END, F_FLAGS, F_LIVE, META, OpenPredictions, RESTORED } from "./open-predictions.js";
import { type PredictionInput, pushPrediction } from "./prediction-input.js";
import { finishPrediction, predictionRecord } from "./prediction-record.js";
import { UnobservedSpans } from "./unobserved-spans.js";

export type { PredictionInput } from "./prediction-input.js";

/** Serializable tracker state. */
export interface RecordTrackerState {
  predictions: PredictionRecord[];
  markouts: { record: MarkoutRecord; next: number }[];
  /** Recent spans without market data, [start, end or null while open] (absent in older checkpoints: none). */
  unobserved?: [number, number | null][];
}

/**
 * Keeps prediction and markout records open until their horizons elapse in event time, then
 * emits them as `prediction` / `markout` events. Memory is bounded by what is open.
 */
export class RecordTracker {
  readonly horizonsSec: number[];
  private readonly horizonsMs: number[];
  private readonly maxHorizonMs: number;
  /** Open predictions in live-time order (so also in deadline order). */
  private readonly predictions: OpenPredictions;
  /** Per horizon, the markouts waiting for it, in fill-time order (so in deadline order). */
  private readonly markoutQueues: Fifo<PendingMarkout>[];
  private openMarkouts = 0;
  private nextDeadlineMs = Number.POSITIVE_INFINITY;
  /** Where `mirrorDeadline` asked the next deadline to be copied (null: nowhere). */
  private deadlineOut: Float64Array | null = null;
  private deadlineIndex = 0;
  /** Recent spans without market data (the venue marks outages here): outcomes depending on them are censored. */
  readonly unobserved = new UnobservedSpans();

  constructor(horizonsSec: readonly number[]) {
    if (horizonsSec.length === 0) throw new Error("horizonsSec must list at least one horizon");
    for (const h of horizonsSec)
      if (!(h > 0 && Number.isFinite(h))) throw new Error(`horizonsSec entries must be > 0, got ${h}`);
    this.horizonsSec = [...horizonsSec].sort((a, b) => a - b);
    this.horizonsMs = this.horizonsSec.map((h) => h * 1000);
    this.maxHorizonMs = this.horizonsMs[this.horizonsMs.length - 1]!;
    this.markoutQueues = this.horizonsMs.map(() => new Fifo<PendingMarkout>());
    this.predictions = new OpenPredictions(this.horizonsSec.length);
  }

  /**
   * Open a prediction for an order that just became live. Returns its handle for the `…At`
   * methods (valid until the record is emitted).
   */
  openPrediction(inp: PredictionInput): number {
    const P = this.predictions;
    const endMs = inp.liveTsMs + this.maxHorizonMs;
    const slot = pushPrediction(P, inp, endMs, this.horizonsSec);
    if (endMs < this.nextDeadlineMs) this.setDeadline(endMs);
    return P.base + slot;
  }

  /** Handle of the open prediction of `orderId`, or −1. */
  handleOf(orderId: string): number {
    const P = this.predictions;
    const slot = P.slotOf(orderId);
    return slot < 0 ? -1 : P.base + slot;
  }

  /**
   * For the prediction with handle `handle`: the real order left the book at `tsMs`. Returns
   * whether its outcome is still observed (no fill yet: it continues as a virtual order), and then
   * marks it censored when that happened before its longest horizon.
   */
  cancelObservedAt(handle: number, tsMs: number): boolean {
    const P = this.predictions;
    const slot = P.slotAt(handle);
    return slot >= 0 && P.cancelObserved(slot, tsMs);
  }

  /** A real or virtual fill at `tsMs` for the prediction with handle `handle` (no-op once emitted). */
  noteFillAt(handle: number, tsMs: number): void {
    const P = this.predictions;
    const slot = P.slotAt(handle);
    if (slot >= 0) P.noteFill(slot, tsMs);
  }

  /**
   * Keep `value` with the open prediction `handle`; `resolve` hands it back (in `released`) when
   * the record is emitted.
   */
  attach(handle: number, value: unknown): void {
    const P = this.predictions;
    const slot = P.slotAt(handle);
    if (slot >= 0) P.meta[slot * META + 3] = value;
  }

  /** Open a markout record for a fill. */
  openMarkout(fill: MarkoutFill, feeBps: number, predicted: PredictedEdge | undefined): void {
    const record = newMarkoutRecord(fill, feeBps, predicted, this.horizonsSec);
    this.markoutQueues[0]!.push({ record, next: 0 });
    this.openMarkouts++;
    const d = fill.tsMs + this.horizonsMs[0]!;
    if (d < this.nextDeadlineMs) this.setDeadline(d);
  }

  /**
   * Resolve every horizon ending before `tsMs` (or at it, when `inclusive`) using `mid`, the mid
   * prevailing at that horizon's end (the caller guarantees no book change since then).
   */
  resolve(tsMs: number, inclusive: boolean, mid: number, out: ExchangeEvent[], released?: unknown[]): void {
    if (!this.isDue(tsMs, inclusive)) return;
    const P = this.predictions;
    if (P.head < P.n) {
      const stride = P.stride;
      while (P.head < P.n) {
        const endMs = P.rows[P.head * stride + F_END]!;
        if (!(inclusive ? endMs <= tsMs : endMs < tsMs)) break;
        const slot = P.head++;
        const record = finishPrediction(P, slot, Number.POSITIVE_INFINITY, this.horizonsMs, this.horizonsSec);
        if (!this.unobserved.isEmpty) this.unobserved.censorFillWindows(record, this.horizonsMs);
        out.push({ type: "prediction", tsMs: endMs, record });
        if (released !== undefined) {
          const a = P.meta[slot * META + 3];
          if (a !== undefined) released.push(a);
        }
      }
      P.compact();
    }
    const last = this.horizonsMs.length - 1;
    for (let i = 0; i <= last; i++) {
      const q = this.markoutQueues[i]!;
      const hMs = this.horizonsMs[i]!;
      for (
        let m = q.peek();
        m !== undefined && (inclusive ? m.record.fillTsMs + hMs <= tsMs : m.record.fillTsMs + hMs < tsMs);
        m = q.peek()
      ) {
        q.shift();
        // no market data at this horizon's end: its mid is unknown (left null), not the stale one
        if (this.unobserved.isEmpty || !this.unobserved.covers(m.record.fillTsMs + hMs))
          setMarkout(m.record, i, mid);
        m.next = i + 1;
        if (i < last) {
          this.markoutQueues[i + 1]!.push(m);
        } else {
          m.record.complete = true;
          this.openMarkouts--;
          out.push({ type: "markout", tsMs: m.record.fillTsMs + hMs, record: m.record });
        }
      }
    }
    this.setDeadline(this.computeNextDeadline());
    // A record opened later starts at or after `tsMs` (an order the pending actions bring live
    // during this very catch-up may start inside a span that ends after `tsMs`): keep those spans.
    if (!this.unobserved.isEmpty) this.unobserved.pruneBefore(Math.min(tsMs, this.earliestOpenStartMs()));
  }

  /** Where the earliest open record's window starts (+∞ when none is open). */
  private earliestOpenStartMs(): number {
    let start = Number.POSITIVE_INFINITY;
    const P = this.predictions;
    if (P.head < P.n) start = P.rows[P.row(P.head) + F_LIVE]!;
    for (const q of this.markoutQueues) {
      const m = q.peek();
      if (m !== undefined) start = Math.min(start, m.record.fillTsMs);
    }
    return start;
  }

  /**
   * Whether `resolve(tsMs, inclusive, …)` has anything to do (some horizon ends before `tsMs`, or
   * at it when `inclusive`): callers skip computing the mid otherwise.
   */
  isDue(tsMs: number, inclusive: boolean): boolean {
    return !(inclusive ? tsMs < this.nextDeadlineMs : tsMs <= this.nextDeadlineMs);
  }

  /**
   * Keep `target[index]` equal to the next deadline (the earliest horizon end of any open record,
   * +∞ when none): `isDue(t, inclusive)` is `!(inclusive ? t < d : t <= d)` with it. Lets a caller
   * test for due records from its own memory (the paper exchange checks twice per event).
   */
  mirrorDeadline(target: Float64Array, index: number): void {
    this.deadlineOut = target;
    this.deadlineIndex = index;
    target[index] = this.nextDeadlineMs;
  }

  private setDeadline(d: number): void {
    this.nextDeadlineMs = d;
    if (this.deadlineOut !== null) this.deadlineOut[this.deadlineIndex] = d;
  }

  /** Emit every open record marked incomplete; outcomes known by `nowMs` are filled in. */
  flush(nowMs: number, out: ExchangeEvent[]): void {
    const P = this.predictions;
    for (let slot = P.head; slot < P.n; slot++) {
      const record = finishPrediction(P, slot, nowMs, this.horizonsMs, this.horizonsSec);
      record.complete = false;
      if (!this.unobserved.isEmpty) this.unobserved.censorFillWindows(record, this.horizonsMs);
      out.push({ type: "prediction", tsMs: nowMs, record });
    }
    for (const m of this.allMarkouts()) out.push({ type: "markout", tsMs: nowMs, record: m.record });
    this.predictions.clear();
    for (const q of this.markoutQueues) q.clear();
    this.openMarkouts = 0;
    this.setDeadline(Number.POSITIVE_INFINITY);
  }

  /** Number of open (prediction, markout) records. */
  openCounts(): { predictions: number; markouts: number } {
    return { predictions: this.predictions.length, markouts: this.openMarkouts };
  }

  /** Serializable state. */
  getState(): RecordTrackerState {
    return {
      predictions: this.openRecords(),
      markouts: this.allMarkouts().map((m) => ({ record: structuredClone(m.record), next: m.next })),
      ...(this.unobserved.isEmpty ? {} : { unobserved: this.unobserved.toState() }),
    };
  }

  /** Restore from `getState()`. */
  setState(state: RecordTrackerState): void {
    const P = this.predictions;
    P.clear();
    for (const r of state.predictions) {
      const record = structuredClone(r);
      const slot = P.push(record.orderId, undefined, record.fillModel);
      const row = P.row(slot);
      P.rows[row + F_END] = r.liveTsMs + this.maxHorizonMs;
      P.rows[row + F_FLAGS] = RESTORED;
      P.restored.set(P.base + slot, record);
    }
    for (const q of this.markoutQueues) q.clear();
    // Within each horizon queue, fill-time order is preserved by the stable sort.
    const ms = state.markouts.map((m) => ({ record: structuredClone(m.record), next: m.next }));
    ms.sort((a, b) => a.record.fillTsMs - b.record.fillTsMs);
    for (const m of ms) this.markoutQueues[m.next]!.push(m);
    this.openMarkouts = ms.length;
    this.unobserved.fromState(state.unobserved);
    this.setDeadline(this.computeNextDeadline());
  }

  private allMarkouts(): PendingMarkout[] {
    return this.markoutQueues.flatMap((q) => q.toArray());
  }

  private computeNextDeadline(): number {
    let next = Number.POSITIVE_INFINITY;
    const P = this.predictions;
    if (P.head < P.n) next = P.rows[P.row(P.head) + F_END]!;
    for (let i = 0; i < this.markoutQueues.length; i++) {
      const m = this.markoutQueues[i]!.peek();
      if (m !== undefined) next = Math.min(next, m.record.fillTsMs + this.horizonsMs[i]!);
    }
    return next;
  }

  /** The records of the open predictions as they stand (outcomes unknown yet), for getState. */
  private openRecords(): PredictionRecord[] {
    const P = this.predictions;
    const out: PredictionRecord[] = [];
    for (let slot = P.head; slot < P.n; slot++) {
      out.push(
        P.rows[P.row(slot) + F_FLAGS]! & RESTORED
          ? structuredClone(P.restoredAt(slot))
          : predictionRecord(P, slot, this.horizonsSec, nulls(this.horizonsSec.length), false),
      );
    }
    return out;
  }
}
