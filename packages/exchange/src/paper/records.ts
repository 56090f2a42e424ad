import { type Side, fillProbabilityWithin, sideSign } from "@mmkit/core";
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
 * Predicted P(fill within h) for a passive order at depth δ = side·(mid − price)/mid:
 * 1 − exp(−h·λ_eff) with λ_eff = λ(δ⁺) + factor·(λ(δ) − λ(δ⁺)), λ(x) = A·exp(−κx),
 * δ⁺ = δ + tick/mid (prints strictly through us). With tick 0 this is fillProbabilityWithin(A, κ, δ, h).
 */
export function predictFillProbability(
  intensity: IntensityEstimate,
  depthFrac: number,
  horizonSec: number,
  atPriceFillFactor: number,
  tickFrac: number,
): number {
  const { aPerSec, kappaPerFrac } = intensity;
  if (tickFrac <= 0 || atPriceFillFactor >= 1)
    return fillProbabilityWithin(aPerSec, kappaPerFrac, depthFrac, horizonSec);
  const lamAt = aPerSec * Math.exp(-kappaPerFrac * Math.max(0, depthFrac));
  const lamThrough = aPerSec * Math.exp(-kappaPerFrac * Math.max(0, depthFrac + tickFrac));
  const lamEff = lamThrough + atPriceFillFactor * (lamAt - lamThrough);
  return -Math.expm1(-lamEff * horizonSec);
}

interface PendingPrediction {
  record: PredictionRecord;
  endMs: number;
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
  private readonly predictions = new Fifo<PendingPrediction>();
  private readonly predictionById = new Map<string, PendingPrediction>();
  /** Per horizon, the markouts waiting for it, in fill-time order (so in deadline order). */
  private readonly markoutQueues: Fifo<PendingMarkout>[];
  private openMarkouts = 0;
  private nextDeadlineMs = Number.POSITIVE_INFINITY;

  constructor(horizonsSec: readonly number[]) {
    if (horizonsSec.length === 0) throw new Error("horizonsSec must list at least one horizon");
    for (const h of horizonsSec)
      if (!(h > 0 && Number.isFinite(h))) throw new Error(`horizonsSec entries must be > 0, got ${h}`);
    this.horizonsSec = [...horizonsSec].sort((a, b) => a - b);
    this.horizonsMs = this.horizonsSec.map((h) => h * 1000);
    this.maxHorizonMs = this.horizonsMs[this.horizonsMs.length - 1]!;
    this.markoutQueues = this.horizonsMs.map(() => new Fifo<PendingMarkout>());
  }

  /** Open a prediction for an order that just became live. */
  openPrediction(inp: PredictionInput): void {
    const depthFrac = (sideSign(inp.side) * (inp.midAtLive - inp.price)) / inp.midAtLive;
    const tickFrac = inp.tickSize / inp.midAtLive;
    const record: PredictionRecord = {
      kind: "prediction",
      orderId: inp.orderId,
      ...(inp.clientId !== undefined ? { clientId: inp.clientId } : {}),
      ...(inp.cycleId !== undefined ? { cycleId: inp.cycleId } : {}),
      ...(inp.level !== undefined ? { level: inp.level } : {}),
      side: inp.side,
      price: inp.price,
      size: inp.size,
      fillModel: inp.fillModel,
      liveTsMs: inp.liveTsMs,
      midAtLive: inp.midAtLive,
      depthFrac,
      depthBps: depthFrac * 1e4,
      aPerSec: inp.intensity.aPerSec,
      kappaPerFrac: inp.intensity.kappaPerFrac,
      horizonsSec: [...this.horizonsSec],
      pFill: this.horizonsSec.map((h) =>
        predictFillProbability(inp.intensity, depthFrac, h, inp.atPriceFillFactor, tickFrac),
      ),
      filled: this.horizonsSec.map(() => null),
      firstFillTsMs: null,
      censored: false,
      cancelledTsMs: null,
      complete: false,
    };
    const p = { record, endMs: inp.liveTsMs + this.maxHorizonMs };
    this.predictions.push(p);
    this.predictionById.set(inp.orderId, p);
    if (p.endMs < this.nextDeadlineMs) this.nextDeadlineMs = p.endMs;
  }

  /** Whether an order still has an open prediction (its outcome is still being observed). */
  isObserving(orderId: string): boolean {
    const p = this.predictionById.get(orderId);
    return p !== undefined && p.record.firstFillTsMs === null;
  }

  /** A real or virtual fill of `orderId` at `tsMs`. */
  noteFill(orderId: string, tsMs: number): void {
    const p = this.predictionById.get(orderId);
    if (p !== undefined && p.record.firstFillTsMs === null) p.record.firstFillTsMs = tsMs;
  }

