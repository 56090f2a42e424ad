/**
 * Book updates the paper exchange refused (a crossed book, a level priced ≤ 0…): they leave the
 * book at its last valid state and do not count as fresh data. The first is logged at once, then at
 * most one line per minute of market time with the count since the last line, so a venue sending
 * nothing but bad books is visible without flooding the log.
 */
import type { Logger } from "pino";

/** Market time between two `[FEED]` lines about refused book updates. */
export const REJECTED_BOOK_LOG_EVERY_MS = 60_000;

/** Throttled warnings about refused book updates. */
export class RejectedBookLog {
  private nextLineMs = Number.NEGATIVE_INFINITY;
  private sinceLine = 0;

  constructor(private readonly logger: Logger) {}

  /** One refused update at market time `tsMs`, for `reason` (the exchange's message). */
  note(tsMs: number, reason: string | null): void {
    this.sinceLine++;
    if (tsMs < this.nextLineMs) return;
    this.logger.warn(
      { rejected: this.sinceLine, reason },
      `[FEED] ${this.sinceLine} book update(s) refused by the paper exchange${reason === null ? "" : ` (last: ${reason})`}: the book keeps its last valid state, and the feed counts as stale while only refused updates arrive`,
    );
    this.sinceLine = 0;
    this.nextLineMs = tsMs + REJECTED_BOOK_LOG_EVERY_MS;
  }
}
