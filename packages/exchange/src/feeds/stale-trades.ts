/**
 * Hyperliquid answers a `trades` subscription with a snapshot of recent trades (up to a minute
 * old), and sends it again after every reconnect. Those prints happened before our book: replayed
 * or fed live they would start the market clock in the past and show the estimators trades
 * against a mid they never met. A print older than the latest book by more than `maxLagMs` is
 * therefore stale and dropped (live trades arrive within a block of the book).
 */
export class StaleTradeFilter {
  private lastBookTsMs = Number.NEGATIVE_INFINITY;

  /** @param maxLagMs how far (exchange ms) a print may trail the latest book and still count. */
  constructor(private readonly maxLagMs = 2000) {
    if (!(maxLagMs >= 0)) throw new RangeError(`StaleTradeFilter: maxLagMs must be >= 0, got ${maxLagMs}`);
  }

  /** Note a book event's exchange time. */
  noteBook(exchangeTsMs: number): void {
    if (exchangeTsMs > this.lastBookTsMs) this.lastBookTsMs = exchangeTsMs;
  }

  /** Whether a print with this exchange time is current (not older than the book by more than maxLagMs). */
  accepts(exchangeTsMs: number): boolean {
    return exchangeTsMs >= this.lastBookTsMs - this.maxLagMs;
  }
}
