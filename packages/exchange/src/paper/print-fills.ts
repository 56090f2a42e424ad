/** Print fills: a trade print filling our resting orders and observed by the virtual ones; booking a fill. */
import { type Trade, roundToLot } from "@mmkit/core";
import { addPrintSizes } from "../feeds/print-merge.js";
import type { ExchangeEvent, PaperFill, PredictedEdge } from "./events.js";
import * as hs from "./hot-state.js";
import { allocatePrint, observePrint } from "./matching.js";
import { PendingActions } from "./pending-actions.js";
import { type PaperOrder, openSize, refreshStatus, removeFrom } from "./resting.js";

// Module-local copies of the hot-array indices, read per event (why: see hot-state.ts).
const { H_ASK_LO, H_BID_HI, H_VASK_LO, H_VBID_HI } = hs;

/** A fill of an order by the sweep in progress, emitted when the sweep ends (JSON: it goes into checkpoints). */
export interface SweepFill {
  fill: PaperFill;
  /** The order's predicted edge (for the markout opened at emission). */
  predicted?: PredictedEdge;
  /** The order is completely filled (a `filled` event follows the fill). */
  completed: boolean;
  /** Exchange time of the sweep's prints (a print at another time is another taker order). */
  sweepTsMs: number;
}

/** Trade prints: fills of our orders (best price first, time priority), then the virtual orders. */
export abstract class PrintFills extends PendingActions {
  /**
   * Fills by the taker order sweeping now (`Trade.sweepContinues`): one per order, however many of
   * the sweep's prices reached it — one taker order meets one order of ours once.
   */
  protected sweepFills: SweepFill[] = [];
  /** A sweep's print is being allocated: fills wait in `sweepFills`. */
  private inSweep = false;
  /** Exchange time of the print being allocated. */
  private sweepTsMs = 0;

  /** Allocate one print across our orders (best price first, time priority), then to virtual orders. */
  protected onTrade(tr: Trade, t: number, out: ExchangeEvent[]): void {
    const goesOn = tr.sweepContinues === true;
    // A sweep whose last print never came (dropped as a duplicate, say) ends at a print of another
    // taker order: another time or side. Its fills are not that order's.
    const held = this.sweepFills[0];
    if (held !== undefined && (held.sweepTsMs !== tr.exchangeTsMs || held.fill.side === tr.aggressor))
      this.endSweep(out);
    this.sweepTsMs = tr.exchangeTsMs;
    this.inSweep = goesOn || this.sweepFills.length > 0;
    // (a non-finite price or negative size never gets here: onMarketEvent refuses it)
    if (tr.size > 0) {
      this.fillReal(tr, t, true, out);
      this.observeVirtual(tr, t, true);
    }
    if (!goesOn) this.endSweep(out);
  }

  /** The sweep is over (its last print, or any other event): its fills come out, in order. */
  protected endSweep(out: ExchangeEvent[]): void {
    this.inSweep = false;
    if (this.sweepFills.length === 0) return;
    const held = this.sweepFills;
    this.sweepFills = [];
    for (const h of held) this.emitFill(h.fill, h.predicted, h.completed, out);
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
    this.tracker.noteFillAt(this.predictionOf(o), t);
    const completed = o.status === "filled";
    if (completed) this.orders.delete(o.id);
    const held = this.inSweep ? this.sweepFills.find((h) => h.fill.orderId === orderId) : undefined;
    if (held !== undefined) {
      // the sweep reached this order again at a deeper price: still one fill
      const f = held.fill;
      f.size = addPrintSizes(f.size, size);
      if (lot > 0) f.size = roundToLot(f.size, lot, "nearest");
      f.feeQuote += feeQuote;
      f.remainingSize = remainingSize;
      f.positionAfter = positionAfter;
      f.realizedPnlAfter = fill.realizedPnlAfter;
      f.totalPnlAfter = fill.totalPnlAfter;
      held.completed = completed;
    } else if (this.inSweep)
      this.sweepFills.push({
        fill,
        ...(o.predicted !== undefined ? { predicted: o.predicted } : {}),
        completed,
        sweepTsMs: this.sweepTsMs,
      });
    else this.emitFill(fill, o.predicted, completed, out);
    return completed;
  }

  /** Report a fill (and the order's end when it completed it), opening its markouts. */
  private emitFill(
    fill: PaperFill,
    predicted: PredictedEdge | undefined,
    completed: boolean,
    out: ExchangeEvent[],
  ): void {
    const t = fill.tsMs;
    fill.fillSeq = ++this.fillsReported;
    out.push({ type: "fill", tsMs: t, fill });
    this.tracker.openMarkout(fill, fill.feeBps, predicted);
    if (completed) out.push({ type: "filled", tsMs: t, orderId: fill.orderId, clientId: fill.clientId });
  }
}
