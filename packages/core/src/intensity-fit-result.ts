/** What the intensity estimator reports: the A/κ fit (or the fallback) with diagnostics, and the survival curve. */

/** Result of the intensity fit (or the fallback). */
export interface IntensityFit {
  /** Per-side arrival rate at zero depth, trades per second. */
  aPerSec: number;
  /** Decay of intensity with depth, per fraction of mid. */
  kappaPerFrac: number;
  /** Weighted R² of the log-linear fit (NaN when no fit was possible). */
  r2: number;
  /** Trades (sweeps merged) in the window. */
  sampleCount: number;
  /** Whether the fit passed the sample, R² and sign checks. */
  fitOk: boolean;
  /** Whether aPerSec/kappaPerFrac are the fallback values. */
  usedFallback: boolean;
  /** Configured window, seconds. */
  windowSec: number;
  /** Time span the counts cover (shorter than the window during warm-up), seconds. */
  observedSec: number;
  /** Grid points that entered the fit. */
  pointsUsed: number;
  /** Fitted A even when rejected (NaN when no fit was possible). */
  fittedAPerSec: number;
  /** Fitted κ even when rejected (NaN when no fit was possible). */
  fittedKappaPerFrac: number;
}

/** Empirical survival curve of the window: per grid depth, the trades reaching it and the per-side rate. */
export interface IntensitySurvival {
  depthBps: number[];
  count: number[];
  ratePerSecPerSide: number[];
}
