/** A replay's lead venue recording, merged into the traded venue's events on the replay's clock (local for recordings, exchange for captures). */
import type { MarketEvent } from "@mmkit/core";
import { eventTimeMs } from "@mmkit/exchange";
import type { PaperTrader } from "./trader.js";

/** Before each traded-venue event, the lead events up to its time go to the trader. */
export class MergedLead {
  private readonly it: AsyncIterator<MarketEvent>;
  private readonly clock: "exchange" | "local";
  private next: MarketEvent | null | undefined; // undefined: not read yet; null: exhausted

  constructor(it: AsyncIterator<MarketEvent>, clock: "exchange" | "local") {
    this.it = it;
    this.clock = clock;
  }

  /** Feed the lead events up to `uptoMs` to `trader`; while a resume skips processed events (`trader` null), drop them (their effect is in the checkpoint). */
  async feedUpTo(uptoMs: number, trader: PaperTrader | null): Promise<void> {
    for (;;) {
      if (this.next === undefined) {
        const r = await this.it.next();
        this.next = r.done ? null : r.value;
      }
      if (this.next === null || eventTimeMs(this.next, this.clock) > uptoMs) return;
      if (trader !== null) trader.onReferenceEvent(this.next);
      this.next = undefined;
    }
  }
}
