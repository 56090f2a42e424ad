/** Trade-arrival intensity model λ(δ) = A·exp(−κδ), δ in fractions of mid, A in trades per second. */

/** Arrival rate (per second) of market orders reaching depth δ (fraction of mid). */
export function arrivalRatePerSec(aPerSec: number, kappaPerFrac: number, depthFrac: number): number {
  return aPerSec * Math.exp(-kappaPerFrac * Math.max(0, depthFrac));
}

/**
 * Probability that at least one market order reaches depth δ within `horizonSec`, for Poisson
 * arrivals at rate λ(δ): 1 − exp(−λ(δ)·h). κ is per fraction of mid, never a rate per second.
 */
export function fillProbabilityWithin(
  aPerSec: number,
  kappaPerFrac: number,
  depthFrac: number,
  horizonSec: number,
): number {
  const lambda = arrivalRatePerSec(aPerSec, kappaPerFrac, depthFrac);
  return -Math.expm1(-lambda * horizonSec);
}
