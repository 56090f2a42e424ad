import {
  type FillOutcome,
  fillOutcomeDiffusing,
  fillOutcomeDiffusingOnCurve,
  fillProbabilityDiffusing,
  fillProbabilityDiffusingOnCurve,
  type Side,
  sideSign,
} from "@mmkit/core";
import type {
  ExchangeEvent,
  FillModelName,
  IntensityEstimate,
  MarkoutRecord,
  PredictedEdge,
  PredictionRecord,
} from "./events.js";

/** Inputs to open a prediction record when an order becomes live. */
export interface PredictionInput {
  orderId: string;
  clientId?: string;
  cycleId?: number;
  level?: number;
  side: Side;
  price: number;
  size: number;
  liveTsMs: number;
  midAtLive: number;
  intensity: IntensityEstimate;
  fillModel: FillModelName;
  /** Factor on prints landing exactly at our price (touch p, queue 1, through 0). */
  atPriceFillFactor: number;
  /** Price increment: a print one tick beyond our price is "through". 0 = continuous prices. */
  tickSize: number;
}

/**
 * Predicted P(fill within h) for a passive order at depth δ = side·(mid − price)/mid: arrivals at
 * λ_eff(δ) = λ(δ⁺) + factor·(λ(δ) − λ(δ⁺)), λ(x) = A·exp(−κx), δ⁺ = δ + tick/mid (prints strictly
 * through us), while the mid diffuses with the estimate's σ (`fillProbabilityDiffusing`). Without
 * σ (or σ = 0) the depth stays δ: 1 − exp(−λ_eff(δ)·h).
 */
export function predictFillProbability(
  intensity: IntensityEstimate,
  depthFrac: number,
  horizonSec: number,
  atPriceFillFactor: number,
  tickFrac: number,
): number {
  if (intensity.curve !== undefined)
    return fillProbabilityDiffusingOnCurve(
      intensity.curve,
      depthFrac,
      intensity.sigmaPerSqrtSec ?? 0,
      horizonSec,
      atPriceFillFactor,
      tickFrac,
    );
  return fillProbabilityDiffusing(
    intensity.aPerSec,
    intensity.kappaPerFrac,
    depthFrac,
    intensity.sigmaPerSqrtSec ?? 0,
    horizonSec,
    atPriceFillFactor,
    tickFrac,
  );
}

/**
 * {@link predictFillProbability} plus where the order stands when it fills (E[depth at the fill |
 * a fill within h], `fillOutcomeDiffusing`), from the same arrival model.
 */
export function predictFillOutcome(
  intensity: IntensityEstimate,
  depthFrac: number,
  horizonSec: number,
  atPriceFillFactor: number,
  tickFrac: number,
): FillOutcome {
  const sigma = intensity.sigmaPerSqrtSec ?? 0;
  if (intensity.curve !== undefined)
    return fillOutcomeDiffusingOnCurve(
      intensity.curve,
      depthFrac,
      sigma,
      horizonSec,
      atPriceFillFactor,
      tickFrac,
    );
  const { aPerSec, kappaPerFrac } = intensity;
  return fillOutcomeDiffusing(
    aPerSec,
    kappaPerFrac,
    depthFrac,
    sigma,
    horizonSec,
    atPriceFillFactor,
    tickFrac,
  );
}

// Numeric fields of an open prediction, one Float64Array row per prediction (then its pFill values).
const F_PRICE = 0;
const F_SIZE = 1;
const F_LIVE = 2;
const F_MID = 3;
const F_DEPTH = 4;
const F_A = 5;
const F_KAPPA = 6;
const F_SIGMA = 7;
const F_END = 8;
const F_FIRST_FILL = 9;
const F_CANCELLED = 10;
const F_CYCLE = 11;
const F_LEVEL = 12;
const F_FLAGS = 13;
const F_PFILL = 14;
// F_FLAGS bits.
const HAS_FILL = 1;
const CENSORED = 2;
const HAS_CYCLE = 4;
const HAS_LEVEL = 8;
const SELL = 16;
const RESTORED = 32;
const EMPIRICAL = 64;
/** Entries per slot in OpenPredictions.meta. */
const META = 4;

/**
 * The open predictions, oldest first. Each is one Float64Array row (its numbers, flags and pFill
 * values: two cache lines) plus its order id, client id and fill model in `meta`, instead of a
 * record object with boxed numbers, three arrays and a wrapper: a busy quoter keeps about a
 * thousand open for 30 s each. The record is built when it is emitted. Predictions restored by
 * `setState` keep their record object (in `restored`), exactly as given.
 */
class OpenPredictions {
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
}

interface PendingMarkout {
  record: MarkoutRecord;
  next: number;
}

