/** Price/size grids inferred from market data, and the built-in Hyperliquid size decimals. */
import { fixedTickRules, type MarketEvent, type TickRules } from "@mmkit/core";

/** Asset size decimals (szDecimals) of common Hyperliquid perps; others are inferred from the data or `--sz-decimals`. */
export const HL_SZ_DECIMALS: Readonly<Record<string, number>> = {
  BTC: 5,
  ETH: 4,
  SOL: 2,
  XRP: 0,
  DOGE: 0,
  AVAX: 2,
  LINK: 1,
  KPEPE: 0,
};

/** Tick and lot of a fixed grid, in quote currency and base units. */
export interface FixedGrid {
  tick: number;
  lot: number;
}

/** Finest decimal steps of prices and sizes among the first book and trade events of a recording. */
export function inferDecimals(
  events: Iterable<MarketEvent>,
  sample = 5000,
): { priceDecimals: number; sizeDecimals: number } {
  let priceDecimals = 0;
  let sizeDecimals = 0;
  let n = 0;
  for (const ev of events) {
    forEachPriceSize(ev, (price, size) => {
      priceDecimals = Math.max(priceDecimals, decimalsOf(price));
      sizeDecimals = Math.max(sizeDecimals, decimalsOf(size));
    });
    if (++n >= sample) break;
  }
  return { priceDecimals, sizeDecimals };
}

/** Call `see` with every price and size a book or trade event carries. */
function forEachPriceSize(ev: MarketEvent, see: (price: number, size: number) => void): void {
  if (ev.type === "snapshot" || ev.type === "delta") {
    for (const l of ev.bids) see(l.price, l.size);
    for (const l of ev.asks) see(l.price, l.size);
  } else if (ev.type === "bbo") {
    see(ev.bbo.bidPrice, ev.bbo.bidSize);
    see(ev.bbo.askPrice, ev.bbo.askSize);
  } else if (ev.type === "trade") see(ev.trade.price, ev.trade.size);
}

/** Distinct values needed before a step coarser than the finest decimal is believed. */
export const MIN_DISTINCT_FOR_COARSE_STEP = 30;

/**
 * Infer a fixed tick/lot grid from the first book and trade events of a recording. Venues print
 * prices on their tick grid, so a few thousand events are enough: the tick is the greatest common
 * step of the prices seen in units of their finest decimal (a tick of 0.05 or 0.5 prints prices
 * with two or one decimals that are all multiples of 5), once at least
 * `MIN_DISTINCT_FOR_COARSE_STEP` distinct prices are seen (else the finest decimal step); the lot
 * likewise from sizes.
 */
export function inferFixedGrid(events: Iterable<MarketEvent>, sample = 5000): FixedGrid {
  const seen: MarketEvent[] = [];
  for (const ev of events) {
    seen.push(ev);
    if (seen.length >= sample) break;
  }
  const d = inferDecimals(seen, sample);
  const prices = new Set<number>();
  const sizes = new Set<number>();
  const pScale = 10 ** d.priceDecimals;
  const sScale = 10 ** d.sizeDecimals;
  for (const ev of seen)
    forEachPriceSize(ev, (price, size) => {
      prices.add(Math.round(Math.abs(price) * pScale));
      sizes.add(Math.round(Math.abs(size) * sScale));
    });
  // 1 / 10 ** d, not 10 ** -d: 10 ** -5 is 0.000009999999999999999.
  return {
    tick: commonStep(prices) / 10 ** d.priceDecimals,
    lot: commonStep(sizes) / 10 ** d.sizeDecimals,
  };
}

/** Greatest common divisor of the non-zero whole numbers, or 1 with too few distinct ones to trust it. */
function commonStep(units: ReadonlySet<number>): number {
  let g = 0;
  let distinct = 0;
  for (const u of units) {
    if (u === 0 || !Number.isSafeInteger(u)) continue;
    distinct++;
    let a = g;
    let b = u;
    while (b !== 0) [a, b] = [b, a % b];
    g = a;
    if (g === 1) return 1;
  }
  return distinct >= MIN_DISTINCT_FOR_COARSE_STEP && g > 1 ? g : 1;
}

/** `inferFixedGrid` as tick rules (no minimum notional). */
export function inferFixedTickRules(events: Iterable<MarketEvent>, sample = 5000): TickRules {
  const g = inferFixedGrid(events, sample);
  return fixedTickRules(g.tick, g.lot, 0);
}

/**
 * Relative tolerance under which x × 10^d counts as a whole number. Loose on purpose (absorbs noise in computed
 * values); relative to the scaled value, so a price of 7e-7 is not taken for 0 at d = 0.
 */
const WHOLE_REL_TOL = 1e-7;
/** Most decimals inferred: 10^22 is the largest power of ten a double holds exactly. */
export const MAX_INFERRED_DECIMALS = 22;

/** Decimals of a market value as printed (6.999e-7 → 10, 0.25 → 2, 1200 → 0); at most `MAX_INFERRED_DECIMALS`. */
export function decimalsOf(x: number): number {
  if (!Number.isFinite(x) || x === 0) return 0;
  for (let d = 0; d <= MAX_INFERRED_DECIMALS; d++) {
    const scaled = Math.abs(x) * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < WHOLE_REL_TOL * scaled) return d;
  }
  return MAX_INFERRED_DECIMALS;
}
