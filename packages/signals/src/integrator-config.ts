/** Bounds and options of the signal integrator, and their defaults. */
import { REGIME_SIGNAL_NAME } from "./regime-detector.js";

/** Bounds and options of the integrator. */
export interface IntegratorConfig {
  /** Lower bound of the total spread adjustment (bps, ≤ 0). Default −5. */
  minSpreadAdjBps: number;
  /** Upper bound of the total spread adjustment (bps, ≥ 0). Default 50. */
  maxSpreadAdjBps: number;
  /** Bound on |total skew| (bps). Default 10. */
  maxAbsSkewBps: number;
  minKappaMult: number;
  maxKappaMult: number;
  minGammaMult: number;
  maxGammaMult: number;
  /** Bound on each side's extra widening (bps). Default 50. */
  maxSideExtraBps: number;
  /** Name of the signal whose κ/γ go to `effect.regime`. Default "RegimeDetection". */
  regimeSignalName: string;
  /**
   * A contribution is recorded as `was_active` only when the signal is active AND changes the quote
   * materially: a weighted spread/skew/side adjustment of at least this many bps, a pull, or a κ/γ
   * multiplier at least `materialityMult` away from 1. An "active" signal that asks for nothing is
   * not credited, so attribution's active-vs-inactive split measures something. Default 0.05.
   */
  materialityBps: number;
  /** Relative κ/γ multiplier change that counts as material (0.01 = 1 %). Default 0.01. */
  materialityMult: number;
}

/** Default bounds. */
export const DEFAULT_INTEGRATOR_CONFIG: IntegratorConfig = {
  minSpreadAdjBps: -5,
  maxSpreadAdjBps: 50,
  maxAbsSkewBps: 10,
  minKappaMult: 0.3,
  maxKappaMult: 2,
  minGammaMult: 0.5,
  maxGammaMult: 3,
  maxSideExtraBps: 50,
  regimeSignalName: REGIME_SIGNAL_NAME,
  materialityBps: 0.05,
  materialityMult: 0.01,
};
