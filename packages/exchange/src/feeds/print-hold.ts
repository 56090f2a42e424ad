/**
 * The Binance `@trade` print a capture replay holds until the next print tells whether the same
 * taker order goes on (print-merge.ts): at its price it is merged into the held one, at a worse
 * price the held one is marked `sweepContinues`. Binance interleaves its streams, so book events
 * often come between two prints of one taker order: they wait behind its prints, at most
 * `MAX_DEFERRED_EVENTS` per print and within `DEFER_WINDOW_MS` of it on the local clock; anything
 * else releases everything in the order it came.
 */
import type { MarketEvent } from "@mmkit/core";
import { addPrintSizes, continuesPrint, continuesSweep, type HeldPrint } from "./print-merge.js";

/** A Binance `@trade` print with its numeric trade id. */
export interface IdPrint {
  event: MarketEvent & { type: "trade" };
  id: number;
}

/** Holds a capture's latest `@trade` print (see the module notes). */
export class PrintHold {
  private held: HeldPrint | null = null;
  /** Book events that came after the held print (or the sweep's earlier prints), waiting behind it. */
  private deferred: MarketEvent[] = [];
  /** Of `deferred`, how many came after the print held now (the limits are per print). */
  private deferredSinceHeld = 0;

  /**
   * @param sweepAcrossFrames whether book events between two prices of one sweep may wait behind
   *   its later prints (false keeps receive order: such a sweep is then not marked across them)
   * @param onMerge called for each print merged into the one before
   */
  constructor(
    private readonly sweepAcrossFrames: boolean,
    private readonly onMerge: () => void,
  ) {}

  /** One imported line: the `events` it brought and the `@trade` print it brought, if any; returns what comes out now. */
  next(events: MarketEvent[], print: IdPrint | null): MarketEvent[] {
    const prev = this.held;
    if (prev === null) {
      if (print !== null) this.held = { event: print.event, lastId: print.id };
      return events;
    }
    if (print === null) {
      // a line without a print: a book event may still be followed by the same taker's print
      if (events.length === 0 || this.mayDefer(prev, events)) return this.defer(events);
      this.held = null;
      return [prev.event, ...this.takeDeferred(), ...events];
    }
    if (continuesPrint(prev, print.event, print.id)) {
      prev.event.trade.size = addPrintSizes(prev.event.trade.size, print.event.trade.size);
      prev.lastId = print.id;
      this.onMerge();
      return this.defer(events);
    }
    this.held = { event: print.event, lastId: print.id };
    if (
      continuesSweep(prev, print.event, print.id) &&
      (this.sweepAcrossFrames || this.deferred.length === 0)
    ) {
      // the same taker order at a worse price: its prints stay together, the book events after them
      prev.event.trade.sweepContinues = true;
      this.deferred.push(...events);
      this.deferredSinceHeld = events.length; // the limits count from the print now held
      return [prev.event];
    }
    return [prev.event, ...this.takeDeferred(), ...events];
  }

  /** End of the input: the held print and what waits behind it. */
  finish(): MarketEvent[] {
    const prev = this.held;
    this.held = null;
    return prev === null ? [] : [prev.event, ...this.takeDeferred()];
  }

  private defer(events: readonly MarketEvent[]): MarketEvent[] {
    this.deferred.push(...events);
    this.deferredSinceHeld += events.length;
    return [];
  }

  /** Whether book events may wait behind the held print (no print among them, few, close in time). */
  private mayDefer(held: HeldPrint, events: readonly MarketEvent[]): boolean {
    if (this.deferredSinceHeld + events.length > MAX_DEFERRED_EVENTS) return false;
    if (this.deferred.length + events.length > MAX_DEFERRED_TOTAL) return false;
    for (const e of events) {
      if (e.type === "trade") return false;
      if (e.localTsMs - held.event.localTsMs > DEFER_WINDOW_MS) return false;
    }
    return true;
  }

  private takeDeferred(): MarketEvent[] {
    const out = this.deferred;
    this.deferred = [];
    this.deferredSinceHeld = 0;
    return out;
  }
}

/** Most book events that wait behind a held print for the same taker order's next print. */
const MAX_DEFERRED_EVENTS = 32;
/** Most book events that wait behind one sweep (a bound on memory; a sweep has a few dozen prices). */
const MAX_DEFERRED_TOTAL = 4096;
/** How long (local clock, ms) after a held print its taker order's next print may still come. */
const DEFER_WINDOW_MS = 10;
