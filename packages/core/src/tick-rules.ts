/**
 * Price and size grids of the venues: Hyperliquid perps (5 significant figures, ≤ 6 − szDecimals decimals)
 * and fixed tick/lot grids (Binance style). All rounding goes through integer grid counts so results carry
 * no floating garbage (0.1 + 0.2 rounds to 0.3, never 0.30000000000000004).
 */

/** Rounding direction: bids round `down`, asks round `up` so a post-only quote never moves toward the touch. */
export type RoundMode = "down" | "up" | "nearest";

/** Hyperliquid minimum order notional, USD. */
export const HL_MIN_ORDER_NOTIONAL_USD = 10;
/** Hyperliquid maximum significant figures of a (non-integer) price. */
export const HL_MAX_SIG_FIGS = 5;
/** Hyperliquid perp maximum price decimals before subtracting szDecimals (spot uses 8). */
export const HL_PERP_MAX_PRICE_DECIMALS = 6;

/** Venue price/size rules as the quote engine consumes them. */
export interface TickRules {
  /** Round a price onto the venue's valid-price set in the given direction. */
  roundPrice(price: number, mode: RoundMode): number;
  /** Round a size onto the venue's lot grid in the given direction. */
  roundSize(size: number, mode: RoundMode): number;
  /** Minimum order notional in quote currency (0 = none). */
  minNotional: number;
  /** Size lot (grid step) in base units: every valid size is a whole number of lots. */
  lotSize: number;
  /** Whether a price is exactly valid on the venue. */
  isValidPrice(price: number): boolean;
}

/** Relative tolerance of `meetsMinNotional`. */
const NOTIONAL_REL_TOL = 1e-9;

/** Relative tolerance under which a step × 10^d counts as an integer: a few ulps of the scaled value. */
const GRID_UNITS_REL_TOL = 8 * Number.EPSILON;
/** Most decimals `gridDecimals` tries: 10^22 is the largest power of ten a double holds exactly. */
const MAX_GRID_DECIMALS = 22;
/** Largest step in grid units (step × 10^d) `gridDecimals` accepts: 15 significant digits, so counts × units stay exact. */
const MAX_STEP_GRID_UNITS = 1e15;

/** Tolerance (in grid units) under which a scaled value counts as already on the grid: absorbs a few ulps. */
function onGridTol(scaled: number): number {
  return Math.max(1e-9, 8 * Number.EPSILON * Math.abs(scaled));
}

function requireMode(mode: RoundMode): void {
  if (mode !== "down" && mode !== "up" && mode !== "nearest") {
    throw new Error(`tick rules: mode must be "down", "up" or "nearest", got ${String(mode)}`);
  }
}

/** Round a value expressed in grid units (e.g. price/tick) to an integer count, treating near-integers as exact. */
function roundCount(scaled: number, mode: RoundMode): number {
  const nearest = Math.round(scaled);
  if (Math.abs(scaled - nearest) <= onGridTol(scaled)) return nearest;
  if (mode === "down") return Math.floor(scaled);
  if (mode === "up") return Math.ceil(scaled);
  return nearest;
}

/** Round `value` to `decimals` decimals in `mode`; the result is the double nearest the decimal number. */
function roundToDecimals(value: number, decimals: number, mode: RoundMode): number {
  if (decimals >= 0) {
    const scale = 10 ** decimals;
    return roundCount(value * scale, mode) / scale;
  }
  const scale = 10 ** -decimals;
  return roundCount(value / scale, mode) * scale;
}

/** Whether `stepUnits` (a step × 10^d) is a whole number up to a few ulps of itself: 1e-10 × 10^0 is not. */
function isWholeGridUnits(stepUnits: number): boolean {
  return Math.abs(stepUnits - Math.round(stepUnits)) <= GRID_UNITS_REL_TOL * Math.abs(stepUnits);
}

