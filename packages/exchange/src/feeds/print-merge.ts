/**
 * Prints of one taker order at one price, merged into one print (what Binance's `aggTrade` stream
 * does at the venue). A taker order that meets several resting orders at a price is reported by
 * `@trade` (Binance) and by the `trades` channel (Hyperliquid) as one print per maker; an order of
 * ours in that queue would have been ONE fill of that taker order, not one fill per maker. Left
 * apart, those prints cut one fill of ours into several within a millisecond (more fills, the
 * same size) and count one market order as several arrivals in the intensity fit.
 */
import { gridDecimals, type MarketEvent } from "@mmkit/core";

/** Most decimals a summed size keeps exact (sizes are decimal strings of at most ~10 decimals). */
const MAX_SIZE_DECIMALS = 20;

/** a + b for two decimal sizes, rounded to the larger number of decimals (0.006 + 0.199 = 0.205, not 0.20500000000000002). */
export function addPrintSizes(a: number, b: number): number {
  const da = gridDecimals(a);
  const db = gridDecimals(b);
  const sum = a + b;
  if (da < 0 || db < 0) return sum;
  const d = Math.max(da, db);
  return d > MAX_SIZE_DECIMALS ? sum : Number(sum.toFixed(d));
}

/** One Hyperliquid `trades` entry as the merge reads it (validated strings). */
interface HlPrint {
  px: string | number;
  sz: string | number;
  side: "B" | "A";
  time: number;
  hash?: string | undefined;
}

/** Hyperliquid's hash of prints it does not tie to one action (e.g. TWAP slices): never merged. */
const ZERO_HASH = /^0x0*$/;

/** Whether two Hyperliquid prints come from one action (the same non-zero hash) at one instant and side. */
function sameHlTaker(a: HlPrint, b: HlPrint): boolean {
  const h = b.hash;
  return h !== undefined && h === a.hash && !ZERO_HASH.test(h) && b.time === a.time && b.side === a.side;
}

/** One merged Hyperliquid print: its first entry, the summed size, how many entries it holds. */
export interface MergedHlPrint<T> {
  print: T;
  size: number;
  merged: number;
  /** The next merged print is the same action at another price (a sweep goes on). */
  sweepContinues: boolean;
}

/**
 * Hyperliquid: consecutive prints of one message with the same time, price, side and (non-zero)
 * action hash are one taker order meeting several makers at one price; merged, in order. The
 * entries are not modified.
 */
export function mergeHyperliquidPrints<T extends HlPrint>(prints: readonly T[]): MergedHlPrint<T>[] {
  const out: MergedHlPrint<T>[] = [];
  let last: MergedHlPrint<T> | null = null;
  for (const p of prints) {
    if (last !== null && sameHlTaker(last.print, p)) {
      if (p.px === last.print.px) {
        last.size = addPrintSizes(last.size, Number(p.sz));
        last.merged++;
        continue;
      }
      last.sweepContinues = true;
    }
    last = { print: p, size: Number(p.sz), merged: 1, sweepContinues: false };
    out.push(last);
  }
  return out;
}

/** A Binance `@trade` print held for merging, and the trade id of the last print merged into it. */
export interface HeldPrint {
  event: MarketEvent & { type: "trade" };
  lastId: number;
}

/** Whether print `e` (trade id `id`) comes right after `held` from the same taker order: next id, same time and side. */
function nextOfSameTaker(held: HeldPrint, e: MarketEvent & { type: "trade" }, id: number): boolean {
  return (
    id === held.lastId + 1 &&
    e.exchangeTsMs === held.event.exchangeTsMs &&
    e.trade.aggressor === held.event.trade.aggressor
  );
}

/** Whether print `e` with trade id `id` is the next print of the same taker order as `held`, at its price. */
export function continuesPrint(held: HeldPrint, e: MarketEvent & { type: "trade" }, id: number): boolean {
  return nextOfSameTaker(held, e, id) && e.trade.price === held.event.trade.price;
}

/**
 * Whether print `e` (trade id `id`) is the same taker order as `held` going on at a worse price for
 * it (higher for a buyer, lower for a seller): a sweep through several prices.
 */
export function continuesSweep(held: HeldPrint, e: MarketEvent & { type: "trade" }, id: number): boolean {
  const a = held.event.trade.price;
  const b = e.trade.price;
  return nextOfSameTaker(held, e, id) && (held.event.trade.aggressor === "buy" ? b > a : b < a);
}
