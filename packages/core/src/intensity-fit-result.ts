/** What the intensity estimator reports: the A/κ fit (or the fallback) with diagnostics, and the survival curve. */
import type { SurvivalFit } from "./intensity-fit.js";

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

/** What {@link intensityFitOf} needs beside the survival-curve fit. */
export interface IntensityFitContext {
  fallback: { aPerSec: number; kappaPerFrac: number };
  sampleCount: number;
  windowSec: number;
  observedSec: number;
  minSamples: number;
  minR2: number;
}

/**
 * The estimator's result from a survival-curve fit (null: none possible): the fitted A/κ when the
 * fit passes the sample, R² and sign checks, else the fallback (the fitted values kept beside it).
 */
export function intensityFitOf(fit: SurvivalFit | null, x: IntensityFitContext): IntensityFit {
  // Built field by field: this runs every quote cycle and object spread is a slow path.
  const out: IntensityFit = {
    aPerSec: x.fallback.aPerSec,
    kappaPerFrac: x.fallback.kappaPerFrac,
    r2: Number.NaN,
    sampleCount: x.sampleCount,
    fitOk: false,
    usedFallback: true,
    windowSec: x.windowSec,
    observedSec: x.observedSec,
    pointsUsed: 0,
    fittedAPerSec: Number.NaN,
    fittedKappaPerFrac: Number.NaN,
  };
  if (fit === null) return out;
  out.r2 = fit.r2;
  out.pointsUsed = fit.pointsUsed;
  out.fittedAPerSec = fit.aPerSec;
  out.fittedKappaPerFrac = fit.kappaPerFrac;
  const fitOk =
    x.sampleCount >= x.minSamples &&
    fit.r2 >= x.minR2 &&
    fit.kappaPerFrac > 0 &&
    Number.isFinite(fit.kappaPerFrac) &&
    Number.isFinite(fit.aPerSec);
  if (!fitOk) return out;
  out.aPerSec = fit.aPerSec;
  out.kappaPerFrac = fit.kappaPerFrac;
  out.fitOk = true;
  out.usedFallback = false;
  return out;
}
