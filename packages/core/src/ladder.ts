/**
 * The quote ladder: N levels per side at geometrically spaced depths, sized within the position
 * limit, rounded to the venue's tick/lot grid and kept post-only safe. Pure.
 *
 * Depth rule: with touch depth d0 (fraction of fair, incl. the side's extra bps) and spacing base
 * b = max(d0, minLevelSpacingFrac), level i sits at d0 + b·(ratio^i − 1) — exactly d0·ratio^i when
 * d0 ≥ minLevelSpacingFrac; the spacing base keeps levels apart when skew pushes d0 near or past 0.
 * Size rule: level i asks for orderSizeBase·sizeRatio^i (sizeRatio 1 = equal sizes), capped by the
 * remaining room to the position limit, then rounded DOWN to the lot grid.
 */
import { BPS_PER_FRAC } from "./units.js";
import type { TickRules } from "./tick-rules.js";
import type { Quote, QuoteLadder } from "./types.js";

/** Inputs of `buildLadder`. Prices are quote currency, sizes base units, depths fractions of fair. */
export interface LadderInput {
  /** Fair price the depths are measured from. */
  fairPrice: number;
  /** Best bid of the book (a bid is never placed at or above the best ask, and vice versa). */
  bestBid: number;
  /** Best ask of the book. */
  bestAsk: number;
  /** Touch bid depth below fair (half-spread + inventory skew ∓ signal skew), fraction. May be negative. */
  bidTouchDepthFrac: number;
  /** Touch ask depth above fair, fraction. May be negative. */
  askTouchDepthFrac: number;
  /** Extra bid-side widening in bps (negative values are treated as 0: extras only widen). */
  bidExtraBps?: number;
  /** Extra ask-side widening in bps. */
  askExtraBps?: number;
  /** Do not quote bids. */
  pullBid?: boolean;
  /** Do not quote asks. */
  pullAsk?: boolean;
  /** Levels per side. */
  levels: number;
  /** Geometric depth ratio (> 1). */
  depthRatio: number;
  /** Smallest spacing base, fraction (see the module doc). */
  minLevelSpacingFrac: number;
  /** Size of the touch level in base units (one lot). */
  orderSizeBase: number;
  /** Size ratio between consecutive levels (1 = equal). */
  sizeRatio: number;
  /** Current inventory in base units (positive = long). */
  inventoryBase: number;
  /** Position limit in base units: inventory + same-side sizes never passes ±maxPositionBase. */
  maxPositionBase: number;
  /** Quote only the side that reduces |inventory|, never more than the inventory itself. */
  reduceOnly: boolean;
  /** Venue tick/lot/min-notional rules. */
  tickRules: TickRules;
}

/** A built ladder plus the touch depths actually used and notes on dropped levels. */
export interface LadderResult {
  ladder: QuoteLadder;
  /** Bid touch depth incl. the extra, fraction. */
  bidTouchDepthFrac: number;
  /** Ask touch depth incl. the extra, fraction. */
  askTouchDepthFrac: number;
  /** Why levels or sides were dropped or moved (empty when nothing happened). */
  notes: string[];
}

/** The largest grid price strictly below `x` (NaN if none found). */
export function tickBelow(rules: TickRules, x: number): number {
  const p = rules.roundPrice(x, "down");
  if (p < x) return p;
  for (const eps of [1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2]) {
    const q = rules.roundPrice(x - Math.abs(x) * eps, "down");
    if (q < x) return q;
  }
  return Number.NaN;
}

/** The smallest grid price strictly above `x` (NaN if none found). */
export function tickAbove(rules: TickRules, x: number): number {
  const p = rules.roundPrice(x, "up");
  if (p > x) return p;
  for (const eps of [1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2]) {
    const q = rules.roundPrice(x + Math.abs(x) * eps, "up");
    if (q > x) return q;
  }
  return Number.NaN;
}

function requireFiniteInput(name: string, v: number): void {
  if (!Number.isFinite(v)) throw new Error(`ladder: ${name} must be finite, got ${v}`);
}

function requirePositiveInput(name: string, v: number): void {
  if (!(v > 0 && Number.isFinite(v))) throw new Error(`ladder: ${name} must be > 0, got ${v}`);
}

function validate(input: LadderInput): void {
  requireFiniteInput("fairPrice", input.fairPrice);
  requireFiniteInput("bestBid", input.bestBid);
  requireFiniteInput("bestAsk", input.bestAsk);
  requireFiniteInput("bidTouchDepthFrac", input.bidTouchDepthFrac);
  requireFiniteInput("askTouchDepthFrac", input.askTouchDepthFrac);
  requireFiniteInput("bidExtraBps", input.bidExtraBps ?? 0);
  requireFiniteInput("askExtraBps", input.askExtraBps ?? 0);
  requireFiniteInput("inventoryBase", input.inventoryBase);
  requireFiniteInput("minLevelSpacingFrac", input.minLevelSpacingFrac);
  requirePositiveInput("fairPrice", input.fairPrice);
  requirePositiveInput("orderSizeBase", input.orderSizeBase);
  requirePositiveInput("maxPositionBase", input.maxPositionBase);
  requirePositiveInput("sizeRatio", input.sizeRatio);
  if (!(input.bestBid < input.bestAsk)) {
    throw new Error(`ladder: book is crossed or empty (bestBid ${input.bestBid} ≥ bestAsk ${input.bestAsk})`);
  }
  if (!(input.depthRatio >= 1 && Number.isFinite(input.depthRatio))) {
    throw new Error(`ladder: depthRatio must be ≥ 1, got ${input.depthRatio}`);
  }
  if (!Number.isInteger(input.levels) || input.levels < 0) {
    throw new Error(`ladder: levels must be a non-negative integer, got ${input.levels}`);
  }
  if (!(input.bidTouchDepthFrac + input.askTouchDepthFrac > 0)) {
    throw new Error(
      `ladder: bid + ask touch depth must be > 0 (got ${input.bidTouchDepthFrac} + ${input.askTouchDepthFrac}); a non-positive spread would cross`,
    );
  }
}