  /** The real order left the book at `tsMs` (outcome continues as a virtual order). */
  noteCancelled(orderId: string, tsMs: number): void {
    const p = this.predictionById.get(orderId);
    if (p !== undefined && tsMs < p.endMs) {
      p.record.censored = true;
      p.record.cancelledTsMs = tsMs;
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
    const record: MarkoutRecord = {
      kind: "markout",
      orderId: fill.orderId,
      ...(fill.cycleId !== undefined ? { cycleId: fill.cycleId } : {}),
      ...(fill.level !== undefined ? { level: fill.level } : {}),
      side: fill.side,
      fillPrice: fill.price,
      size: fill.size,
      fillTsMs: fill.tsMs,
      midAtFill: fill.midAtFill,
      feeBps,
      predictedSpreadBps: predicted?.spreadBps ?? null,
      predictedAdverseBps: predicted?.adverseBps ?? null,
      predictedEdgeBps: predicted?.edgeBps ?? null,
      realizedSpreadBps: ((sign * (fill.midAtFill - fill.price)) / fill.price) * 1e4,
      horizonsSec: [...this.horizonsSec],
      midAtHorizon: this.horizonsSec.map(() => null),
      realizedEdgeBps: this.horizonsSec.map(() => null),
      realizedAdverseBps: this.horizonsSec.map(() => null),
      complete: false,
    };
    this.markoutQueues[0]!.push({ record, next: 0 });
    this.openMarkouts++;
    const d = fill.tsMs + this.horizonsMs[0]!;
    if (d < this.nextDeadlineMs) this.nextDeadlineMs = d;
  }

  /**
   * Resolve every horizon ending before `tsMs` (or at it, when `inclusive`) using `mid`, the mid
   * prevailing at that horizon's end (the caller guarantees no book change since then).
   */
  resolve(tsMs: number, inclusive: boolean, mid: number, out: ExchangeEvent[]): void {
    if (inclusive ? tsMs < this.nextDeadlineMs : tsMs <= this.nextDeadlineMs) return;
    const due = (d: number): boolean => (inclusive ? d <= tsMs : d < tsMs);
    for (let p = this.predictions.peek(); p !== undefined && due(p.endMs); p = this.predictions.peek()) {
      this.predictions.shift();
      this.finishPrediction(p, Number.POSITIVE_INFINITY);
      out.push({ type: "prediction", tsMs: p.endMs, record: p.record });
    }
    const last = this.horizonsMs.length - 1;
    for (let i = 0; i <= last; i++) {
      const q = this.markoutQueues[i]!;
      const hMs = this.horizonsMs[i]!;
      for (let m = q.peek(); m !== undefined && due(m.record.fillTsMs + hMs); m = q.peek()) {
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
    this.nextDeadlineMs = this.computeNextDeadline();
  }

  /** Emit every open record marked incomplete; outcomes known by `nowMs` are filled in. */
  flush(nowMs: number, out: ExchangeEvent[]): void {
    for (const p of this.predictions.toArray()) {
      this.finishPrediction(p, nowMs);
      p.record.complete = false;
      out.push({ type: "prediction", tsMs: nowMs, record: p.record });
    }
    for (const m of this.allMarkouts()) out.push({ type: "markout", tsMs: nowMs, record: m.record });
    this.predictions.clear();
    this.predictionById.clear();
    for (const q of this.markoutQueues) q.clear();
    this.openMarkouts = 0;
    this.nextDeadlineMs = Number.POSITIVE_INFINITY;
  }

  /** Number of open (prediction, markout) records. */
  openCounts(): { predictions: number; markouts: number } {
    return { predictions: this.predictions.length, markouts: this.openMarkouts };
  }

  /** Serializable state. */
  getState(): RecordTrackerState {
    return {
      predictions: this.predictions.toArray().map((p) => structuredClone(p.record)),
      markouts: this.allMarkouts().map((m) => ({ record: structuredClone(m.record), next: m.next })),
    };
  }

  /** Restore from `getState()`. */
  setState(state: RecordTrackerState): void {
    this.predictions.clear();
    this.predictionById.clear();
    for (const r of state.predictions) {
      const p = { record: structuredClone(r), endMs: r.liveTsMs + this.maxHorizonMs };
      this.predictions.push(p);
      this.predictionById.set(r.orderId, p);
    }
    for (const q of this.markoutQueues) q.clear();
    // Within each horizon queue, fill-time order is preserved by the stable sort.
    const ms = state.markouts.map((m) => ({ record: structuredClone(m.record), next: m.next }));
    ms.sort((a, b) => a.record.fillTsMs - b.record.fillTsMs);
    for (const m of ms) this.markoutQueues[m.next]!.push(m);
    this.openMarkouts = ms.length;
    this.nextDeadlineMs = this.computeNextDeadline();
  }

  private allMarkouts(): PendingMarkout[] {
    return this.markoutQueues.flatMap((q) => q.toArray());
  }

  private computeNextDeadline(): number {
    let next = Number.POSITIVE_INFINITY;
    const p = this.predictions.peek();
    if (p !== undefined) next = p.endMs;
    for (let i = 0; i < this.markoutQueues.length; i++) {
      const m = this.markoutQueues[i]!.peek();
      if (m !== undefined) next = Math.min(next, m.record.fillTsMs + this.horizonsMs[i]!);
    }
    return next;
  }

  private finishPrediction(p: PendingPrediction, knownUntilMs: number): void {
    const r = p.record;
    this.predictionById.delete(r.orderId);
    r.complete = knownUntilMs === Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.horizonsMs.length; i++) {
      const end = r.liveTsMs + this.horizonsMs[i]!;
      if (r.firstFillTsMs !== null && r.firstFillTsMs <= end) r.filled[i] = true;
      else r.filled[i] = end <= knownUntilMs ? false : null;
    }
  }

  private setMarkout(r: MarkoutRecord, i: number, mid: number): void {
    const sign = sideSign(r.side);
    r.midAtHorizon[i] = mid;
    r.realizedEdgeBps[i] = ((sign * (mid - r.fillPrice)) / r.fillPrice) * 1e4 - r.feeBps;
    r.realizedAdverseBps[i] = ((sign * (r.midAtFill - mid)) / r.fillPrice) * 1e4;
  }
}
