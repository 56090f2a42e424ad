/** Order entry: place, cancel, modify and batch requests, checked now and scheduled to take effect after their latency. */
import type {
  ActionResult,
  BatchAction,
  ExchangeEvent,
  ModifyRequest,
  PlaceRequest,
  RejectReason,
} from "./events.js";
import { BookUpkeep } from "./book-upkeep.js";
import { refreshStatus } from "./resting.js";
import { validatePlace } from "./validate.js";

/** An `ack` of a place or cancel (an absent clientId is undefined: JSON omits it). */
function ackEvent(
  tsMs: number,
  action: "place" | "cancel",
  orderId: string,
  clientId: string | undefined,
): ExchangeEvent {
  return { type: "ack", tsMs, action, orderId, clientId };
}

/** The client's order requests: answered at once (ack or reject), put on the latency queue when accepted. */
export abstract class OrderEntry extends BookUpkeep {
  /** Submit a post-only limit order; it goes live (or is rejected) after the order-entry latency. */
  place(req: PlaceRequest): ActionResult {
    const id = this.newId();
    const problem = validatePlace(req);
    if (problem !== null) {
      const out: ExchangeEvent[] = [];
      this.reject(out, this.clockMs, "place", id, req.clientId, problem.reason, problem.message);
      return { ok: false, orderId: id, events: out };
    }
    this.createOrder(id, req);
    this.schedule({ kind: "live", effTsMs: this.clockMs + this.entryLatency(), seq: this.seq, orderId: id });
    return { ok: true, orderId: id, events: [ackEvent(this.clockMs, "place", id, req.clientId)] };
  }

  /** Request a cancel; it takes effect after the cancel latency (fills before then are honoured). */
  cancel(orderId: string): ActionResult {
    const out: ExchangeEvent[] = [];
    const o = this.orders.get(orderId);
    if (o === undefined) {
      this.reject(
        out,
        this.clockMs,
        "cancel",
        orderId,
        undefined,
        "unknownOrder",
        `no open order ${orderId}`,
      );
      return { ok: false, orderId, events: out };
    }
    if (o.cancelRequested) {
      this.reject(
        out,
        this.clockMs,
        "cancel",
        orderId,
        o.clientId,
        "duplicateCancel",
        `order ${orderId} already has a cancel or modify in flight`,
      );
      return { ok: false, orderId, events: out };
    }
    o.cancelRequested = true;
    refreshStatus(o);
    this.seq++;
    this.schedule({ kind: "cancel", effTsMs: this.clockMs + this.cancelLatency(), seq: this.seq, orderId });
    return { ok: true, orderId, events: [ackEvent(this.clockMs, "cancel", orderId, o.clientId)] };
  }

  /**
   * Cancel-replace with a NEW order id (like Hyperliquid's modify). After the order-entry latency
   * the old order is cancelled and the new one goes live atomically; if the old one is no longer
   * open, or the new price would cross, the modify is rejected and the old order stays as it is.
   */
  modify(orderId: string, update: ModifyRequest): ActionResult {
    const newId = this.newId();
    const out: ExchangeEvent[] = [];
    const old = this.orders.get(orderId);
    if (old === undefined || old.liveTsMs === null || old.cancelRequested) {
      const reason: RejectReason = old === undefined ? "unknownOrder" : "orderNotOpen";
      this.reject(
        out,
        this.clockMs,
        "modify",
        newId,
        old?.clientId,
        reason,
        `order ${orderId} is not open for modify`,
      );
      return { ok: false, orderId: newId, events: out };
    }
    // Internal request (validatePlace and createOrder skip the undefined optional fields).
    const req: PlaceRequest = {
      side: old.side,
      price: update.price,
      size: update.size,
      postOnly: true,
      clientId: old.clientId,
      cycleId: update.cycleId ?? old.cycleId,
      level: old.level,
      intensity: update.intensity ?? old.intensity,
      predicted: update.predicted ?? old.predicted,
    };
    const problem = validatePlace(req);
    if (problem !== null) {
      this.reject(out, this.clockMs, "modify", newId, old.clientId, problem.reason, problem.message);
      return { ok: false, orderId: newId, events: out };
    }
    old.cancelRequested = true;
    refreshStatus(old);
    this.createOrder(newId, req);
    this.schedule({
      kind: "modify",
      effTsMs: this.clockMs + this.entryLatency(),
      seq: this.seq,
      orderId,
      newOrderId: newId,
    });
    const ack: ExchangeEvent = {
      type: "ack",
      tsMs: this.clockMs,
      action: "modify",
      orderId: newId,
      replacesOrderId: orderId,
      clientId: old.clientId,
    };
    return { ok: true, orderId: newId, events: [ack] };
  }

  /** Apply several actions in order, as one request (each gets its own latency draw). */
  batch(actions: readonly BatchAction[]): ActionResult[] {
    return actions.map((a) =>
      a.type === "place"
        ? this.place(a.order)
        : a.type === "cancel"
          ? this.cancel(a.orderId)
          : this.modify(a.orderId, a.update),
    );
  }
}
