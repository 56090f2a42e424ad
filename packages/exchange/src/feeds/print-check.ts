/** The check every venue print passes before it becomes a trade event: a usable price and size. */

/** Prints dropped from a frame as no trade (price or size ≤ 0): how many, and the first one's reason. */
export interface BadPrints {
  count: number;
  error: string;
}

/**
 * Why a print's price or size cannot be traded on (null when both are finite and > 0). A print at
 * price 0 (seen in real Binance and Hyperliquid data) or of size ≤ 0 is no trade: a Binance frame
 * (one print) is invalid, skipped and counted like any other bad frame; a Hyperliquid `trades`
 * frame loses that print only (counted as `badPrintsDropped`), unless it holds no other.
 */
export function badPrintField(
  price: number,
  size: number,
  rawPrice: unknown,
  rawSize: unknown,
  path: { price: string; size: string },
): string | null {
  if (!(Number.isFinite(price) && price > 0))
    return `${path.price}: trade price must be finite and > 0, got ${JSON.stringify(rawPrice)}`;
  if (!(Number.isFinite(size) && size > 0))
    return `${path.size}: trade size must be finite and > 0, got ${JSON.stringify(rawSize)}`;
  return null;
}
