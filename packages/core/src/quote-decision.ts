/** One quote cycle of the `QuoteEngine`: its inputs and the decision it returns. */
import type { L2Book } from "./book.js";
import type { IntensityObservation } from "./effective-params.js";
import type { RiskState } from "./kill-switch.js";
import type { SignalEffect } from "./signal.js";
import type { SpreadTrace } from "./spread-trace.js";
import type { Bbo, QuoteLadder } from "./types.js";

/** One quote cycle's inputs. */
export interface QuoteInput {
  /** Decision time (ms, the run's clock). */
  tsMs: number;
  /** Quote-cycle id (attribution key). */
  cycleId: number;
  /** Current book (or its best bid/offer). */
  book: L2Book | Bbo;
  /** σ estimate per √s and its confidence in [0, 1] (low confidence shrinks σ toward the prior). */
  sigma: { sigmaPerSqrtSec: number; confidence: number };
  /**
   * Intensity fit (null before any fit) and the estimator's confidence in [0, 1]. The gating weight is
   * computed smoothly from the fit's sampleCount and R² (see effective-params.ts); the confidence is
   * carried into the trace for logs.
   */
  intensity: { fit: IntensityObservation | null; confidence: number };
  /** Blended signal effect (default: neutral). */
  signals?: SignalEffect;
  /** Inventory in base units (lots = inventoryBase / orderSizeBase). */
  inventoryBase: number;
  /** The caller's kill-switch state. */
  riskState: RiskState;
}

/** The parameters a decision quoted with. */
export interface EffectiveQuoteParams {
  gamma: number;
  kappaPerFrac: number;
  aPerSec: number;
  sigmaPerSqrtSec: number;
}

/** One quote decision: the desired ladder and why it looks the way it does. */
export interface QuoteDecision {
  cycleId: number;
  tsMs: number;
  /** Fair price the depths are measured from (NaN on a fault). */
  fairPrice: number;
  /** Book mid (NaN on a fault). */
  mid: number;
  ladder: QuoteLadder;
  /** Effective parameters (NaN on a fault). */
  effective: EffectiveQuoteParams;
  /** Spread trace (null on a fault, when nothing could be computed). */
  trace: SpreadTrace | null;
  riskState: RiskState;
  /** Human-readable warnings (faults, halts, dropped levels, over-limit inventory). */
  warnings: string[];
  /** Set when the inputs or the computation were invalid: the caller should trip its kill switch. */
  fault: string | null;
}
