/** The drain after a kill-switch halt: how long a halted run goes on while its cancels land (see run.ts's step). */
import type { PaperTrader } from "./trader.js";

/** At most this much market time (ms) runs after a halt while its cancels land. */
export const MAX_HALT_DRAIN_MS = 60_000;

/** Whether any of the trader's orders can still fill (pending, live or cancel in flight). */
export function hasOpenOrders(t: PaperTrader): boolean {
  return t.p.exchange.openSizeOn("buy") + t.p.exchange.openSizeOn("sell") > 0;
}

/** How long a halted run keeps running while its cancels land: call only once the trader has halted. */
export class HaltDrain {
  private haltTsMs: number | null = null;
  private haltWallMs: number | null = null;

  /** In market time (after each event): whether the run must go on, orders still open within MAX_HALT_DRAIN_MS of the halt. */
  drainingAtEvent(t: PaperTrader): boolean {
    const c = t.counters;
    this.haltTsMs ??= c.lastTsMs;
    return hasOpenOrders(t) && c.lastTsMs - this.haltTsMs < MAX_HALT_DRAIN_MS;
  }

  /** In wall time (live timer, also without events): whether the run may stop, its orders gone or the drain time over. */
  doneByWallClock(t: PaperTrader): boolean {
    this.haltWallMs ??= Date.now();
    return !hasOpenOrders(t) || Date.now() - this.haltWallMs >= MAX_HALT_DRAIN_MS;
  }
}
