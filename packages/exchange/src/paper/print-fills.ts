/** Print fills: a trade print filling our resting orders and observed by the virtual ones; booking a fill. */
import { type Trade, roundToLot } from "@mmkit/core";
import type { ExchangeEvent, PaperFill } from "./events.js";
import * as hs from "./hot-state.js";
import { allocatePrint, observePrint } from "./matching.js";
import { PendingActions } from "./pending-actions.js";
import { type PaperOrder, openSize, refreshStatus, removeFrom } from "./resting.js";

// Module-local copies of the hot-array indices, read per event (why: see hot-state.ts).
const { H_ASK_LO, H_BID_HI, H_VASK_LO, H_VBID_HI } = hs;

/** Trade prints: fills of our orders (best price first, time priority), then the virtual orders. */
export abstract class PrintFills extends PendingActions {
  /** Allocate one print across our orders (best price first, time priority), then to virtual orders. */
  protected onTrade(tr: Trade, t: number, out: ExchangeEvent[]): void {
    if (!(tr.size > 0) || !Number.isFinite(tr.price)) return;
    this.fillReal(tr, t, true, out);
    this.observeVirtual(tr, t, true);
  }

  /** A print's fills of our real orders. */
  protected fillReal(tr: Trade, t: number, recorded: boolean, out: ExchangeEvent[]): void {
    // Our best order on the hit side (lowest ask / highest bid) must be reached for anything to
    // happen (NaN: no orders on that side).
    const buy = tr.aggressor === "buy";
    const hot = this.hot;
    if (buy ? hot[H_ASK_LO]! <= tr.price : hot[H_BID_HI]! >= tr.price) {
      const list = buy ? this.asks : this.bids;
      const fills = allocatePrint(list, tr, this.fillModel, this.fillRng, this.config.lotSize, recorded, t);
      if (fills.length > 0) {
        for (let i = 0; i < fills.length; i++) {
          const f = fills[i]!;
          if (this.executeFill(f.order, f.size, t, tr.id, out)) removeFrom(list, f.order);
        }
        this.refreshSpan();
      }
    }
  }

  /** A print seen by the virtual orders (they consume nothing and never fill for real). */
  protected observeVirtual(tr: Trade, t: number, recorded: boolean): void {
    // Virtual orders reached: asks at or below a buy print, bids at or above a sell print.
    const hot = this.hot;
    if (tr.aggressor === "buy" ? hot[H_VASK_LO]! <= tr.price : hot[H_VBID_HI]! >= tr.price) {
      const filled = observePrint(this.virtuals, tr, this.fillModel, this.virtualRng, recorded, t);
      if (filled.length > 0) {
        for (const v of filled) this.tracker.noteFillAt(v.prediction, t);
        for (const v of filled) this.virtuals.remove(v);
      }
    }
  }

  /** Book a fill; returns true when the order is now completely filled. */
  protected executeFill(
    o: PaperOrder,
    size: number,
    t: number,
    tradeId: string | undefined,
    out: ExchangeEvent[],
  ): boolean {
    o.filledSize += size;
    const lot = this.config.lotSize;
    // Whole lots stay whole: 0.0071 + 0.0232 is 0.0303, not 0.030299999999999997.
    if (lot > 0) o.filledSize = roundToLot(o.filledSize, lot, "nearest");
    if (o.size - o.filledSize <= o.size * 1e-12) o.filledSize = o.size;
    const bookMid = this.book.mid();
    const mid = Number.isFinite(bookMid)
      ? bookMid
      : Number.isFinite(this.ledger.markPrice)
        ? this.ledger.markPrice
        : o.price;
    const feeBps = this.config.makerFeeBps;
    const feeQuote = (o.price * size * feeBps) / 1e4;
    this.ledger.fill(o.side, o.price, size, feeQuote, mid);
    refreshStatus(o);
    const { id: orderId, clientId, side, price, cycleId, level } = o;
    const remainingSize = lot > 0 ? roundToLot(openSize(o), lot, "nearest") : openSize(o);
    const fillModel = this.fillModel.name;
    const positionAfter = this.ledger.positionBase;
    // One literal, no spread: absent optional fields are undefined, which JSON omits like missing keys.
    const fill: PaperFill = {
      orderId,
      clientId,
      side,
      price,
      size,
      feeQuote,
      liquidity: "maker",
      tsMs: t,
      midAtFill: mid,
      cycleId,
      level,
      remainingSize,
      tradeId,
      fillModel,
      positionAfter,
      feeBps,
      realizedPnlAfter: this.ledger.realizedPnlQuote,
      totalPnlAfter: this.ledger.totalPnlQuote,
    };
    out.push({ type: "fill", tsMs: t, fill });
    this.tracker.noteFillAt(this.predictionOf(o), t);
    this.tracker.openMarkout(fill, feeBps, o.predicted);
    if (o.status !== "filled") return false;
    this.orders.delete(o.id);
    out.push({ type: "filled", tsMs: t, orderId: o.id, clientId: o.clientId });
    return true;
  }
}
