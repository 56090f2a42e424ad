/** Options of the `IntensityEstimator`: their fields, defaults and validation into resolved settings. */
import type { AdaptiveGridOptions } from "./adaptive-grid.js";
import { BPS_PER_FRAC, MS_PER_SEC } from "./units.js";

/** Options of `IntensityEstimator`. */
export interface IntensityEstimatorOptions {
  /** Rolling window length, seconds. */
  windowSec: number;
  /** Deepest grid point of the fit, bps (default 10). */
  maxFitDepthBps?: number;
  /** Shallowest grid point of the fit, bps (default 0; raise it above the typical touch half-spread if wanted). */
  minFitDepthBps?: number;
  /** Number of grid points (default 20). */
  gridPoints?: number;
  /** Grid points reached by fewer trades are left out of the fit (default 10). */
  minPointCount?: number;
  /** Trades in the window needed for a fit (default 100). */
  minSamples?: number;
  /** Weighted R² needed to accept the fit (default 0.8). */
  minR2?: number;
  /** Ring-buffer capacity in trades (default 100,000); past it the oldest trades are dropped early. */
  maxEvents?: number;
  /** Values returned while the fit is not usable. */
  fallback: { aPerSec: number; kappaPerFrac: number };
  /** Let the deepest grid point follow the tape (see adaptive-grid.ts); `maxFitDepthBps` is then its floor. */
  adaptiveGrid?: AdaptiveGridOptions;
}

/** The estimator's settings with defaults filled in and depths as fractions of mid. */
export interface ResolvedIntensityEstimatorOptions {
  windowSec: number;
  windowMs: number;
  gridPoints: number;
  minFitDepthFrac: number;
  /** Configured deepest grid point (the adaptive grid's floor), fraction of mid. */
  floorMaxFitDepthFrac: number;
  /** Grid step at the configured deepest point, fraction of mid. */
  floorStepFrac: number;
  gridQuantile: number;
  /** Trades between looks at the grid; 0 = fixed grid. */
  gridCheckEvery: number;
  minPointCount: number;
  minSamples: number;
  minR2: number;
  maxEvents: number;
  fallback: { aPerSec: number; kappaPerFrac: number };
}

/** Validate `opts` and fill in the defaults; throws naming the first invalid option. */
export function resolveIntensityEstimatorOptions(
  opts: IntensityEstimatorOptions,
): ResolvedIntensityEstimatorOptions {
  if (opts === null || typeof opts !== "object")
    throw new Error(`IntensityEstimator: options {windowSec, fallback, …} are required, got ${opts}`);
  const fb: unknown = opts.fallback;
  if (fb === null || typeof fb !== "object") {
    throw new Error(
      `IntensityEstimator: fallback {aPerSec, kappaPerFrac} is required (the prior until the fit is usable), got ${fb}`,
    );
  }
  const positive = (name: string, v: number): number => {
    if (!Number.isFinite(v) || v <= 0)
      throw new Error(`IntensityEstimator: ${name} must be finite and > 0, got ${v}`);
    return v;
  };
  const intAtLeast = (name: string, v: number, min: number): number => {
    if (!Number.isInteger(v) || v < min)
      throw new Error(`IntensityEstimator: ${name} must be an integer >= ${min}, got ${v}`);
    return v;
  };
  const windowSec = positive("windowSec", opts.windowSec);
  const maxFitBps = positive("maxFitDepthBps", opts.maxFitDepthBps ?? 10);
  const minFitBps = opts.minFitDepthBps ?? 0;
  if (!Number.isFinite(minFitBps) || minFitBps < 0 || minFitBps >= maxFitBps) {
    throw new Error(`IntensityEstimator: minFitDepthBps must be in [0, maxFitDepthBps), got ${minFitBps}`);
  }
  const gridPoints = intAtLeast("gridPoints", opts.gridPoints ?? 20, 3);
  if (gridPoints > 10_000)
    throw new Error(`IntensityEstimator: gridPoints must be <= 10000, got ${gridPoints}`);
  const adaptive = opts.adaptiveGrid;
  const gridQuantile = adaptive?.quantile ?? 0.99;
  if (!(gridQuantile > 0.5 && gridQuantile < 1)) {
    throw new Error(`IntensityEstimator: adaptiveGrid.quantile must be in (0.5, 1), got ${gridQuantile}`);
  }
  const gridCheckEvery =
    adaptive === undefined
      ? 0
      : intAtLeast("adaptiveGrid.checkEveryTrades", adaptive.checkEveryTrades ?? 500, 1);
  const minPointCount = intAtLeast("minPointCount", opts.minPointCount ?? 10, 1);
  const minSamples = intAtLeast("minSamples", opts.minSamples ?? 100, 1);
  const minR2 = opts.minR2 ?? 0.8;
  if (!Number.isFinite(minR2) || minR2 < 0 || minR2 > 1) {
    throw new Error(`IntensityEstimator: minR2 must be in [0, 1], got ${minR2}`);
  }
  const maxEvents = intAtLeast("maxEvents", opts.maxEvents ?? 100_000, 16);
  positive("fallback.aPerSec", opts.fallback.aPerSec);
  positive("fallback.kappaPerFrac", opts.fallback.kappaPerFrac);
  return {
    windowSec,
    windowMs: windowSec * MS_PER_SEC,
    gridPoints,
    minFitDepthFrac: minFitBps / BPS_PER_FRAC,
    floorMaxFitDepthFrac: maxFitBps / BPS_PER_FRAC,
    floorStepFrac: (maxFitBps - minFitBps) / BPS_PER_FRAC / (gridPoints - 1),
    gridQuantile,
    gridCheckEvery,
    minPointCount,
    minSamples,
    minR2,
    maxEvents,
    fallback: { aPerSec: opts.fallback.aPerSec, kappaPerFrac: opts.fallback.kappaPerFrac },
  };
}
