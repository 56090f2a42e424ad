/** A replay's lead venue recording, merged into the traded venue's events on the replay's clock (local for recordings, exchange for captures). */
import type { MarketEvent } from "@mmkit/core";
import { eventTimeMs } from "@mmkit/exchange";
import type { PaperTrader } from "./trader.js";

/** Lead and traded data further apart than this at the start do not overlap in time: warned. */
const LEAD_MISMATCH_MS = 3_600_000;
/** Lead events this long before the traded data's start still count as overlapping it. */
const LEAD_SPAN_SLACK_MS = 60_000;

/** Before each traded-venue event, the lead events up to its time go to the trader. */
export class MergedLead {
  private readonly it: AsyncIterator<MarketEvent>;
  private readonly clock: "exchange" | "local";
  private readonly warn: (msg: string) => void;
  private next: MarketEvent | null | undefined; // undefined: not read yet; null: exhausted
  private checked = false;
  private warned = false;
  private firstTradedMs = Number.NaN;
  /** Lead events fed from a minute before the traded data's start on. */
  private fedInSpan = 0;

  constructor(it: AsyncIterator<MarketEvent>, clock: "exchange" | "local", warn: (msg: string) => void) {
    this.it = it;
    this.clock = clock;
    this.warn = warn;
  }

  /** Feed the lead events up to `uptoMs` to `trader`; while a resume skips processed events (`trader` null), drop them (their effect is in the checkpoint). */
  async feedUpTo(uptoMs: number, trader: PaperTrader | null): Promise<void> {
    for (;;) {
      if (this.next === undefined) {
        const r = await this.it.next();
        this.next = r.done ? null : r.value;
      }
      if (!this.checked) this.checkOverlap(uptoMs);
      if (this.next === null) return;
      const leadMs = eventTimeMs(this.next, this.clock);
      if (leadMs > uptoMs) return;
      if (leadMs >= this.firstTradedMs - LEAD_SPAN_SLACK_MS) this.fedInSpan++;
      if (trader !== null) trader.onReferenceEvent(this.next);
      this.next = undefined;
    }
  }

  /** Once, at the first traded event: a lead recording that starts an hour or more away from it is a mismatch. */
  private checkOverlap(firstTradedMs: number): void {
    this.checked = true;
    this.firstTradedMs = firstTradedMs;
    const iso = (ms: number): string => new Date(ms).toISOString();
    const first = this.next;
    if (first === null || first === undefined) {
      this.warned = true;
      this.warn("[LEAD] the lead recording holds no events: LeadLag gets no reference data");
      return;
    }
    const leadMs = eventTimeMs(first, this.clock);
    if (Math.abs(leadMs - firstTradedMs) < LEAD_MISMATCH_MS) return;
    this.warned = true;
    this.warn(
      `[LEAD] the lead recording starts at ${iso(leadMs)}, the traded data at ${iso(firstTradedMs)}: they do not overlap in time, so LeadLag sees no usable reference (give --lead-input a recording of the same period)`,
    );
  }

  /** At the end of the traded data: a lead none of whose events fell within its time is warned about (once). */
  finish(): void {
    if (this.warned || !this.checked || this.fedInSpan > 0) return;
    this.warned = true;
    this.warn(
      `[LEAD] no lead event fell within the traded data's time (from ${new Date(this.firstTradedMs).toISOString()} on): LeadLag had no reference (give --lead-input a recording of the same period)`,
    );
  }
}
