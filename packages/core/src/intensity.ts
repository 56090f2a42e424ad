/** Trade-arrival intensity model λ(δ) = A·exp(−κδ), δ in fractions of mid, A in trades per second. */

/**
 * Arrival rate (per second) of market orders reaching depth δ (fraction of mid; δ < 0 counts as 0).
 * A and κ must be finite and >= 0, δ finite (RangeError otherwise).
 */
export function arrivalRatePerSec(aPerSec: number, kappaPerFrac: number, depthFrac: number): number {
  return checkedRate("arrivalRatePerSec", aPerSec, kappaPerFrac, depthFrac);
}

/**
 * Probability that at least one market order reaches depth δ within `horizonSec`, for Poisson
 * arrivals at rate λ(δ): 1 − exp(−λ(δ)·h). κ is per fraction of mid, never a rate per second.
 * A, κ, h must be finite and >= 0, δ finite (RangeError otherwise); the result is in [0, 1].
 */
export function fillProbabilityWithin(
  aPerSec: number,
  kappaPerFrac: number,
  depthFrac: number,
  horizonSec: number,
): number {
  if (!(horizonSec >= 0 && horizonSec < Number.POSITIVE_INFINITY)) {
    throw new RangeError(`fillProbabilityWithin: horizonSec must be finite and >= 0, got ${horizonSec}`);
  }
  const lambda = checkedRate("fillProbabilityWithin", aPerSec, kappaPerFrac, depthFrac);
  return -Math.expm1(-lambda * horizonSec);
}

/** A·exp(−κ·max(0, δ)) after cheap checks (called per lattice node); `fn` names the caller in the error. */
function checkedRate(fn: string, aPerSec: number, kappaPerFrac: number, depthFrac: number): number {
  if (
    !(aPerSec >= 0 && aPerSec < Number.POSITIVE_INFINITY) ||
    !(kappaPerFrac >= 0 && kappaPerFrac < Number.POSITIVE_INFINITY) ||
    !Number.isFinite(depthFrac)
  ) {
    throw intensityInputError(fn, aPerSec, kappaPerFrac, depthFrac);
  }
  return aPerSec * Math.exp(-kappaPerFrac * Math.max(0, depthFrac));
}

/** The RangeError naming the first bad one of A, κ, δ (built only on failure). */
function intensityInputError(
  fn: string,
  aPerSec: number,
  kappaPerFrac: number,
  depthFrac: number,
): RangeError {
  if (!(aPerSec >= 0 && Number.isFinite(aPerSec)))
    return new RangeError(`${fn}: aPerSec must be finite and >= 0, got ${aPerSec}`);
  if (!(kappaPerFrac >= 0 && Number.isFinite(kappaPerFrac)))
    return new RangeError(`${fn}: kappaPerFrac must be finite and >= 0, got ${kappaPerFrac}`);
  return new RangeError(`${fn}: depthFrac must be finite, got ${depthFrac}`);
}