/**
 * Number of decimals of a grid step like 0.01, 0.5 or 1e-10 (up to 22), or −1 when it has no short decimal form
 * (more than 15 significant digits). The tolerance is relative to step × 10^d, so tiny steps are not taken for 0.
 */
export function gridDecimals(step: number): number {
  for (let d = 0; d <= MAX_GRID_DECIMALS; d++) {
    const stepUnits = step * 10 ** d;
    if (Math.abs(stepUnits) > MAX_STEP_GRID_UNITS) return -1;
    if (isWholeGridUnits(stepUnits)) return d;
  }
  return -1;
}

function requireSzDecimals(szDecimals: number, maxPriceDecimals: number): void {
  if (!Number.isInteger(szDecimals) || szDecimals < 0 || szDecimals > maxPriceDecimals) {
    throw new Error(
      `tick rules: szDecimals must be an integer in [0, ${maxPriceDecimals}], got ${szDecimals}`,
    );
  }
}

function requirePositivePrice(price: number): void {
  if (!Number.isFinite(price) || price <= 0)
    throw new Error(`tick rules: price must be finite and > 0, got ${price}`);
}

function requireSize(size: number): void {
  if (!Number.isFinite(size) || size < 0)
    throw new Error(`tick rules: size must be finite and >= 0, got ${size}`);
}

/** Number of integer digits of p > 0 (floor(log10 p) + 1), corrected for log10 rounding at powers of ten. */
function integerDigits(p: number): number {
  let k = Math.floor(Math.log10(p));
  if (10 ** (k + 1) <= p) k += 1;
  else if (10 ** k > p) k -= 1;
  return k + 1;
}

/** Decimals Hyperliquid allows at price p: min(maxDecimals − szDecimals, 5 − integer digits), at least 0. */
export function hlPriceDecimals(
  price: number,
  szDecimals: number,
  maxPriceDecimals = HL_PERP_MAX_PRICE_DECIMALS,
): number {
  requirePositivePrice(price);
  requireSzDecimals(szDecimals, maxPriceDecimals);
  return Math.max(0, Math.min(maxPriceDecimals - szDecimals, HL_MAX_SIG_FIGS - integerDigits(price)));
}

/**
 * Round a price to a valid Hyperliquid price in `mode` (a price below the smallest step rounded down gives 0,
 * which is not valid: check `isValidHlPrice` when quoting far-out tiny prices). Valid: integer, or ≤ 5 significant figures
 * and ≤ (6 − szDecimals) decimals (`maxPriceDecimals` = 8 for spot). Crossing a power of ten upward lands on
 * that power, which is valid, so one pass suffices.
 */
export function roundHlPrice(
  price: number,
  szDecimals: number,
  mode: RoundMode,
  maxPriceDecimals = HL_PERP_MAX_PRICE_DECIMALS,
): number {
  requireMode(mode);
  const decimals = hlPriceDecimals(price, szDecimals, maxPriceDecimals);
  return roundToDecimals(price, decimals, mode);
}

/** Whether `price` is exactly a valid Hyperliquid price (integers always are). */
export function isValidHlPrice(
  price: number,
  szDecimals: number,
  maxPriceDecimals = HL_PERP_MAX_PRICE_DECIMALS,
): boolean {
  if (!Number.isFinite(price) || price <= 0) return false;
  if (Number.isInteger(price)) return true;
  return roundHlPrice(price, szDecimals, "nearest", maxPriceDecimals) === price;
}

/** Round a size to `szDecimals` decimals in `mode` (Hyperliquid size grid). */
export function roundSize(size: number, szDecimals: number, mode: RoundMode): number {
  requireMode(mode);
  requireSize(size);
  if (!Number.isInteger(szDecimals) || szDecimals < 0 || szDecimals > 15) {
    throw new Error(`tick rules: szDecimals must be an integer in [0, 15], got ${szDecimals}`);
  }
  return roundToDecimals(size, szDecimals, mode);
}