/** FIFO with O(1) amortized push/shift (items arrive in deadline order). */
class Fifo<T> {
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

/** Serializable tracker state. */
export interface RecordTrackerState {
  predictions: PredictionRecord[];
  markouts: { record: MarkoutRecord; next: number }[];
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
    const depthFrac = (sideSign(inp.side) * (inp.midAtLive - inp.price)) / inp.midAtLive;
    const tickFrac = inp.tickSize / inp.midAtLive;
    const P = this.predictions;
    const endMs = inp.liveTsMs + this.maxHorizonMs;
    const slot = P.push(inp.orderId, inp.clientId, inp.fillModel);
    const rows = P.rows;
    const r = P.row(slot);
    rows[r + F_PRICE] = inp.price;
    rows[r + F_SIZE] = inp.size;
    rows[r + F_LIVE] = inp.liveTsMs;
    rows[r + F_MID] = inp.midAtLive;
    rows[r + F_DEPTH] = depthFrac;
    rows[r + F_A] = inp.intensity.aPerSec;
    rows[r + F_KAPPA] = inp.intensity.kappaPerFrac;
    const sigma = inp.intensity.sigmaPerSqrtSec ?? 0;
    rows[r + F_SIGMA] = sigma;
    rows[r + F_END] = endMs;
    let flags = inp.side === "sell" ? SELL : 0;
    if (inp.cycleId !== undefined) {
      flags |= HAS_CYCLE;
      rows[r + F_CYCLE] = inp.cycleId;
    }
    if (inp.level !== undefined) {
      flags |= HAS_LEVEL;
      rows[r + F_LEVEL] = inp.level;
    }
    if (inp.intensity.curve !== undefined) flags |= EMPIRICAL;
    rows[r + F_FLAGS] = flags;
    const hs = this.horizonsSec;
    for (let i = 0; i < hs.length; i++)
      rows[r + F_PFILL + i] = predictFillProbability(
        inp.intensity,
        depthFrac,
        hs[i]!,
        inp.atPriceFillFactor,
        tickFrac,
      );
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
    const slot = this.predictions.slotAt(handle);
    return slot >= 0 && this.cancelObservedSlot(slot, tsMs);
  }

