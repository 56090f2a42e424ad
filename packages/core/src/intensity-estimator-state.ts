/** Checkpoint of the `IntensityEstimator`: its plain-JSON shape, the window's trades in it, and its checks. */
import type { TradeDepthRing } from "./trade-depth-ring.js";

/** Checkpoint of an `IntensityEstimator` (plain JSON). */
export interface IntensityEstimatorState {
  version: 1;
  /** Trades in the window, oldest first: [tsMs, depthFrac, 1 = buy aggressor | 0 = sell]. */
  events: Array<[number, number, number]>;
  startTsMs: number | null;
  nowTsMs: number | null;
  capacityDropTsMs: number | null;
  rejectedCount: number;
  /** Deepest grid point as a fraction of mid (adaptive grid; absent = the configured one). */
  maxFitDepthFrac?: number;
  /** Trades since the adaptive grid was last looked at. */
  tradesSinceGridCheck?: number;
}

/**
 * Check a checkpoint's version, size and adaptive-grid fields against the estimator's settings
 * (throws a clear Error); returns the grid's deepest point and the trades since the last grid look.
 */
export function checkIntensityEstimatorState(
  state: IntensityEstimatorState,
  maxEvents: number,
  floorMaxFitDepthFrac: number,
  gridCheckEvery: number,
): { gridMax: number; sinceCheck: number } {
  if (state.version !== 1)
    throw new Error(`IntensityEstimator.setState: unsupported version ${String(state.version)}`);
  if (state.events.length > maxEvents) {
    throw new Error(
      `IntensityEstimator.setState: ${state.events.length} events exceed maxEvents ${maxEvents}`,
    );
  }
  const gridMax = state.maxFitDepthFrac ?? floorMaxFitDepthFrac;
  const sinceCheck = state.tradesSinceGridCheck ?? 0;
  if (!Number.isFinite(gridMax) || gridMax < floorMaxFitDepthFrac * (1 - 1e-12)) {
    throw new Error(
      `IntensityEstimator.setState: maxFitDepthFrac must be finite and >= the configured maxFitDepthBps, got ${gridMax}`,
    );
  }
  if (gridMax !== floorMaxFitDepthFrac && gridCheckEvery === 0) {
    throw new Error("IntensityEstimator.setState: the state has an adapted grid but adaptiveGrid is off");
  }
  if (!Number.isInteger(sinceCheck) || sinceCheck < 0) {
    throw new Error(
      `IntensityEstimator.setState: tradesSinceGridCheck must be an integer >= 0, got ${sinceCheck}`,
    );
  }
  return { gridMax, sinceCheck };
}

/** The trades of `ring`, oldest first, as checkpoint events [tsMs, depthFrac, 1 = buy | 0 = sell]. */
export function windowEvents(ring: TradeDepthRing): Array<[number, number, number]> {
  const events: Array<[number, number, number]> = [];
  for (let k = 0; k < ring.size; k++) events.push([ring.tsAt(k), ring.depthAt(k), ring.buyAt(k)]);
  return events;
}

/** Throw unless a checkpoint event is [finite tsMs ≥ the previous one's, finite depthFrac ≥ 0, 0 | 1]. */
export function checkStateEvent(ts: number, prevTs: number, depth: number, buy: number): void {
  if (
    !Number.isFinite(ts) ||
    ts < prevTs ||
    !Number.isFinite(depth) ||
    depth < 0 ||
    (buy !== 0 && buy !== 1)
  ) {
    throw new Error("IntensityEstimator.setState: events must be [tsMs ascending, depthFrac >= 0, 0|1]");
  }
}
