/** Adaptive fit grid of the `IntensityEstimator`: when and where its deepest grid point moves with the tape. */
import type { TradeDepthRing } from "./trade-depth-ring.js";

/**
 * Options of the adaptive fit grid.
 *
 * With `adaptiveGrid` the deepest grid point of the `IntensityEstimator` follows the tape instead of
 * staying at `maxFitDepthBps` (which becomes its floor): an instrument whose spread or typical print
 * is tens of bps wide would otherwise put every print past a 10 bps grid, leaving nothing to fit. Every `checkEveryTrades` trades the estimator looks at its own histogram: when more than
 * 2·(1 − quantile) of the window's trades reach the deepest point, or (above the floor) fewer than
 * (1 − quantile)/4 reach half of it, the deepest point is reset to the window's `quantile` depth (never
 * below the floor) and the window's trades are re-bucketed. Deterministic for a given trade sequence;
 * the grid is part of the checkpoint.
 */
export interface AdaptiveGridOptions {
  /** The deepest grid point is set to this quantile of the window's trade depths (default 0.99). */
  quantile?: number;
  /** Trades between two looks at the grid (default 500). */
  checkEveryTrades?: number;
}

/**
 * Whether the window of `n` trades has outgrown the grid (too many reach its deepest point) or, when the
 * grid is above its floor, shrunk away from it (too few reach half of it). `hist[b]`: trades in bucket b.
 */
export function gridNeedsAdapting(
  hist: Float64Array,
  gridPoints: number,
  n: number,
  quantile: number,
  aboveFloor: boolean,
): boolean {
  const tail = 1 - quantile;
  const pastMax = hist[gridPoints]! / n;
  let reachHalf = 0;
  const halfBucket = Math.ceil((gridPoints - 1) / 2) + 1;
  for (let b = halfBucket; b <= gridPoints; b++) reachHalf += hist[b]!;
  const outgrown = pastMax > 2 * tail;
  const shrunk = aboveFloor && reachHalf / n < tail / 4;
  return outgrown || shrunk;
}

/** The `quantile` depth (fraction of mid) of the trades in `ring` (at least one). */
export function windowDepthQuantile(ring: TradeDepthRing, quantile: number): number {
  const n = ring.size;
  const depths = new Float64Array(n);
  for (let k = 0; k < n; k++) depths[k] = ring.depthAt(k);
  depths.sort();
  return depths[Math.min(n - 1, Math.ceil(quantile * n) - 1)]!;
}
