/**
 * Spot bookTicker timing in a capture: bookTicker frames carry no exchange time, so they are put on
 * the exchange clock through the exchange − local offset learnt from the frames that carry both,
 * and held until that offset is known.
 */
import type { MarketEvent } from "@mmkit/core";

type BboEvent = MarketEvent & { type: "bbo" };

/** The exchange − local clock offset of a capture and the bookTicker events waiting for it. */
export class BboClock {
  /** Smoothed exchange − local clock offset (ms) from frames carrying both times; NaN until the first. */
  private clockOffsetMs = Number.NaN;
  /**
   * Spot bookTicker events (no exchange time) seen before the first frame that carries both
   * clocks: held until the clock offset is known, then put on the exchange clock and released
   * ahead of that frame's events (a bookTicker-only capture releases them on local time).
   */
  private heldBbo: BboEvent[] = [];
  private holdingBbo = true;

  /** Whether the offset is known (a frame carrying both clocks has been seen). */
  get known(): boolean {
    return !Number.isNaN(this.clockOffsetMs);
  }

  /** Whether bookTicker events are still held rather than passed on (on the local clock). */
  get holding(): boolean {
    return this.holdingBbo;
  }

  /** Number of bookTicker events held. */
  get heldCount(): number {
    return this.heldBbo.length;
  }

  /**
   * Learn the exchange − local offset from a frame that carries both clocks (EWMA, ms). Returns the
   * held bookTicker events, now on the exchange clock, when this is the first such frame.
   */
  note(exchangeTsMs: number, localTsMs: number): MarketEvent[] {
    const offset = exchangeTsMs - localTsMs;
    const first = Number.isNaN(this.clockOffsetMs);
    this.clockOffsetMs = first
      ? offset
      : this.clockOffsetMs + CLOCK_OFFSET_ALPHA * (offset - this.clockOffsetMs);
    if (!first) return NO_EVENTS;
    for (const e of this.heldBbo) {
      e.exchangeTsMs = Math.max(Math.round(e.localTsMs + this.clockOffsetMs), this.lastBboTsMs);
      this.lastBboTsMs = e.exchangeTsMs;
    }
    return this.release();
  }

  /** Hold a bookTicker event until the offset is known; whether the hold is now full (release it then). */
  hold(e: BboEvent): boolean {
    this.heldBbo.push(e);
    return this.heldBbo.length >= MAX_HELD_BBO;
  }

  /** Stop holding: the held events as they are (on the exchange clock once `note` set it, else local). */
  release(): MarketEvent[] {
    this.holdingBbo = false;
    const out = this.heldBbo;
    this.heldBbo = [];
    return out;
  }

  /**
   * A spot bookTicker's exchange time from its local time and the learnt offset, but never before
   * a print the stream delivered ahead of it (`lastTradeTsMs`; the estimate is noisy) — unless that
   * print is more than `MAX_BBO_CLAMP_MS` ahead of the estimate (a print with a wrong time must not
   * drag the book) — and never before the previous bookTicker's time: the frames arrive in update-id
   * order, and an offset pulled back by a late burst of prints must not reorder them (QA: 527 frames
   * of a spot capture replayed up to 119 ms early, putting the book back to a stale state mid-crash).
   */
  timeFromLocal(localTsMs: number, lastTradeTsMs: number): number {
    const est = Math.round(localTsMs + this.clockOffsetMs);
    const t = lastTradeTsMs;
    const time = t > est && t - est <= MAX_BBO_CLAMP_MS ? t : est;
    if (time > this.lastBboTsMs) this.lastBboTsMs = time;
    return this.lastBboTsMs;
  }

  /** Exchange time given to the latest bookTicker (−∞ before the first). */
  private lastBboTsMs = Number.NEGATIVE_INFINITY;
}

/** Largest correction of a spot bookTicker's estimated time toward the print before it (ms). */
const MAX_BBO_CLAMP_MS = 1000;
/** Weight of a new sample in the exchange − local clock offset estimate. */
const CLOCK_OFFSET_ALPHA = 0.05;
/** Most spot bookTicker events held while no frame has given the clock offset. */
const MAX_HELD_BBO = 10_000;
const NO_EVENTS: MarketEvent[] = [];
