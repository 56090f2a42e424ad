/** Prediction records: a closed or open prediction's row turned into its `PredictionRecord`, with its outcomes. */
import type { Side } from "@mmkit/core";
import type { FillModelName, PredictionRecord } from "./events.js";
import {
  CENSORED,
  EMPIRICAL,
  F_A,
  F_CANCELLED,
  F_CYCLE,
  F_DEPTH,
  F_FIRST_FILL,
  F_FLAGS,
  F_KAPPA,
  F_LEVEL,
  F_LIVE,
  F_MID,
  F_PFILL,
  F_PRICE,
  F_SIGMA,
  F_SIZE,
  HAS_CYCLE,
  HAS_FILL,
  HAS_LEVEL,
  META,
  type OpenPredictions,
  RESTORED,
  SELL,
} from "./open-predictions.js";

/**
 * Close the prediction in `slot` and return its record: outcomes per horizon as known by
 * `knownUntilMs` (+∞ when every horizon has elapsed).
 */
export function finishPrediction(
  P: OpenPredictions,
  slot: number,
  knownUntilMs: number,
  horizonsMs: readonly number[],
  horizonsSec: readonly number[],
): PredictionRecord {
  if (P.byId !== null) P.byId.delete(P.orderId(slot));
  const rows = P.rows;
  const row = P.row(slot);
  const flags = rows[row + F_FLAGS]!;
  if (flags & RESTORED) {
    const r = P.restoredAt(slot);
    r.complete = knownUntilMs === Number.POSITIVE_INFINITY;
    for (let i = 0; i < horizonsMs.length; i++) {
      const end = r.liveTsMs + horizonsMs[i]!;
      r.filled[i] = outcomeAt(end, r.firstFillTsMs, knownUntilMs);
    }
    return r;
  }
  const liveTsMs = rows[row + F_LIVE]!;
  const first = flags & HAS_FILL ? rows[row + F_FIRST_FILL]! : null;
  const n = horizonsMs.length;
  const filled = new Array<boolean | null>(n);
  for (let i = 0; i < n; i++) filled[i] = outcomeAt(liveTsMs + horizonsMs[i]!, first, knownUntilMs);
  return predictionRecord(P, slot, horizonsSec, filled, knownUntilMs === Number.POSITIVE_INFINITY);
}

/** A fresh record object for an open (not restored) slot, in the declared key order. */
export function predictionRecord(
  P: OpenPredictions,
  slot: number,
  horizons: readonly number[],
  filled: (boolean | null)[],
  complete: boolean,
): PredictionRecord {
  const rows = P.rows;
  const row = P.row(slot);
  const meta = P.meta;
  const orderId = meta[slot * META] as string;
  const clientId = meta[slot * META + 1] as string | undefined;
  const fillModel = meta[slot * META + 2] as FillModelName;
  const flags = rows[row + F_FLAGS]!;
  const cycleId = flags & HAS_CYCLE ? rows[row + F_CYCLE]! : undefined;
  const level = flags & HAS_LEVEL ? rows[row + F_LEVEL]! : undefined;
  const side: Side = flags & SELL ? "sell" : "buy";
  const price = rows[row + F_PRICE]!;
  const size = rows[row + F_SIZE]!;
  const liveTsMs = rows[row + F_LIVE]!;
  const midAtLive = rows[row + F_MID]!;
  const depthFrac = rows[row + F_DEPTH]!;
  const depthBps = depthFrac * 1e4;
  const aPerSec = rows[row + F_A]!;
  const kappaPerFrac = rows[row + F_KAPPA]!;
  const sigmaPerSqrtSec = rows[row + F_SIGMA]!;
  const horizonsSec = horizons.slice();
  const n = P.horizons;
  const pFill = new Array<number>(n);
  for (let i = 0; i < n; i++) pFill[i] = rows[row + F_PFILL + i]!;
  const firstFillTsMs = flags & HAS_FILL ? rows[row + F_FIRST_FILL]! : null;
  const censored = (flags & CENSORED) !== 0;
  const cancelledTsMs = censored ? rows[row + F_CANCELLED]! : null;
  // One literal (one allocation, one shape, no spread); absent optional fields are undefined,
  // which JSON omits exactly as a missing key.
  return {
    kind: "prediction",
    orderId,
    clientId,
    cycleId,
    level,
    side,
    price,
    size,
    fillModel,
    liveTsMs,
    midAtLive,
    depthFrac,
    depthBps,
    aPerSec,
    kappaPerFrac,
    sigmaPerSqrtSec,
    arrivalModel: flags & EMPIRICAL ? "empirical" : "exponential",
    horizonsSec,
    pFill,
    filled,
    firstFillTsMs,
    censored,
    cancelledTsMs,
    complete,
  };
}

/**
 * A horizon's outcome: filled by `endMs` or not, or null when its window is not over by
 * `knownUntilMs` (shutdown). An unfinished window is null even if the order already filled:
 * keeping only the windows that happened to fill early would bias the Brier sample toward fills.
 */
function outcomeAt(endMs: number, firstFillTsMs: number | null, knownUntilMs: number): boolean | null {
  if (endMs > knownUntilMs) return null;
  return firstFillTsMs !== null && firstFillTsMs <= endMs;
}
