import { roundToLot, type Side, sideSign } from "@mmkit/core";

/** Serializable ledger state. */
export interface LedgerState {
  startingEquityQuote: number;
  positionBase: number;
  avgEntryPrice: number;
  cashQuote: number;
  markPrice: number;
  realizedPnlQuote: number;
  feesQuote: number;
  spreadCaptureQuote: number;
  inventoryMtmQuote: number;
  fillCount: number;
  volumeQuote: number;
}

/** Snapshot of PnL and its decomposition (all quote currency). */
export interface PnlSnapshot {
  positionBase: number;
  avgEntryPrice: number;
  cashQuote: number;
  markPrice: number;
  realizedPnlQuote: number;
  /** position × (mark − average entry). */
  unrealizedPnlQuote: number;
  /** Fees paid (negative = net rebate). */
  feesQuote: number;
  /** Σ side·(mid at fill − fill price)·size. */
  spreadCaptureQuote: number;
  /** Σ position·Δmark between fills: inventory mark-to-market. */
  inventoryMtmQuote: number;
  /** spread capture + inventory MTM − fees (= realized + unrealized − fees). */
  totalPnlQuote: number;
  /** cash + position × mark (= starting equity + total PnL). */
  equityQuote: number;
  fillCount: number;
  volumeQuote: number;
}

/**
 * Position and PnL accounting with average-entry cost basis and a decomposition
 * total = spread capture + inventory MTM − fees, exact by construction because every fill is
 * booked at the current mark (the mid at fill).
 */
export class PositionLedger {
  private s: LedgerState;

  /** Start flat with `startingEquityQuote` in cash; a `lotSizeBase` > 0 keeps the position on that size grid. */
  constructor(
    startingEquityQuote = 0,
    private readonly lotSizeBase = 0,
  ) {
    if (!Number.isFinite(startingEquityQuote))
      throw new Error(`startingEquityQuote must be finite, got ${startingEquityQuote}`);
    this.s = {
      startingEquityQuote,
      positionBase: 0,
      avgEntryPrice: 0,
      cashQuote: startingEquityQuote,
      markPrice: Number.NaN,
      realizedPnlQuote: 0,
      feesQuote: 0,
      spreadCaptureQuote: 0,
      inventoryMtmQuote: 0,
      fillCount: 0,
      volumeQuote: 0,
    };
  }

  /** Move the mark (mid); the held position earns position × Δmark of inventory MTM. */
  mark(midPrice: number): void {
    if (!Number.isFinite(midPrice)) return;
    const s = this.s;
    if (Number.isFinite(s.markPrice)) s.inventoryMtmQuote += s.positionBase * (midPrice - s.markPrice);
    s.markPrice = midPrice;
  }

  /** Book a fill at `price` for `size` with fee `feeQuote` (negative = rebate), with mid `midAtFill`. */
  fill(side: Side, price: number, size: number, feeQuote: number, midAtFill: number): void {
    if (!(size > 0) || !Number.isFinite(price) || !Number.isFinite(feeQuote) || !Number.isFinite(midAtFill)) {
      throw new Error(`invalid fill: price=${price} size=${size} fee=${feeQuote} mid=${midAtFill}`);
    }
    this.mark(midAtFill);
    const s = this.s;
    const sign = sideSign(side);
    s.cashQuote -= sign * price * size + feeQuote;
    s.feesQuote += feeQuote;
    s.spreadCaptureQuote += sign * (midAtFill - price) * size;
    s.fillCount++;
    s.volumeQuote += price * size;
    const q = s.positionBase;
    if (q === 0 || Math.sign(q) === sign) {
      const absQ = Math.abs(q);
      s.avgEntryPrice = (absQ * s.avgEntryPrice + size * price) / (absQ + size);
      s.positionBase = this.onLotGrid(q + sign * size);
      return;
    }
    const closed = Math.min(Math.abs(q), size);
    s.realizedPnlQuote += closed * (price - s.avgEntryPrice) * Math.sign(q);
    const newQ = this.onLotGrid(q + sign * size);
    if (Math.abs(newQ) < 1e-12 * Math.max(1, size)) {
      s.positionBase = 0;
      s.avgEntryPrice = 0;
    } else if (Math.sign(newQ) !== Math.sign(q)) {
      s.positionBase = newQ;
      s.avgEntryPrice = price;
    } else {
      s.positionBase = newQ;
    }
  }

  /** A position snapped to the lot grid (sums of lots carry float noise such as 0.09090000000000001). */
  private onLotGrid(positionBase: number): number {
    if (!(this.lotSizeBase > 0)) return positionBase;
    const snapped = roundToLot(Math.abs(positionBase), this.lotSizeBase, "nearest");
    return positionBase < 0 ? -snapped : snapped;
  }

  /** Current position in base units (positive long). */
  get positionBase(): number {
    return this.s.positionBase;
  }

  /** Current mark price (NaN before the first mark). */
  get markPrice(): number {
    return this.s.markPrice;
  }

  /** Realized PnL so far (quote). */
  get realizedPnlQuote(): number {
    return this.s.realizedPnlQuote;
  }

  /** Total PnL so far: spread capture + inventory MtM − fees (quote). */
  get totalPnlQuote(): number {
    const s = this.s;
    return s.spreadCaptureQuote + s.inventoryMtmQuote - s.feesQuote;
  }

  /** PnL snapshot at the current mark. */
  snapshot(): PnlSnapshot {
    const s = this.s;
    const mark = Number.isFinite(s.markPrice) ? s.markPrice : 0;
    const unrealized = s.positionBase === 0 ? 0 : s.positionBase * (mark - s.avgEntryPrice);
    return {
      positionBase: s.positionBase,
      avgEntryPrice: s.avgEntryPrice,
      cashQuote: s.cashQuote,
      markPrice: s.markPrice,
      realizedPnlQuote: s.realizedPnlQuote,
      unrealizedPnlQuote: unrealized,
      feesQuote: s.feesQuote,
      spreadCaptureQuote: s.spreadCaptureQuote,
      inventoryMtmQuote: s.inventoryMtmQuote,
      totalPnlQuote: s.spreadCaptureQuote + s.inventoryMtmQuote - s.feesQuote,
      equityQuote: s.cashQuote + s.positionBase * mark,
      fillCount: s.fillCount,
      volumeQuote: s.volumeQuote,
    };
  }

  /** Serializable copy of the state. */
  getState(): LedgerState {
    return { ...this.s };
  }

  /** Restore from `getState()`. */
  setState(state: LedgerState): void {
    // JSON turns NaN into null: restore an unset mark as NaN.
    this.s = { ...state, markPrice: Number.isFinite(state.markPrice) ? state.markPrice : Number.NaN };
  }
}
