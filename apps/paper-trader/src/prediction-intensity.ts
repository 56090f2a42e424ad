/** The arrival model of the paper exchange's fill predictions, from the quoting model's intensity fit. */
import type { IntensityEstimator } from "@mmkit/core";
import type { IntensityEstimate } from "@mmkit/exchange";

/**
 * The intensity the fill predictions use, or null while the fit has no positive A and κ (the
 * exchange then keeps the one it was last given).
 */
export function predictionIntensity(
  fit: ReturnType<IntensityEstimator["value"]>,
  sigma: number,
  estimator: IntensityEstimator,
): IntensityEstimate | null {
  if (!(fit.aPerSec > 0 && fit.kappaPerFrac > 0)) return null;
  // Predictions use the quoting model: arrivals A·e^{−κδ} while the mid diffuses with the σ
  // the quotes were priced with (their depth changes over the 1–30 s horizons). When the
  // exponential does not fit the tape (A, κ are the fallback prior, e.g. a deep BTC book where
  // nearly every print is at the touch), the arrival rates come from the tape itself instead:
  // the estimator's empirical curve, once it has its minimum sample.
  const curve = fit.usedFallback ? estimator.arrivalCurve() : null;
  const sigmaPerSqrtSec = Number.isFinite(sigma) && sigma > 0 ? sigma : 0;
  return curve === null
    ? { aPerSec: fit.aPerSec, kappaPerFrac: fit.kappaPerFrac, sigmaPerSqrtSec }
    : { aPerSec: fit.aPerSec, kappaPerFrac: fit.kappaPerFrac, sigmaPerSqrtSec, curve };
}
