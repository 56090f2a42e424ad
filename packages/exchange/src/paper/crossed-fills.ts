/** Crossed-book fills: a book on or through our resting prices shown to our orders as a print. */
import type { Trade } from "@mmkit/core";
import type { ExchangeEvent } from "./events.js";
import * as hs from "./hot-state.js";
import { PrintFills } from "./print-fills.js";

// Module-local copies of the hot-array indices, read per event (why: see hot-state.ts).
const { H_ASK_LO, H_BID_HI, H_VASK_LO, H_VBID_HI } = hs;

/** The opposite book reaching our orders (real and virtual, each with its own memory of what it was shown). */
export abstract class CrossedFills extends PrintFills {
  /**
   * An opposite-side best price at or through one of our resting prices means an order arrived
   * that would have traded with ours first (the recorded book does not contain our orders, so in
   * the recording it rested or traded with others). It is shown to our orders as a print at that
   * best price, of the opposite displayed quantity at prices reaching our best order and not shown
   * before: orders strictly through it fill in every model; at its price the fill model decides
   * (touch p, queue after the queue ahead, never in `through`), exactly as for a print.
   *
   * Real and virtual orders are crossed separately, each with its own best price and its own
   * quantity already shown: real fills are exactly those without any virtual order, and virtual
   * outcomes those the virtual orders would get as the only orders.
   */
  protected fillCrossed(t: number, out: ExchangeEvent[]): void {
    const hot = this.hot;
    // Best prices (NaN when none: every comparison is false).
    const ask = this.book.bestAsk();
    const bid = this.book.bestBid();
    const real = this.crossShown;
    const r0 = this.crossedPrint(0, real, ask, hot[H_BID_HI]!, t);
    if (r0 !== null) this.fillReal(r0, t, false, out);
    const r1 = this.crossedPrint(1, real, bid, hot[H_ASK_LO]!, t);
    if (r1 !== null) this.fillReal(r1, t, false, out);
    // After the real fills (which may not touch virtual orders): the virtual bounds as they are now.
    const virt = this.crossShownVirtual;
    const v0 = this.crossedPrint(0, virt, ask, hot[H_VBID_HI]!, t);
    if (v0 !== null) this.observeVirtual(v0, t, false);
    const v1 = this.crossedPrint(1, virt, bid, hot[H_VASK_LO]!, t);
    if (v1 !== null) this.observeVirtual(v1, t, false);
  }

  /** Whether our best order at `ours` is on or through the opposite best price `touch` (false on NaN). */
  private static crosses(side: 0 | 1, touch: number, ours: number): boolean {
    return side === 0 ? ours >= touch : ours <= touch;
  }

  /**
   * One side of `fillCrossed`: the displayed opposite quantity reaching `ours` (our best bid,
   * side 0, hit by the asks; our best ask, side 1, lifted by the bids) not yet in `shown`, as a
   * print at the opposite best price `touch` (null when none; `shown` resets when not crossed).
   */
  private crossedPrint(
    side: 0 | 1,
    shown: [number, number],
    touch: number,
    ours: number,
    t: number,
  ): Trade | null {
    if (!CrossedFills.crosses(side, touch, ours)) {
      shown[side] = 0;
      return null;
    }
    const before = shown[side];
    const qty = this.book.depthThrough(side === 0 ? "ask" : "bid", ours);
    shown[side] = qty;
    if (!(qty > before)) return null;
    const aggressor = side === 0 ? "sell" : "buy";
    return { price: touch, size: newQty(qty, before), aggressor, exchangeTsMs: t, localTsMs: t };
  }

  /**
   * Restore `fillCrossed`'s memories from a checkpoint. One written before real and virtual orders
   * were crossed separately has a single shared memory (`shared`, for the more aggressive of the
   * two best prices); each side's own is then what it would be after the last book event: the
   * opposite quantity reaching its best price (0 when not crossed), never more than `shared`.
   * That is exact unless our prices changed since then, and never shows a quantity twice.
   */
  protected restoreCrossShown(
    shared: [number, number] | undefined,
    virtual: [number, number] | undefined,
  ): void {
    if (shared === undefined) {
      this.crossShown = [0, 0];
      this.crossShownVirtual = virtual ?? [0, 0];
      return;
    }
    if (virtual !== undefined) {
      this.crossShown = shared;
      this.crossShownVirtual = virtual;
      return;
    }
    const hot = this.hot;
    const reach = (side: 0 | 1, ours: number): number => {
      const touch = side === 0 ? this.book.bestAsk() : this.book.bestBid();
      return CrossedFills.crosses(side, touch, ours)
        ? Math.min(shared[side], this.book.depthThrough(side === 0 ? "ask" : "bid", ours))
        : 0;
    };
    this.crossShown = [reach(0, hot[H_BID_HI]!), reach(1, hot[H_ASK_LO]!)];
    this.crossShownVirtual = [reach(0, hot[H_VBID_HI]!), reach(1, hot[H_VASK_LO]!)];
  }
}

/** Quantity not shown before, without the subtraction's float noise (0.3, not 0.29999999999999993). */
function newQty(qty: number, shown: number): number {
  return shown === 0 ? qty : Number((qty - shown).toPrecision(12));
}
