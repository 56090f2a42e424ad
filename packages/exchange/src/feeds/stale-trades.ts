/**
 * Hyperliquid answers a `trades` subscription with a snapshot of recent trades (up to a minute
 * old), and sends it again after every reconnect. Those prints happened before our book: replayed
 * or fed live they would start the market clock in the past and show the estimators trades
 * against a mid they never met. A print older than the latest book by more than `maxLagMs` is
 * therefore stale and dropped (live trades arrive within a block of the book).
 *
 * "Latest" is the book received last, not the maximum book time ever seen: the question is
 * whether a print is older than the book the consumer now holds. With the maximum, one book
 * stamped in the future (a venue clock glitch, e.g. +1 h) would make every print stale until the
 * real clock caught up — an hour of trades lost. With the latest, such a book can only affect
 * the prints that arrive before the next book (one book interval), and needs no comparison with
 * our own clock (which may be skewed against the venue's, live or in a capture). On an in-order
 * stream, as the venue sends it, latest and maximum are the same.
 */
export class StaleTradeFilter {
  private lastBook = Number.NEGATIVE_INFINITY;

  /** @param maxLagMs how far (exchange ms) a print may trail the latest book and still count. */
  constructor(readonly maxLagMs = 2000) {
    if (!(maxLagMs >= 0)) throw new RangeError(`StaleTradeFilter: maxLagMs must be >= 0, got ${maxLagMs}`);
  }

  /** Exchange time of the latest book noted (−∞ before the first). */
  get lastBookTsMs(): number {
    return this.lastBook;
  }

  /** Note a book event's exchange time (the book now held). */
  noteBook(exchangeTsMs: number): void {
    this.lastBook = exchangeTsMs;
  }

  /** Whether a print with this exchange time is current (not older than the latest book by more than maxLagMs). */
  accepts(exchangeTsMs: number): boolean {
    return exchangeTsMs >= this.lastBook - this.maxLagMs;
  }
}
