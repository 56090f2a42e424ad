/** How many more decimals a run's amounts need when its capital is small in the quote currency. */

/**
 * Extra decimals for amounts in the quote currency when the run's capital is small in it (0.0226
 * for ETHBTC): 0 for a capital of 100 or more (or none known), one more per factor of 10 below,
 * so amounts a report prints with 2 or 4 decimals on a 1000 USD capital keep as many significant
 * digits (0.022602 BTC, not 0.02).
 */
export function moneyExtraDecimals(capitalQuote: number): number {
  if (!(capitalQuote > 0 && capitalQuote < Number.POSITIVE_INFINITY)) return 0;
  return Math.min(12, Math.max(0, Math.ceil(Math.log10(100 / capitalQuote))));
}
