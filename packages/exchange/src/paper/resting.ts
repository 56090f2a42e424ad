import type { OrderStatus, Side } from "@mmkit/core";
import type { IntensityEstimate, OrderView, PredictedEdge } from "./events.js";
import type { QueueSlot } from "./fill-models.js";

/**
 * Key of a paper order's prediction handle (RecordTracker.openPrediction's result; −1: none).
 * A symbol, so that it stays out of the serialized state (JSON and structuredClone skip symbol
 * keys); absent on orders restored by setState (look the handle up by id then).
 */
export const PREDICTION: unique symbol = Symbol("prediction");

/** Internal mutable state of one paper order (serializable). */
export interface PaperOrder extends QueueSlot {
  id: string;
  clientId?: string;
  side: Side;
  price: number;
  size: number;
  filledSize: number;
  status: OrderStatus;
  createdTsMs: number;
  liveTsMs: number | null;
  /** Submission sequence number: time priority among orders live at the same ms. */
  seq: number;
  /** A cancel or modify of this order is in flight. */
  cancelRequested: boolean;
  cycleId?: number;
  level?: number;
  intensity?: IntensityEstimate;
  predicted?: PredictedEdge;
  [PREDICTION]?: number;
}

/** A cancelled order still observed for its fill prediction (never fills for real, consumes nothing). */
export interface VirtualOrder extends QueueSlot {
  orderId: string;
  side: Side;
  price: number;
}

/** Whether a status means the order can still fill. */
export function isRestingStatus(s: OrderStatus): boolean {
  return s === "open" || s === "partiallyFilled" || s === "cancelPending";
}

/** Recompute the status from fills, liveness and an in-flight cancel. */
export function refreshStatus(o: PaperOrder): void {
  if (o.status === "cancelled" || o.status === "rejected") return;
  if (o.filledSize >= o.size) o.status = "filled";
  else if (o.liveTsMs === null) o.status = "pending";
  else if (o.cancelRequested) o.status = "cancelPending";
  else o.status = o.filledSize > 0 ? "partiallyFilled" : "open";
}

/** Open (unfilled) size of an order. */
export function openSize(o: PaperOrder): number {
  return o.size - o.filledSize;
}

/** Price-time priority: better price first, then earlier live time, then earlier submission. */
export function priorityCompare(a: PaperOrder, b: PaperOrder): number {
  if (a.price !== b.price) return a.side === "buy" ? b.price - a.price : a.price - b.price;
  const at = a.liveTsMs ?? 0;
  const bt = b.liveTsMs ?? 0;
  if (at !== bt) return at - bt;
  return a.seq - b.seq;
}

/** Insert into a priority-sorted list (stable for equal keys). */
export function insertByPriority(list: PaperOrder[], o: PaperOrder): void {
  const n = list.length;
  let i = n;
  while (i > 0 && priorityCompare(list[i - 1]!, o) > 0) i--;
  if (i === n) {
    list.push(o);
    return;
  }
  list.push(list[n - 1]!);
  for (let k = n - 1; k > i; k--) list[k] = list[k - 1]!;
  list[i] = o;
}

/** Remove an order from a list (no-op when absent). */
export function removeFrom<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i < 0) return;
  const n = list.length;
  for (let k = i + 1; k < n; k++) list[k - 1] = list[k]!;
  list.pop();
}

/** Public immutable view of an order (absent optional fields are undefined: JSON omits them). */
export function viewOf(o: PaperOrder): OrderView {
  return {
    id: o.id,
    clientId: o.clientId,
    side: o.side,
    price: o.price,
    size: o.size,
    filledSize: o.filledSize,
    status: o.status,
    createdTsMs: o.createdTsMs,
    liveTsMs: o.liveTsMs,
    queueAheadSize: o.queueAheadSize,
    cycleId: o.cycleId,
    level: o.level,
  };
}
