/** Finite-input check of a quote cycle: the first non-finite input, named, or null. */
import type { QuoteInput } from "./quote-decision.js";
import type { SignalEffect } from "./signal.js";

/** The first non-finite quote input as `name=value` (checked in a fixed order), or null. */
export function firstNonFinite(
  input: QuoteInput,
  bestBid: number,
  bestAsk: number,
  signals: SignalEffect,
): string | null {
  // Plain comparisons instead of a list of [name, value] pairs: this runs on every quote cycle.
  if (!Number.isFinite(input.tsMs)) return `tsMs=${input.tsMs}`;
  if (!Number.isFinite(bestBid)) return `book.bestBid=${bestBid}`;
  if (!Number.isFinite(bestAsk)) return `book.bestAsk=${bestAsk}`;
  if (!Number.isFinite(input.sigma.sigmaPerSqrtSec))
    return `sigma.sigmaPerSqrtSec=${input.sigma.sigmaPerSqrtSec}`;
  if (!Number.isFinite(input.sigma.confidence)) return `sigma.confidence=${input.sigma.confidence}`;
  if (!Number.isFinite(input.intensity.confidence))
    return `intensity.confidence=${input.intensity.confidence}`;
  if (!Number.isFinite(input.inventoryBase)) return `inventoryBase=${input.inventoryBase}`;
  if (!Number.isFinite(signals.spreadAdjBps)) return `signals.spreadAdjBps=${signals.spreadAdjBps}`;
  if (!Number.isFinite(signals.skewAdjBps)) return `signals.skewAdjBps=${signals.skewAdjBps}`;
  if (!Number.isFinite(signals.kappaMult)) return `signals.kappaMult=${signals.kappaMult}`;
  if (!Number.isFinite(signals.gammaMult)) return `signals.gammaMult=${signals.gammaMult}`;
  if (!Number.isFinite(signals.bidExtraBps)) return `signals.bidExtraBps=${signals.bidExtraBps}`;
  if (!Number.isFinite(signals.askExtraBps)) return `signals.askExtraBps=${signals.askExtraBps}`;
  return null;
}
