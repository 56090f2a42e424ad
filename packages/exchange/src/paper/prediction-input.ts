/** Opening a prediction: what is known when an order goes live, written into its row of the open predictions. */
import { type Side, sideSign } from "@mmkit/core";
import type { FillModelName, IntensityEstimate } from "./events.js";
import { predictFillProbability } from "./fill-prediction.js";
import {
  EMPIRICAL,
  F_A,
  F_CYCLE,
  F_DEPTH,
  F_END,
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
  HAS_LEVEL,
  type OpenPredictions,
  SELL,
} from "./open-predictions.js";

/** Inputs to open a prediction record when an order becomes live. */
export interface PredictionInput {
  orderId: string;
  clientId?: string;
  cycleId?: number;
  level?: number;
  side: Side;
  price: number;
  size: number;
  liveTsMs: number;
  midAtLive: number;
  intensity: IntensityEstimate;
  fillModel: FillModelName;
  /** Factor on prints landing exactly at our price (touch p, queue 1, through 0). */
  atPriceFillFactor: number;
  /** Price increment: a print one tick beyond our price is "through". 0 = continuous prices. */
  tickSize: number;
}

/**
 * Add the prediction of `inp` to `P`, its window ending at `endMs`, with its fill probability at
 * each of `horizonsSec`; returns its slot.
 */
export function pushPrediction(
  P: OpenPredictions,
  inp: PredictionInput,
  endMs: number,
  horizonsSec: readonly number[],
): number {
  const depthFrac = (sideSign(inp.side) * (inp.midAtLive - inp.price)) / inp.midAtLive;
  const tickFrac = inp.tickSize / inp.midAtLive;
  const slot = P.push(inp.orderId, inp.clientId, inp.fillModel);
  const rows = P.rows;
  const r = P.row(slot);
  rows[r + F_PRICE] = inp.price;
  rows[r + F_SIZE] = inp.size;
  rows[r + F_LIVE] = inp.liveTsMs;
  rows[r + F_MID] = inp.midAtLive;
  rows[r + F_DEPTH] = depthFrac;
  rows[r + F_A] = inp.intensity.aPerSec;
  rows[r + F_KAPPA] = inp.intensity.kappaPerFrac;
  const sigma = inp.intensity.sigmaPerSqrtSec ?? 0;
  rows[r + F_SIGMA] = sigma;
  rows[r + F_END] = endMs;
  let flags = inp.side === "sell" ? SELL : 0;
  if (inp.cycleId !== undefined) {
    flags |= HAS_CYCLE;
    rows[r + F_CYCLE] = inp.cycleId;
  }
  if (inp.level !== undefined) {
    flags |= HAS_LEVEL;
    rows[r + F_LEVEL] = inp.level;
  }
  if (inp.intensity.curve !== undefined) flags |= EMPIRICAL;
  rows[r + F_FLAGS] = flags;
  const hs = horizonsSec;
  for (let i = 0; i < hs.length; i++)
    rows[r + F_PFILL + i] = predictFillProbability(
      inp.intensity,
      depthFrac,
      hs[i]!,
      inp.atPriceFillFactor,
      tickFrac,
    );
  return slot;
}
