/** Test inputs of the quote engine: a one-level book around 60 000 and a neutral cycle on it. */
import { L2Book } from "./book.js";
import type { QuoteInput } from "./quote-decision.js";
import { NEUTRAL_SIGNAL_EFFECT } from "./signal.js";

/** A one-level book (default 59 999 × 1 / 60 001 × 1). */
export function book(bid = 59_999, ask = 60_001, bidSize = 1, askSize = 1): L2Book {
  const b = new L2Book();
  b.applySnapshot([{ price: bid, size: bidSize }], [{ price: ask, size: askSize }]);
  return b;
}

/** A neutral quote input on `book()` (σ 1e-4 at full confidence, no fit, flat), with overrides. */
export function input(over: Partial<QuoteInput> = {}): QuoteInput {
  return {
    tsMs: 1_000,
    cycleId: 7,
    book: book(),
    sigma: { sigmaPerSqrtSec: 1e-4, confidence: 1 },
    intensity: { fit: null, confidence: 0 },
    signals: { ...NEUTRAL_SIGNAL_EFFECT },
    inventoryBase: 0,
    riskState: "active",
    ...over,
  };
}