/** Whether price × size reaches `minNotional` (within 1e-9 relative, so 10.000000000000002 vs 10 passes). */
export function meetsMinNotional(price: number, size: number, minNotional: number): boolean {
  if (!Number.isFinite(price) || !Number.isFinite(size) || !Number.isFinite(minNotional)) return false;
  return price * size >= minNotional * (1 - NOTIONAL_REL_TOL);
}

function roundToStep(value: number, step: number, mode: RoundMode, what: string): number {
  requireMode(mode);
  if (!Number.isFinite(step) || step <= 0)
    throw new Error(`tick rules: ${what} must be finite and > 0, got ${step}`);
  return roundOnGrid(value, step, gridDecimals(step), mode);
}

/** Round onto a grid whose step has `decimals` decimals (`gridDecimals(step)`, precomputed by fixed grids). */
function roundOnGrid(value: number, step: number, decimals: number, mode: RoundMode): number {
  requireMode(mode);
  if (!Number.isFinite(value)) throw new Error(`tick rules: value to round must be finite, got ${value}`);
  const count = roundCount(value / step, mode);
  if (decimals < 0) return count * step;
  // count × stepUnits is an exact integer; one division by 10^d gives the double nearest the decimal result.
  const scale = 10 ** decimals;
  return (count * Math.round(step * scale)) / scale;
}

/** Round a price onto a fixed tick grid (e.g. 0.1) in `mode`; a price below one tick rounded down gives 0. */
export function roundToTick(price: number, tick: number, mode: RoundMode): number {
  return roundToStep(price, tick, mode, "tick");
}

/** Round a size onto a fixed lot grid (e.g. 0.001) in `mode`; sizes must be ≥ 0. */
export function roundToLot(size: number, lot: number, mode: RoundMode): number {
  requireSize(size);
  return roundToStep(size, lot, mode, "lot");
}

/** Tick rules of a Hyperliquid perp with the given szDecimals (min notional 10 USD). */
export function hyperliquidTickRules(
  szDecimals: number,
  minNotional = HL_MIN_ORDER_NOTIONAL_USD,
  maxPriceDecimals = HL_PERP_MAX_PRICE_DECIMALS,
): TickRules {
  requireSzDecimals(szDecimals, maxPriceDecimals);
  return {
    roundPrice: (price, mode) => roundHlPrice(price, szDecimals, mode, maxPriceDecimals),
    roundSize: (size, mode) => roundSize(size, szDecimals, mode),
    minNotional,
    lotSize: 1 / 10 ** szDecimals,
    isValidPrice: (price) => isValidHlPrice(price, szDecimals, maxPriceDecimals),
  };
}

/** Tick rules of a fixed grid venue (e.g. Binance BTCUSDT perp: tick 0.1, lot 0.001, min notional 100). */
export function fixedTickRules(tick: number, lot: number, minNotional: number): TickRules {
  if (!Number.isFinite(tick) || tick <= 0)
    throw new Error(`fixedTickRules: tick must be finite and > 0, got ${tick}`);
  if (!Number.isFinite(lot) || lot <= 0)
    throw new Error(`fixedTickRules: lot must be finite and > 0, got ${lot}`);
  if (!Number.isFinite(minNotional) || minNotional < 0) {
    throw new Error(`fixedTickRules: minNotional must be finite and >= 0, got ${minNotional}`);
  }
  // The grids' decimals are fixed: find them once, not on every rounding (the quote loop's hot path).
  const tickDecimals = gridDecimals(tick);
  const lotDecimals = gridDecimals(lot);
  return {
    roundPrice: (price, mode) => {
      requirePositivePrice(price);
      return roundOnGrid(price, tick, tickDecimals, mode);
    },
    roundSize: (size, mode) => {
      requireSize(size);
      return roundOnGrid(size, lot, lotDecimals, mode);
    },
    minNotional,
    lotSize: lot,
    isValidPrice: (price) =>
      Number.isFinite(price) && price > 0 && roundOnGrid(price, tick, tickDecimals, "nearest") === price,
  };
}