/** Build one side: bids below fair (rounded down), asks above fair (rounded up). */
function buildSide(
  input: LadderInput,
  isBid: boolean,
  touchDepthFrac: number,
  roomBase: number,
  notes: string[],
): Quote[] {
  const rules = input.tickRules;
  const fair = input.fairPrice;
  const spacingBase = Math.max(touchDepthFrac, input.minLevelSpacingFrac);
  const out: Quote[] = [];
  const sideName = isBid ? "bid" : "ask";
  let prev = isBid ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  let room = roomBase;
  for (let i = 0; i < input.levels; i++) {
    if (!(room > 0)) break;
    const depth = touchDepthFrac + spacingBase * (input.depthRatio ** i - 1);
    const raw = isBid ? fair * (1 - depth) : fair * (1 + depth);
    if (!(raw > 0 && Number.isFinite(raw))) {
      notes.push(`${sideName} L${i}+ dropped: price ${raw} not positive`);
      break;
    }
    let price = rules.roundPrice(raw, isBid ? "down" : "up");
    // Post-only safety: never at or through the opposite touch.
    if (isBid && price >= input.bestAsk) {
      price = tickBelow(rules, input.bestAsk);
      notes.push(`bid L${i} pulled back to one tick below best ask ${input.bestAsk}`);
    } else if (!isBid && price <= input.bestBid) {
      price = tickAbove(rules, input.bestBid);
      notes.push(`ask L${i} pulled back to one tick above best bid ${input.bestBid}`);
    }
    // Strictly monotone away from fair, one level per price.
    if (isBid ? price >= prev : price <= prev)
      price = isBid ? tickBelow(rules, prev) : tickAbove(rules, prev);
    if (!(Number.isFinite(price) && price > 0)) {
      notes.push(`${sideName} L${i}+ dropped: no valid price`);
      break;
    }
    prev = price;
    const wanted = input.orderSizeBase * input.sizeRatio ** i;
    const size = rules.roundSize(Math.min(wanted, room), "down");
    if (!(size > 0)) {
      notes.push(`${sideName} L${i}+ dropped: position room ${room} below one lot step`);
      break;
    }
    if (price * size < rules.minNotional * (1 - 1e-9)) {
      notes.push(`${sideName} L${i} dropped: notional ${price * size} < min ${rules.minNotional}`);
      continue;
    }
    room -= size;
    const depthBps = ((isBid ? fair - price : price - fair) / fair) * BPS_PER_FRAC;
    out.push({ side: isBid ? "buy" : "sell", price, size, level: out.length, depthBps });
  }
  return out;
}

/**
 * Build the ladder. Throws an Error naming the bad input on non-finite values, a crossed book or a
 * non-positive total spread. Guarantees: every bid < best ask and < every ask; every ask > best bid;
 * prices strictly move away from fair level by level; prices on the tick grid, sizes on the lot grid;
 * inventory + cumulative same-side size within ±maxPositionBase; reduce-only never flips the sign.
 */
export function buildLadder(input: LadderInput): LadderResult {
  validate(input);
  const notes: string[] = [];
  const bidTouch = input.bidTouchDepthFrac + Math.max(0, input.bidExtraBps ?? 0) / BPS_PER_FRAC;
  const askTouch = input.askTouchDepthFrac + Math.max(0, input.askExtraBps ?? 0) / BPS_PER_FRAC;
  const inv = input.inventoryBase;
  const max = input.maxPositionBase;
  let bidRoom = max - inv;
  let askRoom = max + inv;
  if (input.reduceOnly) {
    bidRoom = inv < 0 ? Math.min(-inv, bidRoom) : 0;
    askRoom = inv > 0 ? Math.min(inv, askRoom) : 0;
  }
  if (input.pullBid) notes.push("bid side pulled by signal");
  if (input.pullAsk) notes.push("ask side pulled by signal");
  const bids = input.pullBid ? [] : buildSide(input, true, bidTouch, bidRoom, notes);
  const asks = input.pullAsk ? [] : buildSide(input, false, askTouch, askRoom, notes);
  if (bids.length > 0 && asks.length > 0 && !(bids[0]!.price < asks[0]!.price)) {
    throw new Error(`ladder: internal error, crossed ladder bid ${bids[0]!.price} ≥ ask ${asks[0]!.price}`);
  }
  return { ladder: { bids, asks }, bidTouchDepthFrac: bidTouch, askTouchDepthFrac: askTouch, notes };
}
