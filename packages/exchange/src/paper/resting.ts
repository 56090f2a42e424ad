import type { OrderStatus, Side } from "@mmkit/core";
import type { IntensityEstimate, OrderView, PredictedEdge } from "./events.js";
import type { QueueSlot } from "./fill-models.js";

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
  let i = list.length;
  while (i > 0 && priorityCompare(list[i - 1]!, o) > 0) i--;
  list.splice(i, 0, o);
}

/** Remove an order from a list (no-op when absent). */
export function removeFrom<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

/** Public immutable view of an order. */
export function viewOf(o: PaperOrder): OrderView {
  return {
    id: o.id,
    ...(o.clientId !== undefined ? { clientId: o.clientId } : {}),
    side: o.side,
    price: o.price,
    size: o.size,
    filledSize: o.filledSize,
    status: o.status,
    createdTsMs: o.createdTsMs,
    liveTsMs: o.liveTsMs,
    queueAheadSize: o.queueAheadSize,
    ...(o.cycleId !== undefined ? { cycleId: o.cycleId } : {}),
    ...(o.level !== undefined ? { level: o.level } : {}),
  };
}