  /** A real or virtual fill at `tsMs` for the prediction with handle `handle` (no-op once emitted). */
  noteFillAt(handle: number, tsMs: number): void {
    const slot = this.predictions.slotAt(handle);
    if (slot >= 0) this.noteFillSlot(slot, tsMs);
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

  private cancelObservedSlot(slot: number, tsMs: number): boolean {
    const P = this.predictions;
    const rows = P.rows;
    const r = P.row(slot);
    const flags = rows[r + F_FLAGS]!;
    if (flags & RESTORED) {
      const rec = P.restoredAt(slot);
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

  private noteFillSlot(slot: number, tsMs: number): void {
    const P = this.predictions;
    const rows = P.rows;
    const r = P.row(slot);
    const flags = rows[r + F_FLAGS]!;
    if (flags & RESTORED) {
      const rec = P.restoredAt(slot);
      if (rec.firstFillTsMs === null) rec.firstFillTsMs = tsMs;
    } else if ((flags & HAS_FILL) === 0) {
      rows[r + F_FLAGS] = flags | HAS_FILL;
      rows[r + F_FIRST_FILL] = tsMs;
    }
  }

  /** Open a markout record for a fill. */
  openMarkout(
    fill: {
      orderId: string;
      side: Side;
      price: number;
      size: number;
      tsMs: number;
      midAtFill: number;
      cycleId?: number;
      level?: number;
    },
    feeBps: number,
    predicted: PredictedEdge | undefined,
  ): void {
    const sign = sideSign(fill.side);
    const n = this.horizonsSec.length;
    const { orderId, cycleId, level, side, price: fillPrice, size, tsMs: fillTsMs, midAtFill } = fill;
    const predictedSpreadBps = predicted?.spreadBps ?? null;
    const predictedAdverseBps = predicted?.adverseBps ?? null;
    const predictedEdgeBps = predicted?.edgeBps ?? null;
    const realizedSpreadBps = ((sign * (midAtFill - fillPrice)) / fillPrice) * 1e4;
    const horizonsSec = this.horizonsSec.slice();
    const midAtHorizon = nulls(n);
    const realizedEdgeBps = nulls(n);
    const realizedAdverseBps = nulls(n);
    // One literal, no spread: an absent cycleId/level is undefined, which JSON omits like a missing key.
    const record: MarkoutRecord = {
      kind: "markout",
      orderId,
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
        out.push({
          type: "prediction",
          tsMs: endMs,
          record: this.finishPrediction(slot, Number.POSITIVE_INFINITY),
        });
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
        this.setMarkout(m.record, i, mid);
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
      const record = this.finishPrediction(slot, nowMs);
      record.complete = false;
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

  /**
   * Close the prediction in `slot` and return its record: outcomes per horizon as known by
   * `knownUntilMs` (+∞ when every horizon has elapsed).
   */
  private finishPrediction(slot: number, knownUntilMs: number): PredictionRecord {
    const P = this.predictions;
    if (P.byId !== null) P.byId.delete(P.orderId(slot));
    const rows = P.rows;
    const row = P.row(slot);
    const flags = rows[row + F_FLAGS]!;
    if (flags & RESTORED) {
      const r = P.restoredAt(slot);
      r.complete = knownUntilMs === Number.POSITIVE_INFINITY;
      for (let i = 0; i < this.horizonsMs.length; i++) {
        const end = r.liveTsMs + this.horizonsMs[i]!;
        r.filled[i] = outcomeAt(end, r.firstFillTsMs, knownUntilMs);
      }
      return r;
    }
    const liveTsMs = rows[row + F_LIVE]!;
    const first = flags & HAS_FILL ? rows[row + F_FIRST_FILL]! : null;
    const n = this.horizonsMs.length;
    const filled = new Array<boolean | null>(n);
    for (let i = 0; i < n; i++) filled[i] = outcomeAt(liveTsMs + this.horizonsMs[i]!, first, knownUntilMs);
    return this.recordAt(slot, filled, knownUntilMs === Number.POSITIVE_INFINITY);
  }

  /** The records of the open predictions as they stand (outcomes unknown yet), for getState. */
  private openRecords(): PredictionRecord[] {
    const P = this.predictions;
    const out: PredictionRecord[] = [];
    for (let slot = P.head; slot < P.n; slot++) {
      out.push(
        P.rows[P.row(slot) + F_FLAGS]! & RESTORED
          ? structuredClone(P.restoredAt(slot))
          : this.recordAt(slot, nulls(this.horizonsSec.length), false),
      );
    }
    return out;
  }

  /** A fresh record object for an open (not restored) slot, in the declared key order. */
  private recordAt(slot: number, filled: (boolean | null)[], complete: boolean): PredictionRecord {
    const P = this.predictions;
    const rows = P.rows;
    const row = P.row(slot);
    const meta = P.meta;
    const orderId = meta[slot * META] as string;
    const clientId = meta[slot * META + 1] as string | undefined;
    const fillModel = meta[slot * META + 2] as FillModelName;
    const flags = rows[row + F_FLAGS]!;
    const cycleId = flags & HAS_CYCLE ? rows[row + F_CYCLE]! : undefined;
    const level = flags & HAS_LEVEL ? rows[row + F_LEVEL]! : undefined;
    const side: Side = flags & SELL ? "sell" : "buy";
    const price = rows[row + F_PRICE]!;
    const size = rows[row + F_SIZE]!;
    const liveTsMs = rows[row + F_LIVE]!;
    const midAtLive = rows[row + F_MID]!;
    const depthFrac = rows[row + F_DEPTH]!;
    const depthBps = depthFrac * 1e4;
    const aPerSec = rows[row + F_A]!;
    const kappaPerFrac = rows[row + F_KAPPA]!;
    const sigmaPerSqrtSec = rows[row + F_SIGMA]!;
    const horizonsSec = this.horizonsSec.slice();
    const n = P.horizons;
    const pFill = new Array<number>(n);
    for (let i = 0; i < n; i++) pFill[i] = rows[row + F_PFILL + i]!;
    const firstFillTsMs = flags & HAS_FILL ? rows[row + F_FIRST_FILL]! : null;
    const censored = (flags & CENSORED) !== 0;
    const cancelledTsMs = censored ? rows[row + F_CANCELLED]! : null;
    // One literal (one allocation, one shape, no spread); absent optional fields are undefined,
    // which JSON omits exactly as a missing key.
    return {
      kind: "prediction",
      orderId,
      clientId,
      cycleId,
      level,
      side,
      price,
      size,
      fillModel,
      liveTsMs,
      midAtLive,
      depthFrac,
      depthBps,
      aPerSec,
      kappaPerFrac,
      sigmaPerSqrtSec,
      arrivalModel: flags & EMPIRICAL ? "empirical" : "exponential",
      horizonsSec,
      pFill,
      filled,
      firstFillTsMs,
      censored,
      cancelledTsMs,
      complete,
    };
  }

  private setMarkout(r: MarkoutRecord, i: number, mid: number): void {
    const sign = sideSign(r.side);
    r.midAtHorizon[i] = mid;
    r.realizedEdgeBps[i] = ((sign * (mid - r.fillPrice)) / r.fillPrice) * 1e4 - r.feeBps;
    r.realizedAdverseBps[i] = ((sign * (r.midAtFill - mid)) / r.fillPrice) * 1e4;
  }
}

/**
 * A horizon's outcome: filled by `endMs` or not, or null when its window is not over by
 * `knownUntilMs` (shutdown). An unfinished window is null even if the order already filled:
 * keeping only the windows that happened to fill early would bias the Brier sample toward fills.
 */
function outcomeAt(endMs: number, firstFillTsMs: number | null, knownUntilMs: number): boolean | null {
  if (endMs > knownUntilMs) return null;
  return firstFillTsMs !== null && firstFillTsMs <= endMs;
}

function nulls(n: number): null[] {
  const a = new Array<null>(n);
  for (let i = 0; i < n; i++) a[i] = null;
  return a;
}
