/**
 * The events a run receives before its first two-sided book (the trader sizes its orders from that
 * book's mid): buffered in order and handed to the trader once it exists. A feed that never sends a
 * two-sided book (trades or one side only) must not grow memory without bound: beyond
 * `MAX_WAITING_EVENTS` the older half is dropped, with a warning.
 */
import { L2Book, type MarketEvent } from "@mmkit/core";
import type { Logger } from "pino";
import { applyToBook } from "./source.js";

/** Events buffered while waiting for the first two-sided book, at most. */
export const MAX_WAITING_EVENTS = 200_000;

/** Buffers events until the book they build is two-sided. */
export class FirstBookWait {
  private readonly book = new L2Book();
  private waiting: MarketEvent[] = [];
  private seen = 0;

  constructor(private readonly logger: Logger) {}

  /** Buffer `ev`; the book's mid once it is two-sided (take the events with `drain()`), else NaN. */
  add(ev: MarketEvent): number {
    this.seen++;
    this.waiting.push(ev);
    if (this.waiting.length > MAX_WAITING_EVENTS) {
      const dropped = this.waiting.splice(0, MAX_WAITING_EVENTS / 2).length;
      this.logger.warn(
        `[FEED] no two-sided order book after ${this.seen} events: the ${dropped} oldest events waiting for one were dropped`,
      );
    }
    applyToBook(this.book, ev);
    return this.book.isTwoSided() ? this.book.mid() : Number.NaN;
  }

  /** The buffered events, oldest first (the buffer is emptied). */
  drain(): MarketEvent[] {
    const out = this.waiting;
    this.waiting = [];
    return out;
  }
}
