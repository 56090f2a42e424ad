/**
 * The spread a fill is predicted to capture: E[depth vs the mid at the fill | a fill within the
 * horizon], from the same diffusing-mid fill model as the fill probabilities
 * (`predictFillOutcome` of the paper exchange). It is below the placement depth — fills
 * come when the mid has moved toward the order — which the placement depth alone ignored: the
 * predicted edge ran 0.73 bps above the realized one on the default synthetic run and 1.8–2.5 bps
 * above it on the real Binance captures (bias p ≈ 0 everywhere). The trader conditions on a fill
 * within 1 s (`FILL_SPREAD_HORIZON_SEC`), about an order's typical life before it is replaced;
 * the bias is then +0.18 bps on the synthetic run and +0.26 to +0.49 bps (p 0.12–0.53) on the
 * real captures. (A 30 s horizon over-corrects on the synthetic market: −0.51 bps.)
 */
import { type Side, sideSign } from "@mmkit/core";
import { type IntensityEstimate, predictFillOutcome } from "@mmkit/exchange";

/**
 * Horizon (s) a predicted spread is conditioned on: a fill within 1 s, about an order's typical
 * life before the quote loop replaces it (measured: median 0.6 s on the synthetic market, 1.1 s on
 * the real Binance USD-M capture; 30 s over-corrects the spread, see above).
 */
export const FILL_SPREAD_HORIZON_SEC = 1;

/**
 * Predicted spread captured by a fill of a passive order at `price` with the book mid at `mid`,
 * in bps of the mid, under the exchange's arrival model (`intensity`), fill-model factor and tick;
 * null when the model has no fill probability there (then the caller keeps the placement depth).
 */
export function expectedSpreadAtFillBps(
  intensity: IntensityEstimate,
  atPriceFillFactor: number,
  tickSize: number,
  side: Side,
  price: number,
  mid: number,
): number | null {
  if (!(mid > 0)) return null;
  const depthFrac = (sideSign(side) * (mid - price)) / mid;
  const o = predictFillOutcome(
    intensity,
    depthFrac,
    FILL_SPREAD_HORIZON_SEC,
    atPriceFillFactor,
    tickSize / mid,
  );
  return Number.isFinite(o.expectedDepthAtFillFrac) ? o.expectedDepthAtFillFrac * 1e4 : null;
}
